"""Local state under VAR_DIR, made on purpose: importing the settings creates nothing (ADR 15).

``python manage.py prepare_local_state`` (make migrate and make run, split-local, the e2e and
bench set-ups, the test suites' plugin, the image's entrypoint) makes what the settings of its
environment read: VAR_DIR and its static folder, the hosted services' SQLite files and, outside
production, the development key pair. Folders are 0700 and files 0600; existing ones are
tightened. The settings only read the key files, and stop with one line when they are missing.
"""

from pathlib import Path

import dj_database_url

from config.env import ConfigurationError, Env, env
from config.services import KNOWN_SERVICES
from shared.core.authentication.keys import ensure_dev_keypair
from shared.core.utils.files import private_directory, private_file

BASE_DIR = Path(__file__).resolve().parent.parent
PREPARE = "make migrate (or python manage.py prepare_local_state)"


def var_dir(environ: Env = env) -> Path:
    return environ.path("VAR_DIR", BASE_DIR / "var")


def dev_keys_dir(environ: Env = env) -> Path:
    return environ.path("JWT_DEV_KEYS_DIR", var_dir(environ) / "keys")


def default_database_url(var: Path, service: str) -> str:
    return f"sqlite:///{var / 'db' / f'{service}.sqlite3'}"


def read_dev_key(variable: str, path: Path) -> str:
    """A development key file; never created here, so a missing one stops the process."""
    try:
        return path.read_text()
    except FileNotFoundError:
        raise ConfigurationError(
            f"{variable}: no development key at {path}; run {PREPARE}, "
            f"or set {variable} or {variable}_FILE"
        ) from None


def sqlite_files(environ: Env = env) -> list[Path]:
    """The SQLite files of the services ``SERVICES`` hosts; bad values are left to the settings."""
    files = []
    for name in environ.list("SERVICES", default=KNOWN_SERVICES):
        manifest = KNOWN_SERVICES.get(name)
        if manifest is None:
            continue
        url = environ.str(manifest.database_url_variable) or default_database_url(
            var_dir(environ), name
        )
        try:
            config = dj_database_url.parse(url)
        except Exception:  # dj-database-url raises several types for a bad URL
            continue
        if config["ENGINE"].endswith("sqlite3") and config["NAME"] not in ("", ":memory:"):
            files.append(Path(config["NAME"]))
    return files


def prepare(environ: Env = env) -> list[Path]:
    """Make (or tighten) the local state the settings of ``environ`` read; returns its paths."""
    var = private_directory(var_dir(environ))
    made = [var, private_directory(var / "static")]  # STATIC_ROOT, served by WhiteNoise
    made += [private_file(path) for path in sqlite_files(environ)]
    if environ.str("DJANGO_ENV", "development") != "production":
        ensure_dev_keypair(dev_keys_dir(environ))
        made.append(dev_keys_dir(environ))
    return made


def prepare_local_state() -> None:
    """``manage.py prepare_local_state``, which runs it before any setting is loaded."""
    prepare()
    print(f"local state ready in {var_dir()}")
