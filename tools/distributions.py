"""The project's own distributions, and which of them each deployable installs.

A deployable is the monolith (every service) or one service on its own (what `make extract`
writes). Each is the composition root (config/, whose own dependencies the root pyproject.toml
declares) plus some of the distributions below. Their third-party dependencies are pinned in
`locks/<deployable>.txt` (runtime) and `locks/<deployable>-dev.txt` (with the test tools).
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Distribution:
    name: str  # as pip knows it
    path: str  # its folder, relative to the repository root


KIT = Distribution("split-ready-kit", "shared/kit")
CORE = Distribution("split-ready-core", "shared/core")


def contract(service: str) -> Distribution:
    return Distribution(f"{service}-contracts", f"services/{service}/contracts")


def service(name: str) -> Distribution:
    return Distribution(f"{name}-service", f"services/{name}")


def local_distributions(services: list[str]) -> list[Distribution]:
    """What a deployable hosting ``services`` installs from this repository, in install order.

    A service's distribution declares the contracts it depends on; every one of them is here.
    """
    wanted = [KIT, CORE]
    for name in services:
        for requirement in declared(service(name)):
            if requirement.endswith("-contracts"):
                wanted.append(contract(requirement.removesuffix("-contracts")))
    wanted += [contract(name) for name in services] + [service(name) for name in services]
    return list(dict.fromkeys(wanted))


def declared(distribution: Distribution) -> list[str]:
    """The names of the distributions it depends on (without versions or extras)."""
    project = _pyproject(ROOT / distribution.path)["project"]
    return [_name(requirement) for requirement in project.get("dependencies", [])]


def composition_root_requirements() -> list[str]:
    """config/'s own dependencies: the root pyproject's, minus this repository's distributions."""
    project = _pyproject(ROOT)["project"]
    return [r for r in project["dependencies"] if not _name(r).endswith(("-service", "-contracts"))]


def dev_requirements() -> list[str]:
    """The monolith's development tools, minus this repository's distributions."""
    extras = _pyproject(ROOT)["project"]["optional-dependencies"]["dev"]
    return [r for r in extras if not _name(r).endswith(("-service", "-contracts"))]


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;@]", requirement, maxsplit=1)[0].lower()


def _pyproject(folder: Path) -> dict:
    with (folder / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)
