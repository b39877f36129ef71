"""The compose stack on Docker Swarm: one node (this one), `docker stack deploy`, nothing pulled.

    python docker/swarm.py up      # init a swarm if none, write secrets, render, deploy, wait
    python docker/swarm.py render  # write $SWARM_DIR/stack.json only (what `up` deploys)
    python docker/swarm.py down [--volumes]   # remove the stack; leave the swarm as it was found
    python docker/swarm.py rotate-jwt-key     # a new key pair for the next `up`

The topology is docker-compose.yml's: `docker compose config` renders it with docker/swarm.yml
(deploy policies, Swarm secrets), then the few keys `docker stack deploy` refuses or ignores
(build, depends_on, restart, dns_opt, the project name) are dropped. State lives in SWARM_DIR
(default var/swarm, git-ignored): `source/` the compose environment files (docker/compose_env.py,
generated once), `env/` the same without the secrets, `secrets/` one file per Swarm secret,
`stack.json`, and `swarm-initialised` when `up` initialised the swarm (so `down` leaves it).
SWARM_STACK names the stack (default split-ready), GATEWAY_PORT the port published on the node.
"""

import argparse
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.services import KNOWN_SERVICES  # noqa: E402
from shared.core.authentication.keys import generate_rsa_keypair  # noqa: E402

_spec = importlib.util.spec_from_file_location("compose_env", ROOT / "docker" / "compose_env.py")
compose_env = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compose_env)

OVERRIDE = ROOT / "docker" / "swarm.yml"
STACK_LABEL = "com.docker.stack.namespace"
INITIALISED = "swarm-initialised"
# Variables of the compose environment files that become Swarm secrets (docker/swarm.yml mounts
# them and sets NAME_FILE): the secret's name for each service.
SHARED_SECRETS = {
    "INTERNAL_API_TOKEN": "internal-api-token",
    "EVENTS_BROKER_URL": "events-broker-url",
}
ISSUER_SECRETS = {"JWT_PRIVATE_KEY": "jwt-private-key"}
# Keys `docker stack deploy` refuses (its compose loader is the 3.x format) or would ignore.
SERVICE_KEYS_LEFT_OUT = ("build", "depends_on", "restart", "dns_opt", "env_file")


def secret_names(service: str) -> dict[str, str]:
    """Variable -> Swarm secret name, for one service's environment file."""
    names = {**SHARED_SECRETS, "DJANGO_SECRET_KEY": f"{service}-django-secret-key"}
    if KNOWN_SERVICES[service].issues_tokens:
        names.update(ISSUER_SECRETS)
    return names


def write_secrets(swarm_dir: Path) -> None:
    """env/ and secrets/ from source/ (generated once; the same secrets on every `up`)."""
    source, env_dir, secrets_dir = (swarm_dir / name for name in ("source", "env", "secrets"))
    compose_env.write(source)
    for folder in (env_dir, secrets_dir):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for path in sorted(source.glob("*.env")):
        values = compose_env.read_env_file(path)
        service = path.stem
        names = secret_names(service) if service in KNOWN_SERVICES else {}
        for variable, secret in names.items():
            if variable in values:
                secret_file = secrets_dir / secret
                secret_file.touch(mode=0o600, exist_ok=True)
                secret_file.write_text(values.pop(variable).replace("\\n", "\n") + "\n")
        compose_env.write_env_file(env_dir / path.name, values)


def rotate_jwt_key(swarm_dir: Path) -> None:
    """A new key pair in source/: the private key where it was, the public key everywhere else."""
    source = swarm_dir / "source"
    files = sorted(source.glob("*.env"))
    if not files:
        sys.exit(f"{source}: no environment files yet; run `make swarm` first")
    private_pem, public_pem = generate_rsa_keypair()
    for path in files:
        values = compose_env.read_env_file(path)
        if "JWT_PRIVATE_KEY" in values:
            values["JWT_PRIVATE_KEY"] = compose_env.one_line(private_pem)
        elif "JWT_PUBLIC_KEY" in values:
            values["JWT_PUBLIC_KEY"] = compose_env.one_line(public_pem)
        else:
            continue
        compose_env.write_env_file(path, values)
        print(f"{path}: new JWT key")


