"""The compose secrets and the database volumes stay in step, or `make split` says how to fix it.

Reproduces `make clean` followed by `make split`: new passwords, volumes that keep the old ones.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests_e2e.conftest import ROOT, require_docker

PROJECT = "split-ready-secrets-e2e"
COMPOSE_ENV = ROOT / "docker" / "compose_env.py"


def run(*command: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=check
    )


def database_password(folder: Path) -> str:
    line = next(
        line for line in (folder / "users-db.env").read_text().splitlines() if "PASSWORD" in line
    )
    return line.split("=", 1)[1]


def can_log_in(env: dict[str, str], password: str) -> bool:
    probe = run(
        "docker", "compose", "exec", "-T", "-e", f"PGPASSWORD={password}", "users-db",
        "sh", "-c", 'psql -h 127.0.0.1 -U users -d users -tAc "select 1"',
        env=env, check=False,
    )  # fmt: skip
    return probe.returncode == 0


@pytest.fixture
def compose_env(tmp_path):
    require_docker()
    env = {**os.environ, "COMPOSE_PROJECT_NAME": PROJECT, "COMPOSE_ENV_DIR": str(tmp_path / "env")}
    try:
        yield env
    finally:
        run("docker", "compose", "down", "--volumes", env=env, check=False)


def test_clean_then_split_is_refused_with_the_fix_and_split_reset_recovers(compose_env):
    folder = Path(compose_env["COMPOSE_ENV_DIR"])
    run(sys.executable, str(COMPOSE_ENV), "write", str(folder), env=compose_env)
    run("docker", "compose", "up", "--detach", "--wait", "users-db", env=compose_env)
    old_password = database_password(folder)
    assert can_log_in(compose_env, old_password)
    assert run(sys.executable, str(COMPOSE_ENV), "check", str(folder), env=compose_env)

    # `make clean` of old, or a second clone: the secrets are written anew, the volume stays.
    run("rm", "-rf", str(folder), env=compose_env)
    time.sleep(1.1)  # volume and stamp times have a resolution of one second
    run(sys.executable, str(COMPOSE_ENV), "write", str(folder), env=compose_env)
    assert not can_log_in(compose_env, database_password(folder))  # the real failure

    refused = run(
        sys.executable, str(COMPOSE_ENV), "check", str(folder), env=compose_env, check=False
    )
    assert refused.returncode == 1
    [line] = refused.stderr.strip().splitlines()
    assert f"{PROJECT}_users-db" in line
    assert "make split-reset" in line

    reset = run("make", "--no-print-directory", "split-reset", "CONFIRM=yes", env=compose_env)
    assert not folder.exists(), reset.stdout
    run(sys.executable, str(COMPOSE_ENV), "write", str(folder), env=compose_env)
    assert run(sys.executable, str(COMPOSE_ENV), "check", str(folder), env=compose_env)
    run("docker", "compose", "up", "--detach", "--wait", "users-db", env=compose_env)
    assert can_log_in(compose_env, database_password(folder))


def test_split_reset_asks_before_deleting_anything(compose_env):
    folder = Path(compose_env["COMPOSE_ENV_DIR"])
    run(sys.executable, str(COMPOSE_ENV), "write", str(folder), env=compose_env)
    declined = subprocess.run(
        ["make", "--no-print-directory", "split-reset"],
        cwd=ROOT, env=compose_env, input="n\n", capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert declined.returncode != 0
    assert "nothing deleted" in declined.stdout
    assert (folder / "users.env").exists()
