"""``make extract SERVICE=<name> DEST=<dir>``: write one service's standalone repository.

docs/MICROSERVICES_EXTRACTION.md says what the new repository holds and why. In short:

- copied as the working tree has them (tracked or new files, never ignored ones):
  services/__init__.py, services/<name>/ (its tests and its contract distribution,
  services/<name>/contracts, which the new repository becomes the home of), config/ with the
  manifest list reduced to this one service, manage.py, docker/app/entrypoint.sh, .gitignore,
  and locks/<name>.txt and locks/<name>-dev.txt as `make lock` wrote them;
- written: pyproject.toml (the deployable: the service, what the composition root needs, a
  `dev` extra, pytest, ruff and import-linter), locks/split-ready.txt (the kit, core and the
  other services' contracts, which stay here and are installed as released distributions),
  Dockerfile, .dockerignore, README.md and Makefile (from tools/extract_templates/).

Whatever the copied config/ still names of a known service (a service's name, or an app only a
service installs) is printed as a warning: the composition root should know services through
their manifests alone.
"""

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from config.services import KNOWN_SERVICES, load_manifests
from shared.core.manifest import ServiceManifest, service_url_variable
from tools.distributions import (
    ROOT,
    Distribution,
    composition_root_requirements,
    contract,
    dev_requirements,
    local_distributions,
    service,
)

TEMPLATES = Path(__file__).resolve().parent / "extract_templates"
SERVICES_MODULE = Path("config/services.py")
PUBLISHED_LOCK = "locks/split-ready.txt"


# --- What comes from where --------------------------------------------------------------------


def copied_paths(name: str) -> list[str]:
    return ["services/__init__.py", f"services/{name}", "config", "manage.py", ".gitignore"]


def released(name: str) -> list[Distribution]:
    """What the service's deployable takes from this repository as released distributions."""
    own = {contract(name), service(name)}
    return [distribution for distribution in local_distributions([name]) if distribution not in own]


def version(distribution: Distribution) -> str:
    return _pyproject(ROOT / distribution.path)["project"]["version"]


def compatible(release: str) -> str:
    """The releases semantic versioning makes compatible: same major (same minor before 1.0)."""
    major, minor = (int(part) for part in release.split(".")[:2])
    return f">={release},<{major + 1 if major else f'0.{minor + 1}'}"


