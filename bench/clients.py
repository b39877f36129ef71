"""Cost of one ``get_users`` call of 20 uuids through each UsersClient transport.

local (direct service call), wsgi (full HTTP path into this process, no socket) and http
(gunicorn on loopback, keep-alive). The transports are measured in interleaved rounds in one run
so that machine noise hits them alike; medians are printed with their ratio to local.

    make bench-clients            # or: python -m bench.clients --calls 2000
"""

import argparse
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the users server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the users server did not start")


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
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="bench-clients-")
    environment = {
        **os.environ,
        "VAR_DIR": var_dir,
        "SERVICES": "users,projects",
        "LOG_LEVEL": "WARNING",
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

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**environment, "SERVICES": "users"},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, server)
        token = settings.INTERNAL_API_TOKEN
        transports = {
            "local": LocalUsersClient(),
            "wsgi": HttpUsersClient(
                base_url=in_process_base_url(), token=token, transport=in_process_transport()
            ),
            "http": HttpUsersClient(base_url=url, token=token),
        }
        for client in transports.values():  # warm-up, and a correctness check
            assert len(client.get_users(uuids)) == UUIDS_PER_CALL
        timings: dict[str, list[float]] = {name: [] for name in transports}
        per_round = max(args.calls // args.rounds, 1)
        for _ in range(args.rounds):
            for name, client in transports.items():
                timings[name] += measure(lambda c=client: c.get_users(uuids), per_round)
    finally:
        server.terminate()
        server.wait(timeout=10)

    local = statistics.median(timings["local"])
    print(f"get_users({UUIDS_PER_CALL} uuids), {per_round * args.rounds} calls per transport")
    print(f"{'transport':<10}{'median µs':>12}{'p99 µs':>12}{'x local':>10}")
    for name, samples in timings.items():
        median = statistics.median(samples)
        p99 = statistics.quantiles(samples, n=100)[98]
        print(f"{name:<10}{median * 1e6:>12.0f}{p99 * 1e6:>12.0f}{median / local:>10.2f}")


if __name__ == "__main__":
    main()
