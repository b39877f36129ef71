"""Cost of one ``get_users`` call of 20 uuids through each UsersClient transport.

bare-orm (the ORM query reading the columns get_users returns, materialised), local (direct
service call), wsgi (full HTTP path into this process, no socket), http (gunicorn on loopback,
keep-alive) and http-floor: the same client against gunicorn serving a recorded answer with no
Django behind it (``bench/floor_app.py``), what the transport costs before the users service does
any work. gunicorn and logging run as the image runs them: ``--config
python:config.gunicorn`` (JSON access log, written to ``gunicorn.log`` in the bench's temporary
folder), LOG_LEVEL=INFO, DJANGO_ACCESS_LOG=false. The transports are measured in interleaved
rounds in one run so that machine noise hits them alike; medians and p99 are printed with their
ratio to local, then the targets (docs/ARCHITECTURE.md section 8) as PASS or FAIL. The table is
written as JSON to ``var/bench/clients.json``. It exits 0 whatever the figures, unless
``--check`` is given: then 1 when a target is missed.

    make bench-clients            # or: python -m bench.clients --calls 2000 --check
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UUIDS_PER_CALL = 20
FLOOR_APP = "bench.floor_app:application"
# (name, numerator, denominator, most allowed): issue 11, item 4.
TARGETS = [
    ("http / local", "http", "local", 3.0),
    ("local / bare-orm", "local", "bare-orm", 2.0),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the users server exited with {process.returncode} (see {log})")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"the users server did not start (see {log})")


def start_gunicorn(
    app: str, environment: dict[str, str], log: Path
) -> tuple[str, subprocess.Popen]:
    """gunicorn as the image runs it, one worker, serving ``app``; its URL once it answers."""
    port = free_port()
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:config.gunicorn", app],
            cwd=ROOT,
            env={**environment, "PORT": str(port)},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, server, log)
    return url, server


def measure(call, calls: int) -> list[float]:
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1500, help="calls per transport")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--output", default=str(ROOT / "var" / "bench" / "clients.json"))
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="bench-clients-")
    environment = {
        **os.environ,
        "VAR_DIR": var_dir,
        "SERVICES": "users,projects",
        # Logging as the image ships it (docker/app/Dockerfile): gunicorn writes the access log.
        "LOG_LEVEL": "INFO",
        "DJANGO_ACCESS_LOG": "false",
        "DJANGO_DEBUG": "false",
    }
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.local_state import prepare

    prepare()  # as make migrate does: the settings only read the development keys
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from services.users.client.local import LocalUsersClient
    from services.users.models import User
    from shared.core.clients.wsgi import in_process_base_url, in_process_transport
    from users_contracts.v1.http import HttpUsersClient

    call_command("migrate_all", verbosity=0)
    users = [
        User(email=f"bench{i}@example.com", display_name=f"Bench {i}", uuid=uuid.uuid4())
        for i in range(UUIDS_PER_CALL)
    ]
    User.objects.db_manager("users").bulk_create(users)
    uuids = [user.uuid for user in users]

    def bare_orm() -> list[tuple]:
        rows = User.objects.using("users").filter(uuid__in=uuids, is_active=True)
        return list(rows.values_list("uuid", "display_name"))

    token = settings.INTERNAL_API_TOKEN
    wsgi = HttpUsersClient(
        base_url=in_process_base_url(), token=token, transport=in_process_transport()
    )
    floor_body = Path(var_dir) / "floor-body.json"
    floor_body.write_bytes(
        wsgi.request("GET", "/internal/v1/users/", params={"uuid": uuids}).content
    )
    server_environment = {
        **environment,
        "SERVICES": "users",
        "EVENTS_TRANSPORT": "local",  # no broker: this bench deletes no account
        "HOST": "127.0.0.1",
        "GUNICORN_WORKERS": "1",
        "BENCH_FLOOR_BODY": str(floor_body),
    }
    servers = [
        start_gunicorn(app, server_environment, Path(var_dir) / f"{name}.log")
        for name, app in (("users", "config.wsgi:application"), ("floor", FLOOR_APP))
    ]
    try:
        (url, _), (floor_url, _) = servers
        local = LocalUsersClient()
        clients = {
            "local": local,
            "wsgi": wsgi,
            "http": HttpUsersClient(base_url=url, token=token),
        }
        # Its own pool and breaker: a provider of another name.
        floor = HttpUsersClient(base_url=floor_url, token=token)
        floor.service = "users-floor"
        calls = {"bare-orm": bare_orm} | {
            name: (lambda c=client: c.get_users(uuids)) for name, client in clients.items()
        }
        calls["http-floor"] = lambda: floor.get_users(uuids)
        assert len(bare_orm()) == UUIDS_PER_CALL  # warm-up, and a correctness check
        for client in clients.values():
            assert client.get_users(uuids) == local.get_users(uuids)
            assert len(client.get_users(uuids)) == UUIDS_PER_CALL
        timings: dict[str, list[float]] = {name: [] for name in calls}
        per_round = max(args.calls // args.rounds, 1)
        for _ in range(args.rounds):
            for name, call in calls.items():
                timings[name] += measure(call, per_round)
    finally:
        for _, server in servers:
            server.terminate()
            server.wait(timeout=30)

    medians = {name: statistics.median(samples) for name, samples in timings.items()}
    table = {
        "call": f"get_users({UUIDS_PER_CALL} uuids)",
        "calls_per_transport": per_round * args.rounds,
        "rows": [
            {
                "transport": name,
                "median_us": round(medians[name] * 1e6, 1),
                "p99_us": round(statistics.quantiles(samples, n=100)[98] * 1e6, 1),
                "x_local": round(medians[name] / medians["local"], 3),
            }
            for name, samples in timings.items()
        ],
        "targets": [
            {
                "ratio": label,
                "value": round(medians[top] / medians[bottom], 3),
                "at_most": limit,
                "pass": medians[top] / medians[bottom] <= limit,
            }
            for label, top, bottom, limit in TARGETS
        ],
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(table, indent=2) + "\n")

    print(f"{table['call']}, {table['calls_per_transport']} calls per transport")
    print(f"{'transport':<10}{'median µs':>12}{'p99 µs':>12}{'x local':>10}")
    for row in table["rows"]:
        print(
            f"{row['transport']:<10}{row['median_us']:>12.0f}{row['p99_us']:>12.0f}"
            f"{row['x_local']:>10.2f}"
        )
    for target in table["targets"]:
        verdict = "PASS" if target["pass"] else "FAIL"
        print(
            f"{target['ratio']:<18}{target['value']:>8.2f}  (<= {target['at_most']:g})  {verdict}"
        )
    floor = medians["http-floor"] / medians["local"]
    print(
        f"http-floor / local {floor:8.2f}  (the client and gunicorn alone, before users does any"
        " work)"
    )
    print(f"written to {output}")
    print(json.dumps(table))
    if args.check and not all(target["pass"] for target in table["targets"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
