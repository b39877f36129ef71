"""The compose stack on Docker Swarm (`make swarm`, docker/swarm.py), on this single node.

The smoke scenario through the gateway, the secrets where they belong, and projects under a
steady stream of reads and writes through the gateway: rolled (`docker service update --force`)
or given a failing update that Swarm rolls back, and one replica killed (SIGKILL), with no failed
request at all and every write stored exactly once. Each write carries an Idempotency-Key of its
own (ADR 20): the gateway replays one the killed replica held on the other replica, which applies
it once. A response cut after its head cannot be replayed by the gateway (it has answered the
head): the client sends it again once with the same key, the documented client contract; the kill
test reports how many such retries there were, the other tests demand none. `make test-swarm` runs
it (TOPOLOGY=swarm); the stack, its secrets, networks and volumes are removed afterwards, and the
swarm is left as found.
"""

import collections
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import yaml

from tests_e2e.conftest import IMAGES, ROOT, free_port
from tests_e2e.scenario import register_and_login, smoke

STACK = os.environ.get("E2E_SWARM_STACK", "split-ready-swarm-e2e")
SWARM = ROOT / "docker" / "swarm.py"
WRITERS = 2
PAUSE = 0.02  # between two requests of one client: a steady stream, not a benchmark


def docker(*args: str, timeout: float = 60) -> str:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=True, timeout=timeout
    ).stdout.strip()


def require_swarm_prerequisites() -> None:
    """Docker, Compose v2 (it renders the stack) and the images: missing, the test fails."""
    if shutil.which("docker") is None:
        pytest.fail("the swarm test needs Docker: the docker CLI is not installed")
    if subprocess.run(["docker", "info"], capture_output=True, check=False).returncode:
        pytest.fail("the swarm test needs Docker: the engine is not reachable")
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode:
        pytest.fail("the swarm test needs Compose v2 (make compose-plugin)")
    missing = [
        image
        for image in IMAGES
        if subprocess.run(["docker", "image", "inspect", image], capture_output=True).returncode
    ]
    if missing:
        pytest.fail(f"images missing ({', '.join(missing)}): run make images")


@dataclass
class Swarm:
    url: str

    def service(self, name: str) -> dict:
        return json.loads(docker("service", "inspect", f"{STACK}_{name}"))[0]

    def running_tasks(self, name: str) -> list[str]:
        return docker(
            "service", "ps", "--quiet", "--filter", "desired-state=running", f"{STACK}_{name}"
        ).split()

    def containers(self, name: str) -> list[str]:
        label = f"com.docker.swarm.service.name={STACK}_{name}"
        return docker("ps", "--quiet", "--filter", f"label={label}").split()

    def converged(self, name: str, replicas: int) -> bool:
        listing = docker("service", "ls", "--filter", f"name={STACK}_{name}", "--format",
                         "{{.Name}} {{.Replicas}}")  # fmt: skip
        counts = dict(line.split()[:2] for line in listing.splitlines())
        return counts.get(f"{STACK}_{name}") == f"{replicas}/{replicas}"


def leftovers() -> list[str]:
    label = f"label=com.docker.stack.namespace={STACK}"
    found = []
    if docker("info", "--format", "{{.Swarm.LocalNodeState}}") == "active":
        for kind in ("service", "secret", "network"):
            found += [f"{kind} {n}" for n in docker(kind, "ls", "--filter", label, "-q").split()]
    found += [f"volume {n}" for n in docker("volume", "ls", "--filter", label, "-q").split()]
    found += [f"container {n}" for n in docker("ps", "-a", "--filter", label, "-q").split()]
    return found


@pytest.fixture(scope="module")
def swarm_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Swarm]:
    require_swarm_prerequisites()
    port = free_port()
    env = {
        **os.environ,
        "SWARM_DIR": str(tmp_path_factory.mktemp("swarm")),
        "SWARM_STACK": STACK,
        "GATEWAY_PORT": str(port),
    }
    state_before = docker("info", "--format", "{{.Swarm.LocalNodeState}}")
    try:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, str(SWARM), "up", "--wait", "180"],
            cwd=ROOT, env=env, check=True, timeout=240,
        )  # fmt: skip
        print(f"\nswarm: stack up and converged in {time.monotonic() - started:.0f} s")
        yield Swarm(url=f"http://127.0.0.1:{port}")
    finally:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, str(SWARM), "down", "--volumes"],
            cwd=ROOT, env=env, check=True, timeout=240,
        )  # fmt: skip
        print(f"swarm: removed in {time.monotonic() - started:.0f} s")
        assert leftovers() == []
        assert docker("info", "--format", "{{.Swarm.LocalNodeState}}") == state_before


def test_smoke_scenario_on_swarm(swarm_stack):
    smoke(swarm_stack.url, request_id=f"swarm-{uuid.uuid4().hex[:12]}")


