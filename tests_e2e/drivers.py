"""Drivers for one running topology: stop, start or restart one part of it, leave the rest alone.

split-local's parts are docker/split-local.sh's processes; compose's are the services of the
compose_stack fixture's project (its COMPOSE_PROJECT_NAME and GATEWAY_PORT in the environment).
"""

import json
import os
import subprocess
from pathlib import Path

import httpx

from tests_e2e.conftest import ROOT


class SplitLocal:
    """docker/split-local.sh's processes; state under SPLIT_LOCAL_DIR (default var/split-local)."""

    name = "split-local"

    def __init__(self) -> None:
        self.root = ROOT / os.environ.get("SPLIT_LOCAL_DIR", "var/split-local")

    def _script(self, *args: str) -> None:
        subprocess.run(
            [str(ROOT / "docker" / "split-local.sh"), *args],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def stop(self, service: str) -> None:
        self._script("stop-service", service)

    def start(self, service: str) -> None:
        self._script("start-service", service)

    def restart_with(self, service: str, variables: dict[str, str]) -> None:
        self._script(
            "start-service", service, *(f"{name}={value}" for name, value in variables.items())
        )

    def identity(self, service: str) -> str:
        """Changes whenever the service's process is restarted."""
        return (self.root / "run" / f"{service}.pid").read_text().strip()

    def logs(self, service: str) -> str:
        return (self.root / "logs" / f"{service}.log").read_text(errors="replace")

    def readiness(self, service: str) -> int:
        ports = dict(
            line.split("=", 1) for line in (self.root / "run" / "ports").read_text().split()
        )
        url = f"http://127.0.0.1:{ports[f'{service}_port']}/readyz"
        return httpx.get(url, timeout=5).status_code


# 0 when no answer came in time (a check right after a fault): a status the callers' assertions
# refuse, so they retry, instead of a failed `docker compose exec`.
READYZ = """
import urllib.error, urllib.request
try:
    print(urllib.request.urlopen("http://127.0.0.1:8000/readyz", timeout=3).status)
except urllib.error.HTTPError as error:
    print(error.code)
except OSError:
    print(0)
"""


class Compose:
    """The compose stack of the compose_stack fixture (its COMPOSE_PROJECT_NAME, GATEWAY_PORT)."""

    name = "compose"

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch

    def compose(self, *args: str) -> str:
        command = ["docker", "compose", *args]
        return subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, check=True, timeout=180
        ).stdout

    def stop(self, service: str, *, signal: str | None = None) -> None:
        self.compose(*(("kill", "-s", signal) if signal else ("stop",)), service)

    def start(self, service: str) -> None:
        self.compose("start", service)

    def restart_with(self, service: str, variables: dict[str, str]) -> None:
        """Recreate only this container, with these variables added (none: as configured)."""
        files = ["-f", "docker-compose.yml"]
        if variables:
            # FAULT_* settings are refused in production: the faulty container runs as development.
            environment = {"DJANGO_ENV": "development", **variables}
            override = self.scratch / f"{service}-fault.yml"
            override.write_text(json.dumps({"services": {service: {"environment": environment}}}))
            files += ["-f", str(override)]
        self.compose(*files, "up", "--detach", "--no-deps", "--no-build", "--wait", service)

    def identity(self, service: str) -> str:
        [container] = self.compose("ps", "--all", "--quiet", service).split()
        command = ["docker", "inspect", "-f", "{{.Id}} {{.State.StartedAt}}", container]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    def logs(self, service: str) -> str:
        return self.compose("logs", "--no-log-prefix", service)

    def readiness(self, service: str) -> int:
        """/readyz from inside the container: the gateway does not route it."""
        return int(self.compose("exec", "-T", service, "python", "-c", READYZ).strip())


Driver = SplitLocal | Compose
