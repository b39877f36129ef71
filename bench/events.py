"""Integration events end to end in split-local: sustained throughput and lag at a steady rate.

Starts split-local as ``make split-local`` runs it (its own state directory under a temp dir,
free ports, logging on, the default EVENTS_* settings) and writes ``user.deleted`` events
through the users service's real ``Publisher`` from a script run with the users process's
environment. Each event then goes outbox -> users-relay -> RabbitMQ -> projects-consumer ->
projects inbox. Two measurements, both read from the tables, not the logs:

- **throughput**: N events (default 3,000) published in transactions of 100 as fast as the
  publisher writes them; rate = N / (last inbox ``processed_at`` - first outbox ``created_at``).
- **lag**: events published one per transaction at a steady rate (default 100/s for 20 s);
  per event, lag = inbox ``processed_at`` (written by the consumer in the transaction it
  commits, at most the rest of its batch before the commit) - outbox ``created_at`` (the
  event's ``occurred_at``); p50, p99, max.

Also the CPU seconds each process spent in each phase (where the time went). Prints a table and
writes it as JSON (``var/bench/events.json``); split-local is stopped whatever happens.

    make bench-events        # or: python -m bench.events --events 3000 --rate 100 --seconds 20

``--worker`` is internal: the script the benchmark runs in a service's environment.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPLIT_LOCAL = ROOT / "docker" / "split-local.sh"
PROCESSES = ("users-relay", "projects-consumer", "broker", "users", "projects", "projects-relay")
# What could make this split-local differ from `make split-local`'s: not inherited.
NOT_INHERITED_PREFIXES = ("EVENTS_", "FAULT_", "LOG_LEVEL", "DJANGO_ACCESS_LOG", "VAR_DIR")
TARGET_THROUGHPUT = 500.0  # events/s
TARGET_P99 = 1.0  # seconds
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the workers: run in a service's environment (python -m bench.events --worker ...) ---------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _user_deleted(tag: str):
    import uuid

    from users_contracts.v1.events import UserDeleted, UserDeletedData

    user_uuid = uuid.uuid4()
    return UserDeleted(
        aggregate_id=str(user_uuid), data=UserDeletedData(user_uuid=user_uuid), request_id=tag
    )


def worker_publish_burst(args: argparse.Namespace) -> dict:
    """``count`` events, ``batch`` per transaction, as fast as they can be written."""
    from django.db import transaction

    from services.users.services.user_service import DB, publisher

    started = time.time()
    for first in range(0, args.count, args.batch):
        with transaction.atomic(using=DB):
            for _ in range(min(args.batch, args.count - first)):
                publisher.publish(_user_deleted(args.tag))
    return {"published": args.count, "seconds": time.time() - started}


def worker_publish_paced(args: argparse.Namespace) -> dict:
    """``rate`` events a second for ``seconds``, one per transaction, on a fixed schedule."""
    from django.db import transaction

    from services.users.services.user_service import DB, publisher

    count = int(args.rate * args.seconds)
    started = time.monotonic()
    late = 0.0
    for index in range(count):
        due = started + index / args.rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        else:
            late = max(late, now - due)
        with transaction.atomic(using=DB):
            publisher.publish(_user_deleted(args.tag))
    return {
        "published": count,
        "seconds": time.monotonic() - started,
        "max_schedule_slip": late,
    }


def worker_await_inbox(args: argparse.Namespace) -> dict:
    """Wait until projects' inbox holds ``count`` events of ``tag``; their processed_at."""
    from services.projects.models import InboxEvent

    rows = InboxEvent.objects.using("projects").filter(request_id=args.tag)
    Path(args.ready).touch()
    deadline = time.monotonic() + args.timeout
    while (have := rows.count()) < args.count and time.monotonic() < deadline:
        time.sleep(0.05)
    return {
        "count": have,
        "processed_at": {
            str(event_id): at.timestamp()
            for event_id, at in rows.values_list("event_id", "processed_at")
        },
    }


def worker_outbox(args: argparse.Namespace) -> dict:
    """The users outbox rows of ``tag``: created_at (occurred_at) and sent_at."""
    from services.users.models import OutboxEvent

    rows = OutboxEvent.objects.using("users").filter(request_id=args.tag)
    return {
        str(event_id): [created.timestamp(), sent.timestamp() if sent else None]
        for event_id, created, sent in rows.values_list("event_id", "created_at", "sent_at")
    }


WORKERS = {
    "publish-burst": worker_publish_burst,
    "publish-paced": worker_publish_paced,
    "await-inbox": worker_await_inbox,
    "outbox": worker_outbox,
}


