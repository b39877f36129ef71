"""Local state for the suites that run on config.settings (``-p config.pytest_plugin``).

Importing the settings creates nothing (ADR 15) and pytest-django imports them before any
conftest, so this hook runs first: unless VAR_DIR is set, it points at a fresh temporary folder
(removed afterwards), and it is prepared as ``make migrate`` would: the dev key pair included.
A clean clone with no var/ runs its suites as they are.
"""

import os
import shutil
import tempfile

import pytest

SETTINGS = "config.settings"
_made: list[str] = []


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, args: list[str]) -> None:
    chosen = early_config.known_args_namespace
    settings = (
        getattr(chosen, "ds", None)
        or os.environ.get("DJANGO_SETTINGS_MODULE")
        or early_config.getini("DJANGO_SETTINGS_MODULE")
    )
    if settings != SETTINGS:
        return
    if not os.environ.get("VAR_DIR"):
        os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="split-ready-tests-")
        _made.append(os.environ["VAR_DIR"])
    from config.local_state import prepare

    prepare()


def pytest_unconfigure(config: pytest.Config) -> None:
    while _made:
        shutil.rmtree(_made.pop(), ignore_errors=True)
