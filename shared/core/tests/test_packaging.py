"""The distribution lists every Python package of the core, so none is left out of a wheel."""

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

import shared.core

CORE_DIR = Path(shared.core.__file__).parent


def python_packages() -> set[str]:
    found = set()
    for init in CORE_DIR.rglob("__init__.py"):
        relative = init.parent.relative_to(CORE_DIR)
        if relative.parts and relative.parts[0] in {"tests", "build"}:  # build/: setuptools output
            continue
        found.add(".".join(("shared", "core", *relative.parts)))
    return found


def listed_packages() -> set[str]:
    with (CORE_DIR / "pyproject.toml").open("rb") as handle:
        return set(tomllib.load(handle)["tool"]["setuptools"]["packages"])


def test_every_package_directory_is_listed_in_pyproject():
    assert python_packages() - listed_packages() == set()


def test_every_listed_package_exists():
    assert listed_packages() - python_packages() == set()


def test_the_package_is_installed_from_its_own_folder():
    with (CORE_DIR / "pyproject.toml").open("rb") as handle:
        assert tomllib.load(handle)["tool"]["setuptools"]["package-dir"] == {"shared.core": "."}


def imported_distributions() -> set[str]:
    """The distributions whose modules the core's code (tests excluded) imports."""
    modules = set()
    for path in CORE_DIR.rglob("*.py"):
        relative = path.relative_to(CORE_DIR)
        if relative.parts[0] in {"tests", "pytest_plugin.py"}:  # the `test` extra's
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    owners = metadata.packages_distributions()
    return {
        canonical(distribution)
        for module in modules - set(sys.stdlib_module_names) - {"shared"}
        for distribution in owners.get(module, [module])
    }


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_distributions() -> set[str]:
    """The declared dependencies and, with their extras, everything they require in turn."""
    with (CORE_DIR / "pyproject.toml").open("rb") as handle:
        pending = list(tomllib.load(handle)["project"]["dependencies"])
    found: set[str] = set()
    while pending:
        requirement = Requirement(pending.pop())
        name = canonical(requirement.name)
        if name in found:
            continue
        found.add(name)
        for sub in metadata.requires(requirement.name) or []:
            sub_requirement = Requirement(sub)
            marker = sub_requirement.marker
            if marker is None or any(
                marker.evaluate({"extra": extra}) for extra in requirement.extras or {""}
            ):
                pending.append(sub)
    return found


def test_every_imported_distribution_is_a_declared_dependency():
    assert imported_distributions() - declared_distributions() == set()
