"""The snapshot rules: breaking changes are caught, additive ones pass."""

from datetime import date
from typing import Literal

import pytest
from pydantic import BaseModel

from shared.kit.snapshot import (
    breaking_changes,
    build_snapshot,
    contract_models,
    dump,
    main,
    role_of,
)

SAMPLE = "shared.kit.tests.sample_contract"


def snapshot(*models: type[BaseModel], names: dict[type, str] | None = None) -> dict:
    """A snapshot of the models; ``names`` renames them (old and new versions of one model)."""
    entries = {}
    for model in models:
        name = (names or {}).get(model, model.__name__)
        role = role_of(name)
        mode = "validation" if role == "request" else "serialization"
        entries[name] = {"role": role, "schema": model.model_json_schema(mode=mode)}
    return {"models": entries}


class ProjectV1(BaseModel):
    name: str
    status: Literal["draft", "active", "archived"]
    due_date: date | None


class CreateV1(BaseModel):
    name: str
    status: Literal["draft", "active"] = "draft"


def as_response(model: type[BaseModel]) -> dict:
    return snapshot(model, names={model: "Project"})


def as_request(model: type[BaseModel]) -> dict:
    return snapshot(model, names={model: "CreateRequest"})


def test_an_unchanged_contract_has_no_breaking_change():
    assert breaking_changes(as_response(ProjectV1), as_response(ProjectV1)) == []


def test_a_removed_response_field_is_breaking():
    class ProjectV2(BaseModel):
        name: str
        due_date: date | None

    assert breaking_changes(as_response(ProjectV1), as_response(ProjectV2)) == [
        "Project.status: removed"
    ]


def test_a_changed_type_is_breaking():
    class ProjectV2(BaseModel):
        name: int
        status: Literal["draft", "active", "archived"]
        due_date: date | None

    assert breaking_changes(as_response(ProjectV1), as_response(ProjectV2)) == [
        "Project.name: type changed"
    ]


def test_a_const_without_its_type_is_the_same_type():
    # pydantic before 2.7 writes Literal["x"] as {"const": "x"}, later ones add "type".
    def with_kind(kind: dict) -> dict:
        schema = {"properties": {"kind": kind}, "required": ["kind"]}
        return {"models": {"Project": {"role": "response", "schema": schema}}}

    typed = with_kind({"const": "x", "type": "string"})
    assert breaking_changes(typed, with_kind({"const": "x"})) == []
    assert "Project.kind: type changed" in breaking_changes(typed, with_kind({"const": 1}))


def test_a_narrowed_enum_is_breaking():
    class ProjectV2(BaseModel):
        name: str
        status: Literal["draft", "active"]
        due_date: date | None

    assert breaking_changes(as_response(ProjectV1), as_response(ProjectV2)) == [
        "Project.status: enum narrowed (lost ['archived'])"
    ]


def test_a_new_required_request_field_is_breaking():
    class CreateV2(BaseModel):
        name: str
        status: Literal["draft", "active"] = "draft"
        owner: str

    assert breaking_changes(as_request(CreateV1), as_request(CreateV2)) == [
        "CreateRequest.owner: newly required"
    ]


def test_a_response_field_that_may_now_be_missing_is_breaking():
    class ProjectV2(BaseModel):
        name: str = "untitled"
        status: Literal["draft", "active", "archived"]
        due_date: date | None

    assert breaking_changes(as_response(ProjectV1), as_response(ProjectV2)) == [
        "Project.name: no longer always present"
    ]


def test_a_removed_model_is_breaking():
    assert breaking_changes(snapshot(ProjectV1, CreateV1), snapshot(CreateV1)) == [
        "ProjectV1: removed"
    ]


def test_changes_in_nested_models_are_found():
    class Owner(BaseModel):
        uuid: str

    class Wrapper(BaseModel):
        owner: Owner

    old = snapshot(Wrapper)

    class Owner(BaseModel):  # the next version of the nested model
        id: str

    class Wrapper(BaseModel):  # and of its container
        owner: Owner

    assert breaking_changes(old, snapshot(Wrapper)) == ["Owner.uuid: removed"]


@pytest.mark.parametrize("kind", ["optional request field", "response field", "wider enum"])
def test_additive_changes_pass(kind):
    class CreateV2(BaseModel):
        name: str
        status: Literal["draft", "active", "archived"] = "draft"
        description: str = ""

    class ProjectV2(BaseModel):
        name: str
        status: Literal["draft", "active", "archived", "deleted"]
        due_date: date | None
        priority: int

    if kind == "optional request field":
        assert breaking_changes(as_request(CreateV1), as_request(CreateV2)) == []
    else:
        assert breaking_changes(as_response(ProjectV1), as_response(ProjectV2)) == []


def test_a_new_model_is_additive():
    assert breaking_changes(snapshot(CreateV1), snapshot(CreateV1, ProjectV1)) == []


def test_contract_models_are_found_by_module_with_roles():
    assert list(contract_models(SAMPLE)) == ["GreetRequest", "Greeting"]
    snapshot_ = build_snapshot(SAMPLE)
    assert snapshot_["models"]["GreetRequest"]["role"] == "request"
    assert snapshot_["models"]["Greeting"]["role"] == "response"


def test_the_command_writes_then_checks_a_snapshot(tmp_path, capsys):
    path = tmp_path / "schema.json"
    assert main(["write", SAMPLE, str(path)]) == 0
    assert path.read_text() == dump(build_snapshot(SAMPLE))
    assert main(["check", SAMPLE, str(path)]) == 0

    old = build_snapshot(SAMPLE)
    old["models"]["Greeting"]["schema"]["properties"]["mood"] = {"type": "string"}
    path.write_text(dump(old))
    assert main(["check", SAMPLE, str(path)]) == 1
    assert "breaking: Greeting.mood: removed" in capsys.readouterr().err


def test_the_command_explains_its_usage(capsys):
    assert main(["frobnicate"]) == 2
    assert "write|check" in capsys.readouterr().err
