"""Each import-linter contract in pyproject.toml catches the violation it exists for.

The contracts run against a miniature copy of the layout (same package names), into which each
test plants one forbidden import.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = [
    "config",
    "shared/core",
    "shared/kit",
    *[
        f"services/{service}/{layer}"
        for service in ("users", "projects")
        for layer in ("", "api", "client", "services", "models")
    ],
    # contract distributions install top-level packages
    *[
        f"{service}_contracts/{version}"
        for service in ("users", "projects")
        for version in ("", "v1")
    ],
]


def _write_config(target: Path) -> None:
    section = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    lines = ["[tool.importlinter]"]
    lines += [f"{key} = {_toml(value)}" for key, value in section.items() if key != "contracts"]
    for contract in section["contracts"]:
        lines.append("\n[[tool.importlinter.contracts]]")
        lines += [f"{key} = {_toml(value)}" for key, value in contract.items()]
    target.write_text("\n".join(lines) + "\n")


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture
def miniature(tmp_path: Path) -> Path:
    for package in PACKAGES:
        folder = tmp_path / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text("")
    (tmp_path / "shared" / "__init__.py").write_text("")
    (tmp_path / "shared/kit/errors.py").write_text("")
    (tmp_path / "users_contracts/v1/schemas.py").write_text(
        "import pydantic\nimport shared.kit.errors\n"
    )
    (tmp_path / "services/projects/services/projects.py").write_text(
        "import users_contracts.v1.schemas\nimport services.projects.models\n"
    )
    (tmp_path / "services/projects/api/views.py").write_text(
        "import services.projects.services.projects\n"
    )
    (tmp_path / "services/users/client/local.py").write_text("import services.users.services\n")
    _write_config(tmp_path / "pyproject.toml")
    return tmp_path


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", "pyproject.toml", "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_miniature_layout_keeps_every_contract(miniature):
    result = lint(miniature)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "broken_contract"),
    [
        (
            "services/projects/services/owners.py",
            "import services.users.models\n",
            "projects knows users only through users' contracts",
        ),
        (
            "services/users/services/projects_view.py",
            "import services.projects.models\n",
            "users knows projects only through projects' contracts",
        ),
        (
            "users_contracts/v1/orm.py",
            "import django.db\n",
            "contracts are pure Python: no Django, no DRF, no core, no service internals",
        ),
        (
            "projects_contracts/v1/helpers.py",
            "import shared.core\n",
            "contracts are pure Python: no Django, no DRF, no core, no service internals",
        ),
        (
            "shared/kit/leak.py",
            "import django.conf\n",
            "the kit is pure Python: no Django, no core, no service",
        ),
        (
            "shared/core/leak.py",
            "import services.users\n",
            "core imports no service and not the project",
        ),
        (
            "services/projects/models/shortcut.py",
            "import services.projects.api.views\n",
            "inside a service: api and client above services above models",
        ),
        (
            "services/users/api/peek.py",
            "import services.users.client.local\n",
            "inside a service: api and client above services above models",
        ),
    ],
)
def test_each_contract_catches_its_violation(miniature, module, source, broken_contract):
    (miniature / module).write_text(source)
    result = lint(miniature)
    assert result.returncode != 0
    assert f"{broken_contract} BROKEN" in result.stdout
    assert "1 broken" in result.stdout
