"""Throughput of the public API relative to a bare view, measured side by side in one run.

Starts the monolith under gunicorn (2 workers), seeds one user with 20 projects, and drives
each endpoint with wrk (8 connections): the bare `/healthz` view, the project list (20 items),
the list with `expand=owner`, and a project's detail. With `--split-local`, the list (with and
without expand) is also measured through the split-local gateway and compared with the
monolith's. Prints requests/s, p99 latency and ratios (docs/ARCHITECTURE.md section 8).

    make bench-api        # or: python -m bench.api --seconds 10 --split-local
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-9"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"not up: {url}")


def seed(base_url: str) -> tuple[str, str]:
    """One user owning 20 projects; returns (access token, a project uuid)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        body = {"email": f"bench-{time.time_ns()}@example.com", "password": PASSWORD}
        client.post(
            "/api/auth/register/", json={**body, "display_name": "Bench"}
        ).raise_for_status()
        token = client.post("/api/auth/token/", json=body).raise_for_status().json()["access"]
        headers = {"Authorization": f"Bearer {token}"}
        for index in range(20):
            project = client.post(
                "/api/projects/",
                json={
                    "name": f"Project {index}",
                    "description": "x" * 200,
                    "due_date": "2030-01-01",
                },
                headers=headers,
            ).raise_for_status()
        return token, project.json()["uuid"]


def wrk(url: str, token: str | None, seconds: int) -> tuple[float, float]:
    """(requests per second, p99 latency in ms) for one URL."""
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    if re.search(r"Non-2xx or 3xx responses", output):
        raise SystemExit(f"errors while benchmarking {url}:\n{output}")
    value, unit = re.search(r"99%\s+([\d.]+)(\w+)", output).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rate, p99


def gunicorn(environment: dict[str, str], port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:config.gunicorn",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env={**environment, "HOST": "127.0.0.1", "PORT": str(port), "GUNICORN_WORKERS": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per endpoint")
    parser.add_argument("--split-local", action="store_true", help="also measure split-local")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    var_dir = tempfile.mkdtemp(prefix="bench-api-")
    environment = {
        **os.environ,
        "VAR_DIR": var_dir,
        "LOG_LEVEL": "WARNING",
        "DJANGO_ACCESS_LOG": "false",
        "JWT_ACCESS_TTL_SECONDS": "3600",
    }
    for command in ("prepare_local_state", "migrate_all -v 0"):  # as make migrate does
        subprocess.run(
            [sys.executable, "manage.py", *command.split()],
            cwd=ROOT,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = free_port()
    server = gunicorn(environment, port)
    results: dict[str, tuple[float, float]] = {}
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/healthz")
        token, project_uuid = seed(base)
        endpoints = {
            "bare view (/healthz)": (f"{base}/healthz", None),
            "list, 20 projects": (f"{base}/api/projects/", token),
            "list, expand=owner": (f"{base}/api/projects/?expand=owner", token),
            "detail": (f"{base}/api/projects/{project_uuid}/", token),
        }
        for name, (url, bearer) in endpoints.items():
            wrk(url, bearer, 2)  # warm-up
            results[name] = wrk(url, bearer, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)

    if args.split_local:
        ports = {
            "USERS_PORT": free_port(),
            "PROJECTS_PORT": free_port(),
            "GATEWAY_PORT": free_port(),
        }
        split_env = {
            **environment,
            "VAR_DIR": tempfile.mkdtemp(prefix="bench-split-"),
            **{k: str(v) for k, v in ports.items()},
        }
        script = str(ROOT / "docker" / "split-local.sh")
        subprocess.run(
            [script, "up"], cwd=ROOT, env=split_env, check=True, stdout=subprocess.DEVNULL
        )
        try:
            gateway = f"http://127.0.0.1:{ports['GATEWAY_PORT']}"
            token, _ = seed(gateway)
            for name, path in (
                ("split list", "/api/projects/"),
                ("split list, expand=owner", "/api/projects/?expand=owner"),
            ):
                wrk(gateway + path, token, 2)
                results[name] = wrk(gateway + path, token, args.seconds)
        finally:
            subprocess.run(
                [script, "down"], cwd=ROOT, env=split_env, check=True, stdout=subprocess.DEVNULL
            )

    bare = results["bare view (/healthz)"][0]
    print(f"{'endpoint':<28}{'req/s':>10}{'p99 ms':>10}{'/ bare':>9}")
    for name, (rate, p99) in results.items():
        print(f"{name:<28}{rate:>10.0f}{p99:>10.1f}{rate / bare:>9.2f}")
    if args.split_local:
        for split, mono in (
            ("split list", "list, 20 projects"),
            ("split list, expand=owner", "list, expand=owner"),
        ):
            print(
                f"{split} / monolith: {results[split][0] / results[mono][0]:.2f} throughput, "
                f"{results[split][1] / results[mono][1]:.2f} p99"
            )


if __name__ == "__main__":
    main()