def working_tree_files(paths: list[str]) -> list[str]:
    """The files under ``paths`` a commit of the working tree would hold: tracked or new."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted({path for path in listed.split("\0") if path and (ROOT / path).is_file()})


# --- Copies ----------------------------------------------------------------------------------


def copy_sources(name: str, dest: Path) -> None:
    for path in working_tree_files(copied_paths(name)):
        (dest / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, dest / path)
    (dest / "docker").mkdir()
    shutil.copy2(ROOT / "docker/app/entrypoint.sh", dest / "docker/entrypoint.sh")
    (dest / "locks").mkdir()
    for lock in (f"{name}.txt", f"{name}-dev.txt"):
        shutil.copy2(ROOT / "locks" / lock, dest / "locks" / lock)


def reduce_manifests(name: str, dest: Path) -> None:
    """config/services.py's DEFAULT_MANIFESTS, in the copy, keeps this service's module alone."""
    path = dest / SERVICES_MODULE
    text = path.read_text()
    node = _default_manifests(ast.parse(text))
    kept = [module for module in ast.literal_eval(node.value) if name in load_manifests([module])]
    if len(kept) != 1:
        raise SystemExit(f"{SERVICES_MODULE}: DEFAULT_MANIFESTS lists no manifest of {name!r}")
    lines = text.splitlines(keepends=True)
    lines[node.lineno - 1 : node.end_lineno] = [f'DEFAULT_MANIFESTS = ("{kept[0]}",)\n']
    path.write_text("".join(lines))


def service_mentions(dest: Path) -> list[str]:
    """Strings in the copied config/ that name a known service or an app only a service installs.

    Docstrings, comments and the manifest list itself are left out.
    """
    owners = {manifest.name: manifest.name for manifest in KNOWN_SERVICES.values()}
    for manifest in KNOWN_SERVICES.values():
        owners.update({app.rsplit(".", 1)[-1]: manifest.name for app in manifest.extra_apps})
    mentions = []
    for path in sorted((dest / "config").rglob("*.py")):
        tree = ast.parse(path.read_text())
        skipped = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        if path == dest / SERVICES_MODULE:
            skipped |= {id(node) for node in ast.walk(_default_manifests(tree))}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            if id(node) in skipped:
                continue
            for word, owner in owners.items():
                if re.search(rf"\b{re.escape(word)}\b", node.value):
                    where = f"{path.relative_to(dest)}:{node.lineno}"
                    mentions.append(f"{where}: {node.value!r} names {owner}")
    return mentions


def _default_manifests(tree: ast.Module) -> ast.Assign:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "DEFAULT_MANIFESTS"
            for target in node.targets
        ):
            return node
    raise SystemExit(f"{SERVICES_MODULE}: no DEFAULT_MANIFESTS assignment")


# --- The deployable's pyproject.toml ----------------------------------------------------------


def deployable_pyproject(name: str) -> str:
    root = _pyproject(ROOT)
    own = _pyproject(ROOT / service(name).path)
    manifest = KNOWN_SERVICES[name]
    pytest = dict(own["tool"]["pytest"]["ini_options"])
    pytest.update(pythonpath=["."], testpaths=["services"])
    issuer = _token_issuer()
    if not manifest.issues_tokens and issuer is not None:
        # No known service issues tokens here: the settings need the issuer's name.
        pytest["env"] = [*pytest.get("env", []), f"D:JWT_ISSUER={issuer.name}"]
    document = {
        "project": {
            "name": f"{name}-deployable",
            "version": "0.1.0",
            "description": f"The {name} service deployed on its own: the composition root "
            f"(config/) hosting {service(name).name}.",
            "requires-python": root["project"]["requires-python"],
            "dependencies": [
                service(name).name,
                *(f"{d.name}{compatible(version(d))}" for d in released(name)),
                *composition_root_requirements(),
            ],
            "optional-dependencies": {
                "dev": [f"{service(name).name}[test]", *dev_requirements()],
            },
        },
        "build-system": root["build-system"],
        "tool": {
            "setuptools": {"packages": {"find": {"include": ["config*"]}}},
            "pytest": {"ini_options": pytest},
            "ruff": root["tool"]["ruff"],
            "importlinter": import_rules(name, root["tool"]["importlinter"]),
        },
    }
    text = "\n".join(
        [
            f"# The {name} deployable. Written by split-ready's `make extract` (tools/extract.py);",
            "# this repository's own from now on. Third-party pins: locks/; split-ready's",
            f"# distributions: {PUBLISHED_LOCK}.",
            "",
            toml(document),
        ]
    )
    tomllib.loads(text)  # what was written parses
    return text


def import_rules(name: str, root_rules: dict) -> dict:
    """The root's rules that concern this service, for a repository holding it alone."""
    own_contract = f"{name}_contracts"
    layers = next(
        rule
        for rule in root_rules["contracts"]
        if rule["type"] == "layers" and f"services.{name}" in rule["containers"]
    )
    purity = next(
        rule
        for rule in root_rules["contracts"]
        if rule["type"] == "forbidden" and own_contract in rule["source_modules"]
    )
    consumed = [d.name.replace("-", "_") for d in released(name) if d.name.endswith("-contracts")]
    return {
        "root_packages": ["config", "services", "shared", own_contract, *consumed],
        "include_external_packages": True,
        "contracts": [
            {**layers, "containers": [f"services.{name}"]},
            {**purity, "source_modules": [own_contract]},
            {
                "name": f"{name} knows other services only through their contract distributions",
                "type": "forbidden",
                "source_modules": [f"services.{name}"],
                "forbidden_modules": ["services.*"],  # any other package under services
            },
        ],
    }


def toml(document: dict, path: str = "") -> str:
    """TOML for the plain values a pyproject holds: tables, arrays of tables, strings, lists."""
    values = {k: v for k, v in document.items() if not isinstance(v, dict) and not _tables(v)}
    blocks = []
    if values:
        lines = [f"{_key(key)} = {_value(value)}" for key, value in values.items()]
        blocks.append("\n".join([f"[{path}]", *lines] if path else lines))
    for key, value in document.items():
        inner = f"{path}.{_key(key)}" if path else _key(key)
        if isinstance(value, dict):
            blocks.append(toml(value, inner))
        elif _tables(value):
            blocks += [toml(item, inner).replace(f"[{inner}]", f"[[{inner}]]", 1) for item in value]
    return "\n\n".join(block for block in blocks if block) + ("\n" if not path else "")


