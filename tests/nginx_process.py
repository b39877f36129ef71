"""A real nginx on loopback, with the gateway's rendered config, for the gateway tests.

Missing nginx skips a test on a developer's machine and fails it in CI (CI=true), where
`.ci/run` installs it.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
)


def require_nginx() -> str:
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is required in CI (.ci/run installs it)")
        pytest.skip("nginx is not installed")
    return NGINX


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_nginx(config: str, port: int, directory: Path) -> Iterator[Path]:
    """nginx serving ``config`` (listening on ``port``) until the block ends; its stdout file."""
    nginx = require_nginx()
    config_file = directory / "nginx.conf"
    config_file.write_text(config)
    stdout = directory / "stdout.log"
    with stdout.open("wb") as out:
        process = subprocess.Popen(
            [nginx, "-e", "stderr", "-c", str(config_file), "-g", "daemon off;"],
            stdout=out,
            stderr=subprocess.PIPE,
            env={"TZ": "UTC", "PATH": "/usr/sbin:/usr/bin:/bin"},
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start"
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.05)
        yield stdout
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        process.stderr.close()
