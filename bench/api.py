"""The public API's throughput and p99, as ratios measured side by side in one run.

Every server runs gunicorn exactly as the image does (``--config python:config.gunicorn``, two
workers, JSON access log on stdout written to a file, Django at INFO), on one seeded data set:
one user owning 20 projects. wrk (2 threads, 8 connections) drives each endpoint in turn, for
``--rounds`` interleaved rounds, and the median of the rounds is kept, so machine noise hits
every row alike. The rows:

- monolith: the bare view (``/healthz``, Django without DRF), the list of 20, the list with
  ``expand=owner`` and a project's detail;
- monolith, logging off: the same server with gunicorn's access log off and Django at WARNING;
- split-local (``--split-local``), through the gateway, in the same rounds;
- the compose stack (``--compose``), through its gateway, in a phase of its own (its idle
  containers would load the other rows), beside the monolith measured again.

Each row also gives the CPU time its serving processes (gunicorn's and, for split-local, the
gateway's and both services') spent per request: on a busy 2-core machine requests/s move with
whatever else runs, CPU per request much less, so the split's CPU ratio is printed as a
cross-check of its throughput ratio.

It prints the table and the targets (docs/ARCHITECTURE.md, "Performance") and writes them as
JSON to ``var/bench/api.json``. Exit status 0 unless ``--check`` is given and a target fails.

    make bench-api        # or: python -m bench.api --seconds 5 --rounds 3 --split-local
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "bench" / "api.json"
PASSWORD = "correct-horse-battery-9"
COMPOSE_PROJECT = "split-ready-bench"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", "python:config.gunicorn"]  # as the image

ENDPOINTS = {  # name: (path, needs a token); "{project}" is the seeded project's uuid
    "bare": ("/healthz", False),
    "list": ("/api/projects/", True),
    "expand": ("/api/projects/?expand=owner", True),
    "detail": ("/api/projects/{project}/", True),
}

# (name, numerator, denominator, what is compared, at least / at most)
THROUGHPUT_TARGETS = [
    ("list / bare view", ("monolith", "list"), ("monolith", "bare"), 0.25),
    ("detail / bare view", ("monolith", "detail"), ("monolith", "bare"), 0.35),
    ("expand / bare view", ("monolith", "expand"), ("monolith", "bare"), 0.20),
    ("list, logging as shipped / off", ("monolith", "list"), ("logging off", "list"), 0.90),
]
SPLIT_ENDPOINTS = ("list", "expand", "detail")
SERVICES = ("users", "projects")
MONOLITH_BESIDE_COMPOSE = "monolith (2)"  # measured again, in the compose phase
SPLIT_MIN_THROUGHPUT = 0.8
SPLIT_MAX_P99 = 1.5


@dataclass
class Target:
    name: str
    base_url: str
    endpoints: tuple[str, ...]
    token: str = ""
    project: str = ""
    # The processes serving it (with their children): their CPU per request is measured too,
    # steadier than requests/s on a busy machine. None: not measurable from here (containers).
    processes: Callable[[], list[int]] | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"not up: {url}")


def seed(target: Target) -> None:
    """One user owning 20 projects: the target's token and last project."""
    with httpx.Client(base_url=target.base_url, timeout=30) as client:
        body = {"email": f"bench-{time.time_ns()}@example.com", "password": PASSWORD}
        client.post(
            "/api/auth/register/", json={**body, "display_name": "Bench"}
        ).raise_for_status()
        target.token = (
            client.post("/api/auth/token/", json=body).raise_for_status().json()["access"]
        )
        headers = {"Authorization": f"Bearer {target.token}"}
        for index in range(20):
            project = client.post(
                "/api/projects/",
                json={"name": f"Project {index}", "description": "x" * 200},
                headers=headers,
            ).raise_for_status()
        target.project = project.json()["uuid"]


def wrk(url: str, token: str, seconds: int) -> tuple[float, float, int]:
    """(requests per second, p99 latency in ms, requests) for one URL; a non-2xx fails the run."""
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"errors while benchmarking {url}:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(\w+)", output).groups()
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return rate, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], requests