def run_worker(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", choices=WORKERS, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--ready", default=os.devnull)
    args = parser.parse_args(argv)
    _setup()
    result = WORKERS[args.worker](args)
    Path(args.out).write_text(json.dumps(result))


# --- the benchmark ----------------------------------------------------------------------------


class SplitLocal:
    """split-local in a directory of its own, on free ports; the environments of its services."""

    def __init__(self, directory: Path):
        self.root = directory / "split-local"
        self.ports = {
            "USERS_PORT": free_port(),
            "PROJECTS_PORT": free_port(),
            "GATEWAY_PORT": free_port(),
            "BROKER_PORT": free_port(),
        }
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(NOT_INHERITED_PREFIXES)
        }
        self.env = {
            **inherited,
            "SPLIT_LOCAL_DIR": str(self.root),
            "PYTHON_BIN": sys.executable,
            **{name: str(port) for name, port in self.ports.items()},
        }

    def run(self, command: str) -> None:
        done = subprocess.run(
            [str(SPLIT_LOCAL), command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise SystemExit(
                f"split-local {command} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
            )

    def service_env(self, service: str) -> dict[str, str]:
        """What split-local.sh gives the ``service`` processes (start_named), for our scripts."""
        password = (self.root / "rabbitmq" / "password").read_text().strip()
        broker = f"amqp://events:{password}@127.0.0.1:{self.ports['BROKER_PORT']}/"
        own = (
            {"JWT_PRIVATE_KEY_FILE": str(self.root / "keys" / "jwt_private.pem")}
            if service == "users"
            else {
                "JWT_PUBLIC_KEY_FILE": str(self.root / "keys" / "jwt_public.pem"),
                "USERS_SERVICE_URL": f"http://127.0.0.1:{self.ports['USERS_PORT']}",
            }
        )
        return {
            **self.env,
            "VAR_DIR": str(self.root),
            "SERVICES": service,
            "DJANGO_ACCESS_LOG": "false",
            "EVENTS_TRANSPORT": "amqp",
            "EVENTS_BROKER_URL": broker,
            **own,
        }

    def pids(self) -> dict[str, int]:
        found = {}
        for name in PROCESSES:
            with_pid = self.root / "run" / f"{name}.pid"
            if with_pid.exists():
                found[name] = int(with_pid.read_text().strip())
        return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its waited-for children (gunicorn's workers live on)."""
    total = 0.0
    for one in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return [*found, *(grand for child in found for grand in children(child))]


class Bench:
    def __init__(self, split: SplitLocal, work: Path):
        self.split = split
        self.work = work

    def worker(
        self, service: str, name: str, tag: str, *options: str, background: bool = False
    ) -> tuple[subprocess.Popen, Path]:
        out = self.work / f"{tag}-{name}.json"
        command = [
            sys.executable,
            "-m",
            "bench.events",
            "--worker",
            name,
            "--out",
            str(out),
            "--tag",
            tag,
            *options,
        ]
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.split.service_env(service), stdout=subprocess.DEVNULL
        )
        if not background:
            self.finish(process, name)
        return process, out

    @staticmethod
    def finish(process: subprocess.Popen, name: str) -> None:
        if process.wait(timeout=600):
            raise SystemExit(f"the {name} script failed ({process.returncode})")

    def phase(self, tag: str, count: int, publish: list[str], timeout: float) -> dict:
        """Publish (``publish``: the publisher's options), wait for the inbox, join the rows."""
        ready = self.work / f"{tag}.ready"
        waiter, waited = self.worker(
            "projects",
            "await-inbox",
            tag,
            "--count",
            str(count),
            "--timeout",
            str(timeout),
            "--ready",
            str(ready),
            background=True,
        )
        while not ready.exists():
            if waiter.poll() is not None:
                raise SystemExit("the inbox watcher failed")
            time.sleep(0.05)
        pids = self.split.pids()
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        started = time.monotonic()
        _, published = self.worker("users", publish[0], tag, *publish[1:])
        self.finish(waiter, "await-inbox")
        wall = time.monotonic() - started
        cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
        _, outbox = self.worker("users", "outbox", tag)
        inbox = json.loads(waited.read_text())
        if inbox["count"] < count:
            raise SystemExit(
                f"{tag}: only {inbox['count']} of {count} events reached the inbox in {timeout} s"
                f" (logs in {self.split.root / 'logs'})"
            )
        rows = json.loads(outbox.read_text())
        events = [
            (created, sent, inbox["processed_at"][event_id])
            for event_id, (created, sent) in rows.items()
        ]
        return {
            "events": events,
            "publisher": json.loads(published.read_text()),
            "wall_seconds": wall,
            "cpu_seconds": cpu,
        }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summarize(args: argparse.Namespace, throughput: dict, lag: dict) -> dict:
    events = throughput["events"]
    first = min(created for created, _, _ in events)
    relayed = max(sent for _, sent, _ in events)
    handled = max(processed for _, _, processed in events)
    seconds = handled - first
    lags = [processed - created for created, _, processed in lag["events"]]
    relay_lags = [sent - created for created, sent, _ in lag["events"]]
    return {
        "throughput": {
            "events": len(events),
            "batch_per_transaction": args.batch,
            "seconds": round(seconds, 3),
            "events_per_second": round(len(events) / seconds, 1),
            "publish_seconds": round(throughput["publisher"]["seconds"], 3),
            "relayed_per_second": round(len(events) / (relayed - first), 1),
            "cpu_seconds": {k: round(v, 2) for k, v in throughput["cpu_seconds"].items()},
            "target_events_per_second": TARGET_THROUGHPUT,
        },
        "lag": {
            "events": len(lags),
            "rate_per_second": args.rate,
            "publish_seconds": round(lag["publisher"]["seconds"], 3),
            "max_schedule_slip_seconds": round(lag["publisher"]["max_schedule_slip"], 3),
            "p50_seconds": round(statistics.median(lags), 4),
            "p99_seconds": round(percentile(lags, 0.99), 4),
            "max_seconds": round(max(lags), 4),
            "relay_p50_seconds": round(statistics.median(relay_lags), 4),
            "relay_p99_seconds": round(percentile(relay_lags, 0.99), 4),
            "cpu_seconds": {k: round(v, 2) for k, v in lag["cpu_seconds"].items()},
            "target_p99_seconds": TARGET_P99,
        },
    }


def report(result: dict) -> None:
    t, lag = result["throughput"], result["lag"]
    ok = {True: "ok", False: "MISSED"}
    rows = [
        (
            f"throughput, {t['events']} events ({t['batch_per_transaction']}/tx)",
            f"{t['events_per_second']:.0f} events/s",
            f">= {t['target_events_per_second']:.0f}",
            ok[t["events_per_second"] >= t["target_events_per_second"]],
        ),
        (
            "  of which relayed (outbox -> broker)",
            f"{t['relayed_per_second']:.0f} events/s",
            "",
            "",
        ),
        (
            f"lag p50 at {lag['rate_per_second']:.0f}/s",
            f"{lag['p50_seconds'] * 1000:.0f} ms",
            "",
            "",
        ),
        (
            f"lag p99 at {lag['rate_per_second']:.0f}/s",
            f"{lag['p99_seconds'] * 1000:.0f} ms",
            f"< {lag['target_p99_seconds'] * 1000:.0f} ms",
            ok[lag["p99_seconds"] < lag["target_p99_seconds"]],
        ),
        ("lag max", f"{lag['max_seconds'] * 1000:.0f} ms", "", ""),
        (
            "  of which relay p50 / p99 (outbox -> sent)",
            f"{lag['relay_p50_seconds'] * 1000:.0f} / {lag['relay_p99_seconds'] * 1000:.0f} ms",
            "",
            "",
        ),
    ]
    print(f"{'measure':<46}{'value':>16}{'target':>12}{'':>8}")
    for name, value, target, verdict in rows:
        print(f"{name:<46}{value:>16}{target:>12}{verdict:>8}")
    for phase, data in (("throughput", t), ("lag", lag)):
        spent = ", ".join(f"{k} {v:.1f}" for k, v in data["cpu_seconds"].items())
        print(f"CPU seconds during {phase}: {spent}")


def main() -> None:
    if "--worker" in sys.argv:
        run_worker(sys.argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000, help="events of the throughput run")
    parser.add_argument("--batch", type=int, default=100, help="events per transaction there")
    parser.add_argument("--rate", type=float, default=100.0, help="events/s of the lag run")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of the lag run")
    parser.add_argument("--output", default=str(ROOT / "var" / "bench" / "events.json"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-events-") as directory:
        work = Path(directory)
        split = SplitLocal(work)
        bench = Bench(split, work)
        try:
            split.run("up")
            # Warm-up: the consumer has declared its queue, every process has its connections.
            bench.phase("bench-warmup", 50, ["publish-burst", "--count", "50"], timeout=60)
            throughput = bench.phase(
                "bench-throughput",
                args.events,
                ["publish-burst", "--count", str(args.events), "--batch", str(args.batch)],
                timeout=300,
            )
            lag = bench.phase(
                "bench-lag",
                int(args.rate * args.seconds),
                ["publish-paced", "--rate", str(args.rate), "--seconds", str(args.seconds)],
                timeout=args.seconds + 120,
            )
        finally:
            split.run("down")
    result = summarize(args, throughput, lag)
    result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    report(result)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")


if __name__ == "__main__":
    main()
