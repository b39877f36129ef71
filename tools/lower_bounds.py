"""``make test-lower-bounds``: every declared lower bound works, not only the pinned versions.

The lock files pin the newest versions the bounds admit; nothing else would notice that a lower
bound has gone stale (``python-json-logger>=3`` once admitted 3.0, which lacks a module the code
imports). This installs, in a fresh virtualenv, every direct dependency of this repository's
distributions at its declared lower bound (their own dependencies at whatever pip resolves), then
runs the kit's, core's and each service's suite there.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

from tools.distributions import ROOT, local_distributions

LOCAL = local_distributions(["users", "projects"])
LOCAL_FOLDERS = [distribution.path for distribution in LOCAL] + ["."]  # "." is the monolith
SUITES = ["shared/kit", "shared/core", "services/users", "services/projects"]
WORK = ROOT / "build" / "lower-bounds"


def declared_requirements() -> list[Requirement]:
    """Third-party requirements of every local distribution, core's test extra included."""
    found = []
    for folder in LOCAL_FOLDERS:
        with (ROOT / folder / "pyproject.toml").open("rb") as handle:
            project = tomllib.load(handle)["project"]
        extras = project.get("optional-dependencies", {})
        for line in [*project.get("dependencies", []), *extras.get("test", [])]:
            requirement = Requirement(line)
            if requirement.name not in {distribution.name for distribution in LOCAL}:
                found.append(requirement)
    return found


def lowest_pins(requirements: list[Requirement]) -> list[str]:
    """``name==lower`` for each requirement with a ``>=`` bound (the strictest one if several)."""
    pins: dict[str, str] = {}
    for requirement in requirements:
        for specifier in requirement.specifier:
            if specifier.operator == ">=":
                current = pins.get(requirement.name)
                if current is None or _version(specifier.version) > _version(current):
                    pins[requirement.name] = specifier.version
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


def _version(text: str):
    from packaging.version import Version

    return Version(text)


def run(*command: str | Path, **kwargs) -> None:
    print("+", " ".join(map(str, command)), flush=True)
    subprocess.run([str(part) for part in command], check=True, **kwargs)


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    requirements = declared_requirements()
    constraints = WORK / "lowest.txt"
    constraints.write_text("\n".join(lowest_pins(requirements)) + "\n")
    print(constraints.read_text(), flush=True)
    venv = WORK / "venv"
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(python, "-m", "pip", "install", "--quiet", "-c", constraints, *map(str, requirements))
    editable = [arg for folder in LOCAL_FOLDERS for arg in ("-e", str(ROOT / folder))]
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", *editable)
    run(python, "-m", "pip", "check")
    for suite in SUITES:
        run(python, "-m", "pytest", "-q", "-c", f"{suite}/pyproject.toml", suite, cwd=ROOT)


if __name__ == "__main__":
    main()
