"""JSON Schema snapshots of a contract version, and the rules that tell a breaking change.

A snapshot holds the JSON Schema of every pydantic model a contract package defines (its
``schemas`` and ``events`` modules). Models named ``*Request`` are what callers send; every other
model is what the provider answers (or publishes). Comparing the committed snapshot with the code:

- breaking: a model or field removed, a field's type changed, an enum narrowed, a request field
  newly required, a response field no longer always present;
- additive (fine): a new model, a new optional request field, a new response field, a widened enum.

Usage: ``python -m shared.kit.snapshot write|check <package> <file>``
(``make contracts`` writes every snapshot on purpose).
"""

import importlib
import inspect
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

MODULES = ("schemas", "events")


def contract_models(package: str) -> dict[str, type[BaseModel]]:
    """Every pydantic model defined in the package's contract modules, by name."""
    found: dict[str, type[BaseModel]] = {}
    for module_name in MODULES:
        try:
            module = importlib.import_module(f"{package}.{module_name}")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
                and not value.__pydantic_generic_metadata__["parameters"]  # open generics
                and value.__pydantic_generic_metadata__["origin"] is None  # EventEnvelope[X]
            ):
                found[name] = value
    return dict(sorted(found.items()))


def role_of(model_name: str) -> str:
    return "request" if model_name.endswith("Request") else "response"


def build_snapshot(package: str) -> dict[str, Any]:
    models = {}
    for name, model in contract_models(package).items():
        role = role_of(name)
        mode = "validation" if role == "request" else "serialization"
        models[name] = {"role": role, "schema": model.model_json_schema(mode=mode)}
    return {"package": package, "models": models}


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Why ``new`` would break callers built against ``old`` (empty when compatible)."""
    old_types, new_types = _types(old), _types(new)
    problems = []
    for name, (roles, old_schema) in sorted(old_types.items()):
        if name not in new_types:
            problems.append(f"{name}: removed")
            continue
        problems += _compare(name, roles, old_schema, new_types[name][1])
    return problems


def _types(snapshot: dict[str, Any]) -> dict[str, tuple[set[str], dict[str, Any]]]:
    """Each model and each nested definition, with the roles it is used in."""
    types: dict[str, tuple[set[str], dict[str, Any]]] = {}
    for name, entry in snapshot["models"].items():
        schema, role = entry["schema"], entry["role"]
        for def_name, definition in {**schema.get("$defs", {}), name: schema}.items():
            roles, _ = types.setdefault(def_name, (set(), definition))
            roles.add(role)
    return types


def _compare(name: str, roles: set[str], old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems = []
    old_fields, new_fields = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for field, old_field in old_fields.items():
        where = f"{name}.{field}"
        if field not in new_fields:
            problems.append(f"{where}: removed")
            continue
        if _shape(old_field) != _shape(new_fields[field]):
            problems.append(f"{where}: type changed")
        narrowed = _values(old_field) - _values(new_fields[field])
        if _values(new_fields[field]) and narrowed:
            problems.append(f"{where}: enum narrowed (lost {sorted(map(str, narrowed))})")
        if "response" in roles and field in old_required and field not in new_required:
            problems.append(f"{where}: no longer always present")
    if "request" in roles:
        for field in sorted(new_required - old_required):
            problems.append(f"{name}.{field}: newly required")
    return problems


def _shape(schema: dict[str, Any]) -> Any:
    """A field's type, without descriptions, defaults, bounds or enum values."""
    if "$ref" in schema:
        return ("ref", schema["$ref"].rsplit("/", 1)[-1])
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return (combinator, tuple(sorted(map(repr, map(_shape, schema[combinator])))))
    if "const" in schema or "enum" in schema:
        # The values' own JSON type when the schema leaves it out (pydantic < 2.7 for a const).
        return ("enum", schema.get("type") or _json_type(_values(schema)))
    if schema.get("type") == "array":
        return ("array", _shape(schema.get("items", {})))
    return (schema.get("type"), schema.get("format"))


def _json_type(values: set[Any]) -> str | None:
    kinds = {
        "boolean" if isinstance(v, bool) else "integer" if isinstance(v, int) else
        "number" if isinstance(v, float) else "string" if isinstance(v, str) else None
        for v in values
    }  # fmt: skip
    return kinds.pop() if len(kinds) == 1 else None


def _values(schema: dict[str, Any]) -> set[Any]:
    values = set(schema.get("enum", []))
    if "const" in schema:
        values.add(schema["const"])
    for combinator in ("anyOf", "oneOf"):
        for option in schema.get(combinator, []):
            values |= _values(option)
    return values


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def dump(snapshot: dict[str, Any]) -> str:
    return json.dumps(snapshot, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in {"write", "check"}:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    command, package, file_name = argv
    path, current = Path(file_name), build_snapshot(package)
    if command == "write":
        path.write_text(dump(current))
        print(f"wrote {path}")
        return 0
    problems = breaking_changes(load(path), current)
    for problem in problems:
        print(f"breaking: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