def _tables(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        items = [_value(item) for item in value]
        line = f"[{', '.join(items)}]"
        return line if len(line) <= 80 else "[\n" + "".join(f"    {i},\n" for i in items) + "]"
    raise TypeError(f"no TOML for {value!r}")


# --- Written from templates -------------------------------------------------------------------


def published_lock(name: str) -> str:
    pins = [f"{d.name}=={version(d)}" for d in released(name)]
    return "\n".join(
        [
            "# What this repository takes from split-ready, as released distributions, pinned.",
            "# `make install` installs them with --no-deps (their dependencies are pinned in",
            f"# {name}.txt). Written by split-ready's `make extract`; raise a pin to take a",
            "# newer release.",
            *pins,
            "",
        ]
    )


def readme(name: str) -> str:
    manifest = KNOWN_SERVICES[name]
    published = [
        f"- `{d.name}=={version(d)}`: {_pyproject(ROOT / d.path)['project']['description']}"
        for d in released(name)
    ]
    return _template(
        "README.md",
        name,
        DESCRIPTION=_pyproject(ROOT / service(name).path)["project"]["description"],
        PUBLISHED="\n".join(published),
        PUBLISHED_FOLDERS=" ".join(f"./{d.path}" for d in released(name)),
        ENVIRONMENT="\n".join(f"- {line}" for line in environment(manifest)),
    )


def environment(manifest: ServiceManifest) -> list[str]:
    """What the service reads from the environment beyond the defaults, one line each."""
    lines = [
        f"`{manifest.database_url_variable}`: its database (default: SQLite under `VAR_DIR`).",
        "`DJANGO_SECRET_KEY`, `DJANGO_ALLOWED_HOSTS`: required in production.",
        "`INTERNAL_API_TOKEN`: the service credential of `/internal/` endpoints; the same value "
        "here and in the services it calls or that call it.",
    ]
    issuer = _token_issuer()
    if manifest.issues_tokens:
        lines.append(
            "`JWT_PRIVATE_KEY` or `JWT_PRIVATE_KEY_FILE`: the RS256 signing key, held by this "
            "service alone; the services that verify its tokens get the public half."
        )
    elif issuer is not None:
        lines.append(
            "`JWT_PUBLIC_KEY` or `JWT_PUBLIC_KEY_FILE`: the public half of the "
            f"{issuer.name} service's signing key; `JWT_ISSUER={issuer.name}`: the issuer its "
            "tokens name (no service known here issues tokens, so there is no default)."
        )
    for need in manifest.needs:
        lines.append(
            f"`{service_url_variable(need)}`: where the {need} service answers; "
            f"it is called through the HTTP client of `{contract(need).name}`."
        )
    if manifest.outbox_model or manifest.consumes:
        lines.append(
            "`EVENTS_TRANSPORT=amqp` (the image sets it) and `EVENTS_BROKER_URL`: the other "
            "ends of its integration events are other deployments, which `auto` cannot see "
            "from here. Beside the web process run "
            + " and ".join(
                f"`manage.py {command}`"
                for command, wanted in (
                    ("relay_events", manifest.outbox_model),
                    ("consume_events", manifest.consumes),
                )
                if wanted
            )
            + "."
        )
    return lines


def dockerfile(name: str) -> str:
    text = _template("Dockerfile", name)
    if KNOWN_SERVICES[name].outbox_model or KNOWN_SERVICES[name].consumes:
        text = text.replace("    SERVICES=", "    EVENTS_TRANSPORT=amqp \\\n    SERVICES=", 1)
    return text


def _template(file: str, name: str, **values: str) -> str:
    text = (TEMPLATES / file).read_text().replace("@SERVICE@", name)
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    if leftover := re.findall(r"@[A-Z_]+@", text):
        raise SystemExit(f"tools/extract_templates/{file}: unfilled {', '.join(leftover)}")
    return text


def _token_issuer() -> ServiceManifest | None:
    return next((m for m in KNOWN_SERVICES.values() if m.issues_tokens), None)


def _pyproject(folder: Path) -> dict:
    with (folder / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


# --- The command -------------------------------------------------------------------------------


def extract(name: str, dest: Path) -> list[str]:
    """Write the repository into ``dest`` (missing or empty); returns the config warnings."""
    if name not in KNOWN_SERVICES:
        raise SystemExit(f"unknown service {name!r} (known: {', '.join(KNOWN_SERVICES)})")
    if dest.exists() and any(dest.iterdir()):
        raise SystemExit(f"{dest}: not empty; extract into a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    copy_sources(name, dest)
    reduce_manifests(name, dest)
    (dest / "pyproject.toml").write_text(deployable_pyproject(name))
    (dest / PUBLISHED_LOCK).write_text(published_lock(name))
    (dest / "Dockerfile").write_text(dockerfile(name))
    (dest / ".dockerignore").write_text(_template("dockerignore", name))
    (dest / "README.md").write_text(readme(name))
    (dest / "Makefile").write_text(_template("Makefile", name))
    return service_mentions(dest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("service", help=f"one of {', '.join(KNOWN_SERVICES)}")
    parser.add_argument("dest", type=Path, help="a new or empty folder")
    args = parser.parse_args()
    warnings = extract(args.service, args.dest)
    print(f"wrote the {args.service} repository into {args.dest}")
    if warnings:
        print(
            "warning: config/ names services; it should know them through manifests alone:",
            *warnings,
            sep="\n  ",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