def cpu_seconds(roots: list[int]) -> float:
    """User and system CPU of the processes ``roots`` and all their descendants, so far."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    total, pending = 0.0, list(roots)
    while pending:
        pid = pending.pop()
        total += times.get(pid, 0.0)
        pending += children.get(pid, [])
    return total


@contextmanager
def monolith(environment: dict[str, str], logs: Path, name: str) -> Iterator[tuple[str, int]]:
    port = free_port()
    with open(logs / f"{name}.log", "wb") as log:
        server = subprocess.Popen(
            [*GUNICORN, "config.wsgi:application"],
            cwd=ROOT,
            env={**environment, "HOST": "127.0.0.1", "PORT": str(port), "GUNICORN_WORKERS": "2"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz")
            yield f"http://127.0.0.1:{port}", server.pid
        finally:
            server.terminate()
            server.wait(timeout=60)


@contextmanager
def split_local(environment: dict[str, str]) -> Iterator[tuple[str, Path]]:
    ports = {name: str(free_port()) for name in ("USERS_PORT", "PROJECTS_PORT", "GATEWAY_PORT")}
    split_env = {
        **environment,
        **ports,
        "BROKER_PORT": str(free_port()),
        "SPLIT_LOCAL_DIR": tempfile.mkdtemp(prefix="bench-split-local-"),
    }
    script = str(ROOT / "docker" / "split-local.sh")
    quiet = {"cwd": ROOT, "env": split_env, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([script, "up"], **quiet)
    try:
        yield f"http://127.0.0.1:{ports['GATEWAY_PORT']}", Path(split_env["SPLIT_LOCAL_DIR"])
    finally:
        subprocess.run([script, "down"], **quiet)


def split_local_processes(state: Path) -> list[int]:
    """The gateway and both services of a split-local (not the events processes, nor the broker)."""
    return [int((state / "run" / f"{name}.pid").read_text()) for name in ("gateway", *SERVICES)]


@contextmanager
def compose() -> Iterator[str]:
    """The compose stack under a project of its own; its volumes are removed afterwards."""
    port = free_port()
    compose_env = {**os.environ, "COMPOSE_PROJECT_NAME": COMPOSE_PROJECT, "GATEWAY_PORT": str(port)}
    run = {"cwd": ROOT, "env": compose_env, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run(["docker", "compose", "up", "--detach", "--no-build", "--wait"], **run)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run(["docker", "compose", "down", "--volumes", "--remove-orphans"], **run)


def measure(targets: list[Target], seconds: int, rounds: int) -> dict[str, dict[str, dict]]:
    samples: dict[tuple[str, str], list[tuple[float, float, float | None]]] = {}
    for target in targets:  # warm every worker and connection pool up first
        for endpoint in target.endpoints:
            wrk(url_of(target, endpoint), token_of(target, endpoint), 2)
    for _ in range(rounds):
        for target in targets:
            for endpoint in target.endpoints:
                roots = target.processes() if target.processes else []
                before = cpu_seconds(roots)
                rate, p99, requests = wrk(
                    url_of(target, endpoint), token_of(target, endpoint), seconds
                )
                cpu = (cpu_seconds(roots) - before) * 1000 / requests if roots else None
                samples.setdefault((target.name, endpoint), []).append((rate, p99, cpu))
    table: dict[str, dict[str, dict]] = {}
    for (name, endpoint), results in samples.items():
        cpus = [cpu for _, _, cpu in results if cpu is not None]
        table.setdefault(name, {})[endpoint] = {
            "requests_per_second": round(statistics.median(rate for rate, _, _ in results), 1),
            "p99_ms": round(statistics.median(p99 for _, p99, _ in results), 2),
            "cpu_ms_per_request": round(statistics.median(cpus), 3) if cpus else None,
        }
    return table


def url_of(target: Target, endpoint: str) -> str:
    return target.base_url + ENDPOINTS[endpoint][0].format(project=target.project)


def token_of(target: Target, endpoint: str) -> str:
    return target.token if ENDPOINTS[endpoint][1] else ""


def verdicts(table: dict[str, dict[str, dict]]) -> list[dict]:
    def rate(row: tuple[str, str]) -> float:
        return table[row[0]][row[1]]["requests_per_second"]

    checks = [
        {"target": name, "ratio": round(rate(num) / rate(den), 3), "at_least": limit}
        for name, num, den, limit in THROUGHPUT_TARGETS
    ]
    shipped, off = table["monolith"]["list"], table["logging off"]["list"]
    if shipped["cpu_ms_per_request"] and off["cpu_ms_per_request"]:
        checks.append(
            {
                "target": "list, logging as shipped / off, CPU",
                "ratio": round(off["cpu_ms_per_request"] / shipped["cpu_ms_per_request"], 3),
                "at_least": 0.9,
                "informational": True,  # the same question, asked of CPU time
            }
        )
    for topology in ("split-local", "compose"):
        if topology not in table:
            continue
        for endpoint in SPLIT_ENDPOINTS:
            reference = MONOLITH_BESIDE_COMPOSE if topology == "compose" else "monolith"
            split, mono = table[topology][endpoint], table[reference][endpoint]
            throughput = {
                "target": f"{topology} {endpoint} / monolith",
                "ratio": round(split["requests_per_second"] / mono["requests_per_second"], 3),
                "at_least": SPLIT_MIN_THROUGHPUT,
            }
            p99 = {
                "target": f"{topology} {endpoint} p99 / monolith p99",
                "ratio": round(split["p99_ms"] / mono["p99_ms"], 3),
                "at_most": SPLIT_MAX_P99,
            }
            checks += [throughput, p99]
            if split["cpu_ms_per_request"] and mono["cpu_ms_per_request"]:
                cpu_ratio = mono["cpu_ms_per_request"] / split["cpu_ms_per_request"]
                checks.append(
                    {
                        "target": f"{topology} {endpoint}, CPU: monolith / split",
                        "ratio": round(cpu_ratio, 3),
                        "at_least": SPLIT_MIN_THROUGHPUT,
                        "informational": True,  # the same question, asked of CPU time
                    }
                )
    for check in checks:
        check["passed"] = (
            check["ratio"] >= check["at_least"]
            if "at_least" in check
            else check["ratio"] <= check["at_most"]
        )
        if check["target"].startswith("compose") or check.get("informational"):
            # PostgreSQL in containers against SQLite in one process: shown, not a target.
            check["informational"] = True
    return checks


def report(table: dict[str, dict[str, dict]], checks: list[dict]) -> None:
    bare = table["monolith"]["bare"]["requests_per_second"]
    print(
        f"\n{'topology':<14}{'endpoint':<10}{'req/s':>10}{'p99 ms':>10}{'/ bare':>9}{'CPU ms':>9}"
    )
    for name, rows in table.items():
        for endpoint, row in rows.items():
            rate, cpu = row["requests_per_second"], row["cpu_ms_per_request"]
            cpu_text = f"{cpu:>9.3f}" if cpu is not None else f"{'-':>9}"
            print(
                f"{name:<14}{endpoint:<10}{rate:>10.0f}{row['p99_ms']:>10.1f}"
                f"{rate / bare:>9.3f}{cpu_text}"
            )
    print(f"\n{'target':<42}{'ratio':>8}{'limit':>10}  verdict")
    for check in checks:
        limit = f">= {check['at_least']}" if "at_least" in check else f"<= {check['at_most']}"
        verdict = "pass" if check["passed"] else "FAIL"
        if check.get("informational"):
            verdict = f"({verdict}, for information)"
        print(f"{check['target']:<42}{check['ratio']:>8.3f}{limit:>10}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration per measurement")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds (median kept)")
    parser.add_argument("--split-local", action="store_true", help="also measure split-local")
    parser.add_argument("--compose", action="store_true", help="also measure the compose stack")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    var_dir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    shipped = {  # the image's logging (docker/app/Dockerfile), the development keys and SQLite
        **os.environ,
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "INFO",
        "DJANGO_ACCESS_LOG": "false",
        "GUNICORN_ACCESS_LOG": "true",
        "JWT_ACCESS_TTL_SECONDS": "3600",
    }
    quiet = {**shipped, "LOG_LEVEL": "WARNING", "GUNICORN_ACCESS_LOG": "false"}
    for command in ("prepare_local_state", "migrate_all -v 0"):  # as make migrate does
        subprocess.run(
            [sys.executable, "manage.py", *command.split()],
            cwd=ROOT,
            env=shipped,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    with ExitStack() as servers:
        url, pid = servers.enter_context(monolith(shipped, var_dir, "monolith"))
        mono = Target("monolith", url, tuple(ENDPOINTS), processes=lambda pid=pid: [pid])
        seed(mono)
        url, pid = servers.enter_context(monolith(quiet, var_dir, "quiet"))
        off = Target("logging off", url, ("list",), processes=lambda pid=pid: [pid])
        off.token, off.project = mono.token, mono.project
        targets = [mono, off]
        with ExitStack() as split:  # stopped before the compose phase
            if args.split_local:
                split_env = {**shipped, "VAR_DIR": tempfile.mkdtemp(prefix="bench-split-")}
                url, state = split.enter_context(split_local(split_env))
                processes = lambda state=state: split_local_processes(state)  # noqa: E731
                targets.append(Target("split-local", url, SPLIT_ENDPOINTS, processes=processes))
                seed(targets[-1])
            table = measure(targets, args.seconds, args.rounds)
        if args.compose:
            # Its own phase: the stack's idle PostgreSQL, broker and relays would otherwise
            # load every other row. The monolith is measured again beside it.
            with compose() as url:
                stack = Target("compose", url, SPLIT_ENDPOINTS)
                seed(stack)
                beside = Target(MONOLITH_BESIDE_COMPOSE, mono.base_url, SPLIT_ENDPOINTS)
                beside.token, beside.project, beside.processes = mono.token, mono.project, None
                table |= measure([beside, stack], args.seconds, args.rounds)

    checks = verdicts(table)
    report(table, checks)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "settings": {"seconds": args.seconds, "rounds": args.rounds, "wrk": "-t2 -c8"},
        "results": table,
        "targets": checks,
    }
    OUTPUT.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nwritten to {OUTPUT.relative_to(ROOT)}")
    if args.check and not all(c["passed"] for c in checks if not c.get("informational")):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
