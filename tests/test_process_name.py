"""A process is named after the service it hosts, in its log lines, gunicorn's and /readyz;
"monolith" only when it hosts every one of several known services (shared.core.manifest)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json
import logging

from config.local_state import prepare

prepare()  # as make migrate does: settings only read the development keys

import django
from django.conf import settings
from django.test import Client

django.setup()
from config import gunicorn

logging.getLogger("probe").warning("which service?")
print("PROBE", json.dumps({
    "settings": settings.SERVICE_NAME,
    "gunicorn": gunicorn.logconfig_dict["filters"]["context"]["service"],
    "readyz": Client(HTTP_HOST="localhost").get("/readyz").json().get("service"),
}))
"""


def names(tmp_path: Path, **variables: str) -> dict[str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"SERVICES", "SERVICE_MANIFESTS"}},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VAR_DIR": str(tmp_path),
        "EVENTS_TRANSPORT": "local",
        **variables,
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    [log] = [json.loads(line) for line in lines if '"logger": "probe"' in line]
    [probe] = [json.loads(line[6:]) for line in lines if line.startswith("PROBE ")]
    return {**probe, "log": log["service"]}


@pytest.mark.parametrize(
    ("variables", "name"),
    [
        # An extracted repository: users is the only service it knows, and the only one hosted.
        ({"SERVICE_MANIFESTS": "services.users.manifest", "SERVICES": "users"}, "users"),
        ({"SERVICES": "users,projects"}, "monolith"),
        ({"SERVICES": "projects", "USERS_SERVICE_URL": "http://users.invalid"}, "projects"),
    ],
)
def test_logs_gunicorn_and_readyz_name_the_hosted_service(tmp_path, variables, name):
    assert names(tmp_path, **variables) == dict.fromkeys(
        ("settings", "gunicorn", "readyz", "log"), name
    )