def test_secrets_are_swarm_secrets_and_the_private_key_reaches_users_only(swarm_stack):
    def secrets_of(name: str) -> set[str]:
        spec = swarm_stack.service(name)["Spec"]["TaskTemplate"]["ContainerSpec"]
        environment = spec.get("Env", [])
        for variable in ("JWT_PRIVATE_KEY", "INTERNAL_API_TOKEN", "DJANGO_SECRET_KEY"):
            assert not [line for line in environment if line.startswith(f"{variable}=")]
        return {secret["File"]["Name"] for secret in spec.get("Secrets", [])}

    users, projects = secrets_of("users"), secrets_of("projects")
    assert "/run/secrets/jwt-private-key" in users
    assert "/run/secrets/jwt-private-key" not in projects
    for service in ("users-relay",):
        assert "/run/secrets/jwt-private-key" in secrets_of(service)
    for service in ("projects-relay", "projects-consumer", "gateway"):
        assert "/run/secrets/jwt-private-key" not in secrets_of(service)
    assert "/run/secrets/internal-api-token" in users & projects


def test_projects_rolls_start_first_with_rollback_and_limits(swarm_stack):
    spec = swarm_stack.service("projects")["Spec"]
    assert spec["Mode"]["Replicated"]["Replicas"] == 2
    for policy in ("UpdateConfig", "RollbackConfig"):
        assert spec[policy]["Order"] == "start-first"
    assert spec["UpdateConfig"]["FailureAction"] == "rollback"
    limits = spec["TaskTemplate"]["Resources"]["Limits"]
    assert limits["NanoCPUs"] > 0
    assert limits["MemoryBytes"] > 0
    # Its healthcheck is the image's (/readyz): swarm waits for it before the next replica.
    inspected = json.loads(docker("image", "inspect", "split-ready/app:local"))[0]
    assert "/readyz" in " ".join(inspected["Config"]["Healthcheck"]["Test"])


