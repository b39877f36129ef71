"""``make lock``: pin every third-party dependency of each deployable, with pip-compile.

For the monolith and for each service on its own it writes ``locks/<deployable>.in`` (what the
deployable installs: this repository's distributions, editable, and config/'s own
requirements) and compiles it into ``locks/<deployable>.txt``; the ``-dev`` pair adds the test
tools, constrained to the same runtime pins. The lock files list third-party distributions only:
``make install``, the image wheels and extracted repositories install this repository's own
distributions from their folders, without dependencies, next to the pins.
"""

import os
import subprocess
import sys
from pathlib import Path

from tools.distributions import (
    ROOT,
    composition_root_requirements,
    dev_requirements,
    local_distributions,
)

LOCKS = ROOT / "locks"
DEPLOYABLES = {"monolith": ["users", "projects"], "users": ["users"], "projects": ["projects"]}


def inputs(services: list[str], *, dev: bool) -> list[str]:
    lines = []
    for distribution in local_distributions(services):
        is_service = distribution.path in {f"services/{name}" for name in services}
        lines.append(f"-e {distribution.path}{'[test]' if dev and is_service else ''}")
    lines += composition_root_requirements()
    return lines + dev_requirements() if dev else lines


def compile_lock(name: str, lines: list[str], *, constraint: Path | None = None) -> Path:
    source = LOCKS / f"{name}.in"
    header = [f"# {name}: written by `make lock` (tools/lock.py); edit the pyproject.toml files"]
    if constraint is not None:
        header.append(f"-c {constraint.name}")
    source.write_text("\n".join(header + lines) + "\n")
    output = LOCKS / f"{name}.txt"
    subprocess.run(
        [
            sys.executable, "-m", "piptools", "compile", "--quiet", "--strip-extras",
            "--no-emit-index-url", "--no-emit-find-links", "--no-emit-trusted-host",
            "--annotation-style=line",
            "--output-file", str(output.relative_to(ROOT)), str(source.relative_to(ROOT)),
        ],
        cwd=ROOT,
        env={**os.environ, "CUSTOM_COMPILE_COMMAND": "make lock"},
        check=True,
    )  # fmt: skip
    # This repository's own distributions are installed from their folders, not from the lock.
    kept = [line for line in output.read_text().splitlines() if not line.startswith("-e ")]
    output.write_text("\n".join(kept) + "\n")
    return output


def main() -> None:
    LOCKS.mkdir(exist_ok=True)
    for name, services in DEPLOYABLES.items():
        runtime = compile_lock(name, inputs(services, dev=False))
        compile_lock(f"{name}-dev", inputs(services, dev=True), constraint=runtime)
        print(f"locked {name}")


if __name__ == "__main__":
    main()
