"""``make extract-rehearsal``: extract each service, then show the new repository stands alone.

For each known service, in a temporary folder:

1. extract: ``python -m tools.extract <name>`` writes its repository;
2. wheels: what it takes from here as releases (the kit, core, other services' contracts) is
   built into a wheelhouse, from copies of their folders;
3. install: a fresh virtualenv gets the repository from its lock files and that wheelhouse (its
   own ``make install``: third-party pins through the package index or pip's cache, this
   repository's distributions with --no-index);
4. test: its own suite and rules there (``make test``: pytest, lint-imports; ``make lint``);
5. image (``--images`` only): ``make image`` on the base ``make images`` picks, then
   ``manage.py check`` and ``migrate_all`` inside it;
6. serve: the extracted service (``make run``: migrate, then gunicorn, ``SERVICES=<name>``, its
   own SQLite) beside every other service served from this repository (gunicorn from .venv),
   the keys and the internal token shared as split-local shares them, behind the gateway
   (gateway/render.py, nginx);
7. smoke: tests_e2e/scenario.py through the gateway; the extracted service's log must show the
   scenario's request id, and its /readyz its own name.

Ports are free ones from 18000 up; no broker runs (the scenario publishes nothing another
service must see: EVENTS_TRANSPORT=local). Every process started here is stopped on the way out,
whatever happens, and the folder is removed (``--keep`` keeps it). Timings are printed per step.
The exit status is 1 when any step of any service failed.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

from config.services import KNOWN_SERVICES
from shared.core.authentication.keys import PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, ensure_dev_keypair
from shared.core.manifest import service_url_variable
from tests_e2e.scenario import smoke
from tools.distributions import ROOT
from tools.extract import released, working_tree_files

PYTHON = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
FIRST_PORT = 18000
GUNICORN = ["--config", "python:config.gunicorn", "config.wsgi:application"]
# What a caller's environment may carry that would change what the steps test: settings, and
# make's own variables (a nested make would take the caller's command-line variables).
INHERITED_PREFIXES = ("DJANGO_", "JWT_", "EVENTS_", "GUNICORN_", "FAULT_", "MAKE", "MFLAGS")
INHERITED_NAMES = {
    *("SERVICES", "SERVICE_MANIFESTS", "SERVICE_TRANSPORT", "VAR_DIR", "HOST", "PORT"),
    *("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"),
}


class StepFailed(Exception):
    pass


class Processes:
    """The long-running processes started here, each in a session of its own."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, command: list[str], *, cwd: Path, env: dict, log: Path) -> None:
        with log.open("ab") as output:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append((name, process, log))

    def check_alive(self) -> None:
        for name, process, log in self.started:
            if process.poll() is not None:
                raise StepFailed(f"{name} exited with {process.returncode}\n{tail(log)}")

    def stop_all(self) -> None:
        """TERM each process group (gunicorn drains, then stops), KILL what is left after 30 s."""
        for _, process, _ in reversed(self.started):
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for _, process, _ in reversed(self.started):
            while _group_alive(process) and time.monotonic() < deadline:
                time.sleep(0.1)
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        self.started.clear()


def _group_alive(process: subprocess.Popen) -> bool:
    process.poll()  # reaps the leader once it has exited
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(errors="replace").splitlines() if log.exists() else []
    return "\n".join(f"    | {line}" for line in text[-lines:])


def free_ports(count: int) -> list[int]:
    ports: list[int] = []
    for port in range(FIRST_PORT, FIRST_PORT + 1000):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == count:
            return ports
    raise StepFailed(f"no {count} free ports from {FIRST_PORT}")


def clean_environment() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if key not in INHERITED_NAMES and not key.startswith(INHERITED_PREFIXES)
    }