def compose_config(swarm_dir: Path, stack: str) -> dict:
    env = {
        **os.environ,
        "COMPOSE_PROJECT_NAME": stack,
        "COMPOSE_ENV_DIR": str(swarm_dir / "env"),
        "SWARM_SECRETS_DIR": str(swarm_dir / "secrets"),
    }
    command = ["docker", "compose", "-f", "docker-compose.yml", "-f", str(OVERRIDE)]
    rendered = subprocess.run(
        [*command, "config", "--format", "json"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(rendered.stdout)


def stack_file(config: dict, stack: str) -> dict:
    """The rendered compose file as `docker stack deploy` reads it."""
    services = {}
    for name, service in config["services"].items():
        kept = {
            key: value
            for key, value in service.items()
            if key not in SERVICE_KEYS_LEFT_OUT and value is not None
        }
        for port in kept.get("ports", []):
            port["published"] = int(port["published"])  # compose renders a string
        for limits in kept.get("deploy", {}).get("resources", {}).values():
            if "cpus" in limits:
                limits["cpus"] = str(limits["cpus"])
        if not kept.get("deploy", {}).get("placement", True):
            del kept["deploy"]["placement"]  # rendered empty: the 3.x loader refuses {}
        services[name] = kept
    secrets = {}
    for name, secret in config.get("secrets", {}).items():
        # Named after their content: a new value is a new secret, and the services that use it
        # roll (Swarm secrets cannot change); `down` removes every secret of the stack.
        digest = hashlib.sha256(Path(secret["file"]).read_bytes()).hexdigest()[:12]
        secrets[name] = {"name": f"{stack}_{name}-{digest}", "file": secret["file"]}

    def without_name(entries: dict) -> dict:
        return {
            key: {k: v for k, v in (value or {}).items() if k != "name"}
            for key, value in entries.items()
        }

    return {
        "version": "3.9",
        "services": services,
        "networks": without_name(config.get("networks", {})),
        "volumes": without_name(config.get("volumes", {})),
        "secrets": secrets,
    }


def render(swarm_dir: Path, stack: str) -> Path:
    write_secrets(swarm_dir)
    path = swarm_dir / "stack.json"
    path.write_text(json.dumps(stack_file(compose_config(swarm_dir, stack), stack), indent=2))
    path.chmod(0o600)
    return path


def docker(*args: str, check: bool = True) -> str:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, check=False)
    if check and result.returncode:
        sys.exit(f"docker {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout.strip()


def swarm_state() -> tuple[str, str]:
    """(LocalNodeState, cluster id: "" unless active) of this engine."""
    state = docker("info", "--format", "{{.Swarm.LocalNodeState}}")
    if state != "active":
        return state, ""
    return state, docker("info", "--format", "{{.Swarm.Cluster.ID}}")


def ensure_swarm(swarm_dir: Path) -> None:
    state, _ = swarm_state()
    if state == "active":
        return
    if state != "inactive":
        sys.exit(f"swarm: this node is {state}; expected active or inactive")
    init = subprocess.run(["docker", "swarm", "init"], capture_output=True, text=True, check=False)
    if init.returncode:  # several addresses: advertise the one of the default route
        route = subprocess.run(
            ["ip", "-4", "route", "get", "1"], capture_output=True, text=True, check=False
        ).stdout
        address = route.split(" src ")[1].split()[0] if " src " in route else ""
        if not address:
            sys.exit(f"docker swarm init: {init.stderr.strip()}")
        docker("swarm", "init", "--advertise-addr", address)
    _, cluster = swarm_state()
    swarm_dir.mkdir(parents=True, exist_ok=True)
    (swarm_dir / INITIALISED).write_text(cluster + "\n")
    print(f"swarm: initialised a single-node swarm ({cluster}); `down` will leave it")


def services_of(stack: str) -> dict[str, str]:
    """Service name -> "running/desired" replicas."""
    listing = docker("service", "ls", "--filter", f"label={STACK_LABEL}={stack}",
                     "--format", "{{.Name}} {{.Replicas}}")  # fmt: skip
    return dict(line.split()[:2] for line in listing.splitlines() if line.strip())


def wait_converged(stack: str, gateway_url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    waiting: list[str] = ["everything"]
    while time.monotonic() < deadline:
        replicas = services_of(stack)
        waiting = [name for name, count in replicas.items() if len(set(count.split("/"))) != 1]
        if replicas and not waiting:
            try:
                # A routed answer from projects (401: no token) proves the gateway resolved it.
                urllib.request.urlopen(f"{gateway_url}/api/projects/", timeout=3)
            except urllib.error.HTTPError as answer:
                if answer.code == 401:
                    return
                waiting = [f"gateway (answered {answer.code})"]
            except OSError:
                waiting = ["gateway"]
        time.sleep(1)
    errors = docker(
        "service", "ps", "--no-trunc", "--format", "{{.Name}} {{.CurrentState}} {{.Error}}",
        *services_of(stack), check=False,
    )  # fmt: skip
    logs = [
        docker("service", "logs", "--raw", "--tail", "5", name, check=False)
        for name in waiting
        if name in services_of(stack)
    ]
    sys.exit(
        f"swarm: not converged after {seconds:.0f} s, waiting for {waiting}\n{errors}\n"
        + "\n".join(logs)
    )


def up(swarm_dir: Path, stack: str, gateway_port: str, wait_seconds: float) -> None:
    ensure_swarm(swarm_dir)
    path = render(swarm_dir, stack)
    docker("stack", "deploy", "--resolve-image", "never", "--prune", "--detach=true",
           "-c", str(path), stack)  # fmt: skip
    url = f"http://127.0.0.1:{gateway_port}"
    wait_converged(stack, url, wait_seconds)
    print(f"swarm stack {stack} is up: {url}/  (make swarm-down removes it)")


def leftovers(stack: str) -> list[str]:
    label = f"label={STACK_LABEL}={stack}"
    found = []
    for kind in ("service", "network", "secret", "config"):
        names = docker(kind, "ls", "--filter", label, "--format", "{{.Name}}", check=False)
        found += [f"{kind} {name}" for name in names.split()]
    containers = docker("ps", "--all", "--filter", label, "--format", "{{.Names}}", check=False)
    return found + [f"container {name}" for name in containers.split()]


def down(swarm_dir: Path, stack: str, volumes: bool) -> None:
    state, cluster = swarm_state()
    if state == "active":
        docker("stack", "rm", stack, check=False)
        deadline = time.monotonic() + 120
        while (left := leftovers(stack)) and time.monotonic() < deadline:
            time.sleep(1)
        if left:
            sys.exit(f"swarm: still there after 120 s: {', '.join(left)}")
    if volumes:
        names = docker("volume", "ls", "--quiet", "--filter", f"label={STACK_LABEL}={stack}")
        if names:
            docker("volume", "rm", *names.split())
    marker = swarm_dir / INITIALISED
    if state == "active" and marker.exists():
        others = docker("stack", "ls", "--format", "{{.Name}}", check=False).split()
        if marker.read_text().strip() != cluster:
            print("swarm: not the swarm `up` initialised; left as it is")
        elif others:
            print(f"swarm: other stacks still run ({', '.join(others)}); left active")
            return  # the marker stays: the last `down` leaves the swarm
        else:
            docker("swarm", "leave", "--force")
            print("swarm: left the swarm `up` initialised; the node is inactive again")
    marker.unlink(missing_ok=True)
    print(f"swarm stack {stack} removed" + (" with its volumes" if volumes else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "render", "down", "rotate-jwt-key"])
    parser.add_argument("--volumes", action="store_true", help="down: delete the data volumes")
    parser.add_argument("--wait", type=float, default=300, help="up: seconds to converge")
    args = parser.parse_args()
    swarm_dir = (ROOT / os.environ.get("SWARM_DIR", "var/swarm")).resolve()
    stack = os.environ.get("SWARM_STACK", "split-ready")
    if args.command == "up":
        up(swarm_dir, stack, os.environ.get("GATEWAY_PORT", "8080"), args.wait)
    elif args.command == "rotate-jwt-key":
        rotate_jwt_key(swarm_dir)
    elif args.command == "render":
        print(f"wrote {render(swarm_dir, stack)}")
    else:
        down(swarm_dir, stack, args.volumes)


if __name__ == "__main__":
    main()
