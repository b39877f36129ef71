"""A service joins by its manifest alone (docs/adr/0001): listing a throwaway third one
(tests/widgets) in SERVICE_MANIFESTS is enough for settings, the gateway, the compose
environment files and split-local to pick it up. Each runs in a process of its own, as deployed.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import ConfigurationError
from config.services import load_manifests

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = "services.users.manifest,services.projects.manifest,tests.widgets.manifest"
SETTINGS_PROBE = """
import json

from config.local_state import prepare

prepare()  # as make migrate does: settings only read the development keys

import django
from django.conf import settings
from django.test import Client

django.setup()
client = Client(HTTP_HOST="localhost")
print("PROBE", json.dumps({
    "name": settings.SERVICE_NAME,
    "apps": settings.INSTALLED_APPS,
    "databases": sorted(settings.DATABASES),
    "routes": settings.DATABASE_APP_ROUTES,
    "clients": {name: c["transport"] for name, c in settings.SERVICE_CLIENTS.items()},
    "widgets": client.get("/api/widgets/").status_code,
    "schema": client.get("/api/schema/widgets/?format=json").status_code,
}))
"""


def probe(output: str) -> dict:
    """The probe's line (the process logs its requests on stdout too)."""
    return json.loads(next(line for line in output.splitlines() if line.startswith("PROBE "))[6:])


@pytest.fixture
def run(tmp_path):
    def run(*command: str, **variables: str) -> str:
        env = {
            **{k: v for k, v in os.environ.items() if not k.endswith(("_PORT", "_SERVICE_URL"))},
            "SERVICE_MANIFESTS": MANIFESTS,
            "VAR_DIR": str(tmp_path / "var"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "EVENTS_TRANSPORT": "local",
            "SERVICE_TRANSPORT": "auto",  # the suite may run with another (CI's wsgi rerun)
            "PYTHON_BIN": sys.executable,
            **variables,
        }
        if "SERVICES" not in variables:
            env.pop("SERVICES", None)
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run


def test_settings_host_it_with_its_app_database_routes_and_clients(run):
    monolith = probe(run(sys.executable, "-c", SETTINGS_PROBE))
    assert "tests.widgets" in monolith["apps"]
    assert monolith["databases"] == ["default", "projects", "users", "widgets"]
    assert monolith["routes"]["widgets"] == "widgets"
    assert monolith["clients"] == {"users": "local"}
    assert (monolith["name"], monolith["widgets"], monolith["schema"]) == ("monolith", 200, 200)

    alone = probe(
        run(sys.executable, "-c", SETTINGS_PROBE, SERVICES="widgets", USERS_SERVICE_URL="http://u")
    )
    assert "tests.widgets" in alone["apps"]
    assert "services.users" not in alone["apps"]
    assert alone["databases"] == ["default", "widgets"]
    assert alone["clients"] == {"users": "http"}
    assert (alone["name"], alone["widgets"]) == ("widgets", 200)


def test_the_gateway_gets_its_upstream_and_routes(run, tmp_path):
    output = tmp_path / "nginx.conf"
    run(sys.executable, "-m", "gateway.render", "--output", str(output))
    config = output.read_text()
    assert "upstream widgets {\n        server @WIDGETS_UPSTREAM@ max_fails=1" in config
    assert "location ^~ /api/widgets/ {" in config
    assert "proxy_pass http://widgets;" in config
    assert "location = /api/widgets {\n            return 404;" in config

    run(
        *(sys.executable, "-m", "gateway.render", "--output", str(output)),
        *("--upstream", "widgets=127.0.0.1:9003"),
    )
    assert "server 127.0.0.1:9003 max_fails=1 fail_timeout=2s;" in output.read_text()


def test_compose_gets_its_environment_files(run, tmp_path):
    folder = tmp_path / "compose"
    run(sys.executable, "docker/compose_env.py", "write", str(folder))
    widgets = (folder / "widgets.env").read_text()
    assert "WIDGETS_DATABASE_URL=postgres://widgets:" in widgets
    assert "@widgets-db:5432/widgets" in widgets
    assert "JWT_PUBLIC_KEY=" in widgets
    assert "JWT_PRIVATE_KEY=" not in widgets  # users issues the tokens
    assert "USERS_SERVICE_URL=http://users:8000" in widgets
    assert "EVENTS_BROKER_URL" not in widgets  # no events to relay or consume
    assert "POSTGRES_DB=widgets" in (folder / "widgets-db.env").read_text()
    assert (folder / "widgets.env").stat().st_mode & 0o777 == 0o600


def test_split_local_plans_its_process_port_and_settings(run, tmp_path):
    plan = run("docker/split-local.sh", "plan", SPLIT_LOCAL_DIR=str(tmp_path / "split"))
    lines = [line.split() for line in plan.splitlines()]
    web = lines.index(["widgets", "gunicorn", "127.0.0.1:8003"])
    assert lines[web + 1 : web + 3] == [
        [f"JWT_PUBLIC_KEY_FILE={tmp_path / 'split' / 'keys' / 'jwt_public.pem'}"],
        ["USERS_SERVICE_URL=http://127.0.0.1:8001"],
    ]
    assert ["gateway", "nginx", "127.0.0.1:8080", "->", "users", "projects", "widgets"] in lines
    assert not any(line[0].startswith("widgets-") for line in lines)  # no relay, no consumer
    assert not (tmp_path / "split").exists()  # a plan starts and creates nothing


def test_a_manifest_list_that_cannot_load_stops_the_process_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "SERVICE_MANIFESTS": "tests.nowhere",
            "VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("configuration error: SERVICE_MANIFESTS: cannot load tests.nowhere")


@pytest.mark.parametrize(
    ("modules", "message"),
    [
        (["services.users.manifest", "services.users.manifest"], "'users' is listed twice"),
        (["tests.widgets"], "cannot load tests.widgets"),  # a module without a MANIFEST
        ([], "name at least one manifest module"),
    ],
)
def test_a_bad_manifest_list_is_refused_naming_the_variable(modules, message):
    with pytest.raises(ConfigurationError, match=rf"^SERVICE_MANIFESTS: {message}"):
        load_manifests(modules)