@dataclass
class Traffic:
    """Writers creating projects and a reader listing them, through the gateway, until stopped."""

    url: str
    auth: dict[str, str]
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    writes: list[tuple[str, int | str, float]] = field(default_factory=list)
    retried: list[tuple[str, str, int | str]] = field(default_factory=list)  # name, error, then
    reads: list[int | str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def write(self, writer: int) -> None:
        with httpx.Client(base_url=self.url, timeout=30, headers=self.auth) as client:
            number = 0
            while not self.stop.is_set():
                name = f"{self.tag}-{writer}-{number}"
                self.writes.append((name, self.create(client, name), time.monotonic()))
                number += 1
                time.sleep(PAUSE)

    def create(self, client: httpx.Client, name: str) -> int | str:
        """POST one project with a key of its own; after a transport error, once more with it."""
        send = functools.partial(
            client.post,
            "/api/projects/",
            json={"name": name},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        try:
            return send().status_code
        except httpx.TransportError as error:  # e.g. a response cut after its head
            try:
                status: int | str = send().status_code
            except httpx.HTTPError as again:  # a failure, counted below
                status = repr(again)
            self.retried.append((name, repr(error), status))
            return status

    def read(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30, headers=self.auth) as client:
            while not self.stop.is_set():
                try:
                    status = client.get("/api/projects/", params={"page_size": 20}).status_code
                except httpx.HTTPError as error:
                    status = repr(error)
                self.reads.append(status)
                time.sleep(PAUSE)

    def __enter__(self) -> "Traffic":
        self.threads = [threading.Thread(target=self.write, args=(n,)) for n in range(WRITERS)]
        self.threads.append(threading.Thread(target=self.read))
        for thread in self.threads:
            thread.start()
        time.sleep(2)  # kept-alive connections through the gateway to both replicas
        return self

    def __exit__(self, *exc_info: object) -> None:
        time.sleep(2)  # and some more after the event
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def stored(self) -> collections.Counter[str]:
        counts: collections.Counter[str] = collections.Counter()
        with httpx.Client(base_url=self.url, timeout=30, headers=self.auth) as client:
            page = 1
            while True:
                listing = client.get("/api/projects/", params={"page": page, "page_size": 100})
                assert listing.status_code == 200, listing.text
                counts.update(
                    p["name"] for p in listing.json()["results"] if p["name"].startswith(self.tag)
                )
                if not listing.json()["next"]:
                    return counts
                page += 1

    def report(self, event: str, seconds: float) -> collections.Counter[str]:
        stored = self.stored()
        write_statuses = collections.Counter(status for _, status, _ in self.writes)
        print(
            f"\n{event} ({seconds:.0f} s): {len(self.writes) + len(self.reads)} requests, "
            f"writes {dict(write_statuses)}, reads {dict(collections.Counter(self.reads))}, "
            f"{sum(stored.values())} stored ({len(stored)} distinct), "
            f"{len(self.retried)} client retries {self.retried}"
        )
        assert len(self.writes) > 50
        assert read_statuses_ok(self.reads)
        assert max(stored.values()) == 1  # none doubled
        acknowledged = {name for name, status, _ in self.writes if status == 201}
        assert acknowledged <= set(stored)  # none lost
        assert set(stored) <= {name for name, _, _ in self.writes}
        return stored

    def assert_no_error_and_every_write_once(
        self, event: str, seconds: float, *, client_retries: bool = False
    ) -> None:
        """No failed request, every write stored once; client retries only where allowed."""
        stored = self.report(event, seconds)
        failed = [(name, status) for name, status, _ in self.writes if status != 201]
        assert failed == []
        assert set(stored) == {name for name, _, _ in self.writes}
        if not client_retries:
            assert self.retried == []
        for name, _, status in self.retried:  # each answered, neither a 5xx nor a duplicate
            assert status == 201, (name, status)
            assert stored[name] == 1


def read_statuses_ok(reads: list[int | str]) -> bool:
    """Every read answered 200: the gateway retries a failed GET on another replica."""
    return collections.Counter(reads) == {200: len(reads)}


@pytest.fixture
def writer(swarm_stack) -> dict[str, str]:
    with httpx.Client(base_url=swarm_stack.url, timeout=30) as client:
        return register_and_login(client, "Writer")[1]


def wait_converged(swarm: Swarm, name: str, replicas: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not swarm.converged(name, replicas):
        assert time.monotonic() < deadline, f"{name} not back to {replicas} replicas"
        time.sleep(1)


def test_a_forced_rolling_update_of_projects_loses_no_request(swarm_stack, writer):
    before = set(swarm_stack.running_tasks("projects"))
    with Traffic(swarm_stack.url, writer) as traffic:
        started = time.monotonic()
        docker("service", "update", "--force", "--detach=false", "--quiet",
               f"{STACK}_projects", timeout=300)  # fmt: skip
        rolled_in = time.monotonic() - started
    assert swarm_stack.service("projects")["UpdateStatus"]["State"] == "completed"
    after = set(swarm_stack.running_tasks("projects"))
    assert len(after) == 2
    assert not before & after  # both replicas replaced
    traffic.assert_no_error_and_every_write_once("rolling update", rolled_in)


def test_a_failing_update_of_projects_rolls_back_by_itself(swarm_stack, writer):
    """A new spec whose tasks never become healthy (an unknown service: they stop at start)."""
    wait_converged(swarm_stack, "projects", 2)
    with Traffic(swarm_stack.url, writer) as traffic:
        started = time.monotonic()
        subprocess.run(
            ["docker", "service", "update", "--detach=false", "--quiet",
             "--env-add", "SERVICES=nope", f"{STACK}_projects"],
            capture_output=True, timeout=300, check=False,
        )  # fmt: skip
        wait_converged(swarm_stack, "projects", 2)
        took = time.monotonic() - started
    service = swarm_stack.service("projects")
    assert service["UpdateStatus"]["State"] == "rollback_completed", service["UpdateStatus"]
    assert "SERVICES=nope" not in service["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"]
    # start-first: the old replicas served throughout.
    traffic.assert_no_error_and_every_write_once("failed update, rolled back", took)


def test_killing_one_projects_replica_fails_no_request_and_applies_every_write_once(
    swarm_stack, writer
):
    wait_converged(swarm_stack, "projects", 2)
    victim = swarm_stack.containers("projects")[0]
    with Traffic(swarm_stack.url, writer) as traffic:
        killed = time.monotonic()
        docker("kill", victim)  # SIGKILL: no drain, the requests it holds die with it
        time.sleep(1)
        wait_converged(swarm_stack, "projects", 2)
        replaced_in = time.monotonic() - killed
    assert victim not in swarm_stack.containers("projects")
    # The write the killed replica held: if it died before answering, the gateway replays it on
    # the other replica with its key (applied there, or answered from the row the killed one
    # committed); if its answer was cut after the head, the client sends it again with its key.
    traffic.assert_no_error_and_every_write_once(
        "one replica killed", replaced_in, client_retries=True
    )
    assert len(traffic.retried) <= WRITERS  # one request in flight per writer at the kill


def test_the_stack_file_is_the_compose_topology(swarm_stack):
    """The swarm runs docker-compose.yml's services, no others (docker/swarm.yml adds none)."""
    compose_services = set(yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"])
    listing = docker("service", "ls", "--filter", f"label=com.docker.stack.namespace={STACK}",
                     "--format", "{{.Name}}")  # fmt: skip
    assert {name.removeprefix(f"{STACK}_") for name in listing.split()} == compose_services