class Rehearsal:
    """One service's rehearsal in ``work``; each step is timed into ``timings``."""

    def __init__(self, name: str, work: Path, processes: Processes, *, images: bool) -> None:
        self.name = name
        self.work = work
        self.repo = work / "repo"
        self.venv = work / "venv"
        self.wheels = work / "wheels"
        self.logs = work / "logs"
        self.processes = processes
        self.images = images
        self.timings: dict[str, float] = {}
        self.logs.mkdir(parents=True)

    def run(self) -> None:
        steps = [
            ("extract", self.extract),
            ("wheels", self.build_wheels),
            ("install", self.install),
            ("test", self.test),
            *([("image", self.image)] if self.images else []),
            ("serve", self.serve),
            ("smoke", self.smoke),
        ]
        for step, action in steps:
            started = time.monotonic()
            try:
                action()
            finally:
                self.timings[step] = time.monotonic() - started
                print(f"  {self.name}: {step} {self.timings[step]:.1f} s", flush=True)

    def command(self, step: str, command: list[str], *, cwd: Path = ROOT, env=None) -> None:
        log = self.logs / f"{step}.log"
        with log.open("ab") as output:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env or clean_environment(),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # stopped with everything it started (make's children)
            )
        try:
            returncode = process.wait()
        except BaseException:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        if returncode != 0:
            raise StepFailed(f"{' '.join(command)} exited with {returncode}\n{tail(log)}")

    def make(self, step: str, *targets: str, env=None, **variables: str) -> None:
        assignments = [f"{key}={value}" for key, value in variables.items()]
        self.command(step, ["make", "-C", str(self.repo), *targets, *assignments], env=env)

    # --- the steps ---------------------------------------------------------------------------

    def extract(self) -> None:
        self.command("extract", [sys.executable, "-m", "tools.extract", self.name, str(self.repo)])
        for line in (self.logs / "extract.log").read_text().splitlines():
            if not line.startswith("wrote "):  # what config/ still names of a service
                print(f"  {self.name}: extract: {line.strip()}")

    def build_wheels(self) -> None:
        sources = self.work / "sources"
        folders = [distribution.path for distribution in released(self.name)]
        for path in working_tree_files(folders):
            (sources / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / path, sources / path)
        pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
        targets = [str(sources / folder) for folder in folders]
        self.command("wheels", [*pip_wheel, "--wheel-dir", str(self.wheels), *targets])

    def install(self) -> None:
        self.make(
            "install", "install", VENV=self.venv, PYTHON=PYTHON, SPLIT_READY_WHEELS=self.wheels
        )

    def test(self) -> None:
        self.make("test", "test", "lint", VENV=self.venv)

    def image(self) -> None:
        choices = subprocess.run(
            [str(ROOT / "docker/base-images.sh")], capture_output=True, text=True, check=True
        ).stdout
        base = dict(line.split("=", 1) for line in choices.split())["BASE_IMAGE"]
        tag = f"split-ready-rehearsal/{self.name}:{secrets.token_hex(4)}"
        variables = {"VENV": self.venv, "SPLIT_READY_WHEELS": self.wheels}
        self.make("image", "image", BASE_IMAGE=base, IMAGE=tag, **variables)
        try:
            settings = [f"--env={k}={v}" for k, v in self.container_settings().items()]
            checks = (
                "python manage.py prepare_local_state && python manage.py check"
                " && python manage.py migrate_all --verbosity 0"
            )
            self.command("image", ["docker", "run", "--rm", *settings, tag, "sh", "-c", checks])
        finally:
            subprocess.run(["docker", "rmi", "--force", tag], capture_output=True, check=False)

    def container_settings(self) -> dict[str, str]:
        """Enough for the image's checks: development keys, made up addresses."""
        manifest = KNOWN_SERVICES[self.name]
        values = {"DJANGO_ENV": "development", "EVENTS_BROKER_URL": "amqp://rehearsal@127.0.0.1/"}
        for need in manifest.needs:
            values[service_url_variable(need)] = "http://x.invalid"
        return values | self.issuer_setting()

    def issuer_setting(self) -> dict[str, str]:
        """The extracted service knows no token issuer when it is not one: it is told the name."""
        issuer = next(m for m in KNOWN_SERVICES.values() if m.issues_tokens)
        return {} if KNOWN_SERVICES[self.name].issues_tokens else {"JWT_ISSUER": issuer.name}

    def serve(self) -> None:
        keys = self.work / "keys"
        ensure_dev_keypair(keys)
        token = secrets.token_urlsafe(32)
        gateway_port, *ports = free_ports(1 + len(KNOWN_SERVICES))
        self.ports = dict(zip(KNOWN_SERVICES, ports, strict=True))
        self.gateway_url = f"http://127.0.0.1:{gateway_port}"
        for service in KNOWN_SERVICES:
            env = clean_environment() | self.settings(service, keys, token)
            if service == self.name:
                env |= self.issuer_setting()
                where = [f"VENV={self.venv}", f"HOST={env['HOST']}", f"PORT={env['PORT']}"]
                self.processes.start(
                    f"{service} (extracted)",
                    ["make", "-C", str(self.repo), "run", *where],
                    cwd=self.repo,
                    env=env,
                    log=self.logs / f"{service}.log",
                )
            else:
                for command in ("prepare_local_state", "migrate_all"):
                    self.command(service, [sys.executable, "manage.py", command], env=env)
                self.processes.start(
                    f"{service} (this repository)",
                    [sys.executable, "-m", "gunicorn", *GUNICORN],
                    cwd=ROOT,
                    env=env,
                    log=self.logs / f"{service}.log",
                )
        for port in self.ports.values():
            self.wait_ready(f"http://127.0.0.1:{port}/readyz")
        self.start_gateway(gateway_port)
        self.wait_ready(f"{self.gateway_url}/healthz")

    def settings(self, service: str, keys: Path, token: str) -> dict[str, str]:
        """What split-local gives a service (docker/split_local_plan.py), on these ports."""
        manifest = KNOWN_SERVICES[service]
        values = {
            "SERVICES": service,
            "VAR_DIR": str(self.work / f"var-{service}"),
            "HOST": "127.0.0.1",
            "PORT": str(self.ports[service]),
            "INTERNAL_API_TOKEN": token,
            "DJANGO_ACCESS_LOG": "false",
            "TRUST_FORWARDED_HEADERS": "true",
            "EVENTS_TRANSPORT": "local",
        }
        if manifest.issues_tokens:
            values["JWT_PRIVATE_KEY_FILE"] = str(keys / PRIVATE_KEY_FILE)
        else:
            values["JWT_PUBLIC_KEY_FILE"] = str(keys / PUBLIC_KEY_FILE)
        for need in manifest.needs:
            url = f"http://127.0.0.1:{self.ports[need]}"
            values[service_url_variable(need)] = url
        return values

    def start_gateway(self, port: int) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.access(nginx, os.X_OK):
            raise StepFailed("nginx not found (make split-local installs it from Debian)")
        runtime = self.work / "nginx"
        runtime.mkdir()
        upstreams = [f"--upstream={s}=127.0.0.1:{p}" for s, p in self.ports.items()]
        places = [f"--listen=127.0.0.1:{port}", f"--runtime-dir={runtime}"]
        output = f"--output={runtime / 'nginx.conf'}"
        render = [sys.executable, "-m", "gateway.render"]
        self.command("gateway", [*render, *upstreams, *places, output])
        self.processes.start(
            "gateway",
            [nginx, "-e", "stderr", "-c", str(runtime / "nginx.conf"), "-g", "daemon off;"],
            cwd=self.work,
            env=clean_environment() | {"TZ": "UTC"},
            log=self.logs / "gateway.log",
        )

    def wait_ready(self, url: str, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.processes.check_alive()
            with suppress(OSError):
                urllib.request.urlopen(url, timeout=2)
                return
            time.sleep(0.2)
        raise StepFailed(f"not ready after {seconds:.0f} s: {url}")

    def smoke(self) -> None:
        request_id = f"rehearsal-{secrets.token_hex(6)}"
        try:
            smoke(self.gateway_url, request_id=request_id)
        except AssertionError as error:
            raise StepFailed(f"smoke scenario: {error}") from None
        readiness = f"http://127.0.0.1:{self.ports[self.name]}/readyz"
        with urllib.request.urlopen(readiness, timeout=5) as response:
            name = json.load(response).get("service")
        if name != self.name:
            raise StepFailed(f"the extracted service calls itself {name!r} in /readyz")
        log = self.logs / f"{self.name}.log"
        deadline = time.monotonic() + 5  # access lines are written once the answer is sent
        while request_id not in log.read_text(errors="replace"):
            if time.monotonic() > deadline:
                raise StepFailed(f"request {request_id} never reached the extracted {self.name}")
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("services", nargs="*", default=list(KNOWN_SERVICES))
    parser.add_argument("--images", action="store_true", help="also build and check each image")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    # A TERM or HUP unwinds like Ctrl-C does, so the processes are always stopped.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
    work = Path(tempfile.mkdtemp(prefix="extract-rehearsal-"))
    print(f"extract rehearsal in {work}", flush=True)
    results: dict[str, Rehearsal] = {}
    failed: dict[str, str] = {}
    processes = Processes()
    try:
        for name in args.services:
            results[name] = Rehearsal(name, work / name, processes, images=args.images)
            started = time.monotonic()
            try:
                results[name].run()
            except Exception as error:  # any failure fails this service; the next still runs
                failed[name] = str(error) if isinstance(error, StepFailed) else repr(error)
                print(f"FAILED {name}: {failed[name]}", file=sys.stderr, flush=True)
            finally:
                processes.stop_all()
            print(f"{name}: {time.monotonic() - started:.1f} s in all", flush=True)
    finally:
        processes.stop_all()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("\nservice    " + "".join(f"{step:>9}" for step in _steps(results)) + "    total")
    for name, rehearsal in results.items():
        cells = "".join(
            f"{rehearsal.timings[step]:>8.1f}s" if step in rehearsal.timings else f"{'-':>9}"
            for step in _steps(results)
        )
        total = sum(rehearsal.timings.values())
        print(f"{name:<11}{cells}{total:>8.1f}s  {'FAILED' if name in failed else 'ok'}")
    return 1 if failed else 0


def _steps(results: dict[str, Rehearsal]) -> list[str]:
    return list(dict.fromkeys(step for r in results.values() for step in r.timings))


if __name__ == "__main__":
    sys.exit(main())
