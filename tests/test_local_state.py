"""Importing the settings creates nothing (ADR 15): no folder, no file, no key. Development
state comes from `manage.py prepare_local_state` (make migrate), and settings only read it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import ConfigurationError, Env
from config.local_state import prepare, prepare_local_state, read_dev_key, sqlite_files
from shared.core.authentication.keys import generate_rsa_keypair

ROOT = Path(__file__).resolve().parent.parent
PRIVATE_PEM, _ = generate_rsa_keypair()
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "a-production-secret-key-long-and-random-enough-for-django-checks",
    "INTERNAL_API_TOKEN": "a-production-service-credential-of-48-characters",
    "JWT_PRIVATE_KEY": PRIVATE_PEM,
}


def import_settings(var: Path, **variables: str) -> subprocess.CompletedProcess:
    """``import config.settings`` in a fresh process, VAR_DIR at ``var``."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "VAR_DIR": str(var),
        "EVENTS_TRANSPORT": "local",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def tree(folder: Path) -> list[tuple[str, int, float]]:
    return sorted(
        (str(path.relative_to(folder)), path.stat().st_mode, path.stat().st_mtime)
        for path in folder.rglob("*")
    )


def test_importing_the_settings_creates_no_folder_file_or_key(tmp_path):
    var = tmp_path / "var"
    imported = import_settings(var, **PRODUCTION)
    assert imported.returncode == 0, imported.stderr
    assert not var.exists()

    var.mkdir()
    imported = import_settings(var, JWT_PRIVATE_KEY=PRIVATE_PEM)  # development, SQLite defaults
    assert imported.returncode == 0, imported.stderr
    assert list(var.iterdir()) == []  # no db/, static/ nor keys/


@pytest.mark.parametrize(
    ("variables", "variable"),
    [
        ({}, "JWT_PRIVATE_KEY"),  # users hosted: it signs with the private key
        ({"SERVICES": "projects", "USERS_SERVICE_URL": "http://u"}, "JWT_PUBLIC_KEY"),
    ],
)
def test_without_development_keys_the_settings_say_to_run_make_migrate(
    tmp_path, variables, variable
):
    var = tmp_path / "var"
    var.mkdir()
    imported = import_settings(var, **variables)
    assert imported.returncode != 0
    last = imported.stderr.strip().splitlines()[-1]
    assert f"ConfigurationError: {variable}: no development key at {var / 'keys'}" in last
    assert "run make migrate" in last
    assert list(var.iterdir()) == []


def test_prepare_local_state_makes_what_the_settings_then_only_read(tmp_path):
    var = tmp_path / "var"
    prepared = subprocess.run(
        [sys.executable, "manage.py", "prepare_local_state"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "VAR_DIR": str(var)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert prepared.stdout.strip() == f"local state ready in {var}"
    made = tree(var)
    assert [name for name, _, _ in made] == [
        "db",
        "db/projects.sqlite3",
        "db/users.sqlite3",
        "keys",
        "keys/jwt_private.pem",
        "keys/jwt_public.pem",
        "static",
    ]
    for variables in ({}, {"SERVICES": "projects", "USERS_SERVICE_URL": "http://u"}):
        imported = import_settings(var, **variables)
        assert imported.returncode == 0, imported.stderr
    assert tree(var) == made  # nothing added, nothing touched


def test_production_gets_folders_and_sqlite_files_but_no_development_key(tmp_path):
    var = tmp_path / "var"
    prepare(Env({"VAR_DIR": str(var), "DJANGO_ENV": "production", "SERVICES": "projects"}))
    assert sorted(str(path.relative_to(var)) for path in var.rglob("*")) == [
        "db",
        "db/projects.sqlite3",
        "static",
    ]


def test_only_the_hosted_services_sqlite_files_are_made(tmp_path):
    environ = Env(
        {
            "VAR_DIR": str(tmp_path),
            "SERVICES": "users,projects",
            "USERS_DATABASE_URL": f"sqlite:///{tmp_path / 'elsewhere' / 'u.db'}",
            "PROJECTS_DATABASE_URL": "postgres://app:secret@db:5432/projects",
        }
    )
    assert sqlite_files(environ) == [tmp_path / "elsewhere" / "u.db"]


def test_a_missing_development_key_is_one_line_naming_the_fix(tmp_path):
    with pytest.raises(ConfigurationError) as error:
        read_dev_key("JWT_PUBLIC_KEY", tmp_path / "jwt_public.pem")
    assert str(error.value) == (
        f"JWT_PUBLIC_KEY: no development key at {tmp_path / 'jwt_public.pem'}; run make migrate "
        "(or python manage.py prepare_local_state), or set JWT_PUBLIC_KEY or JWT_PUBLIC_KEY_FILE"
    )


def test_prepare_local_state_says_where(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("JWT_DEV_KEYS_DIR", str(tmp_path / "keys"))
    prepare_local_state()
    assert capsys.readouterr().out == f"local state ready in {tmp_path / 'var'}\n"
    assert (tmp_path / "keys" / "jwt_private.pem").exists()


def test_prepare_local_state_reports_a_bad_setting_in_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "prepare_local_state"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path), "SERVICE_MANIFESTS": ","},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == (
        "configuration error: SERVICE_MANIFESTS: name at least one manifest module\n"
    )
    assert list(tmp_path.iterdir()) == []
