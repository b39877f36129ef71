"""Contract models at the HTTP edge (``shared.core.utils.contract_models``): request validation
into the envelope, rendering, and the OpenAPI 3.0 document drf-spectacular builds from them."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Annotated, Literal

import pytest
from django.http import QueryDict
from django.urls import path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import extend_schema
from pydantic import BaseModel, Field, StringConstraints
from rest_framework.exceptions import ParseError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from shared.core.utils.contract_models import (
    ContractRequest,
    Renderer,
    component_name,
    openapi_schema,
    validate_body,
    validate_query,
)
from shared.kit.errors import ValidationError
from shared.kit.fields import EMAIL_PATTERN, NotNull

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5)]


class ThingCreateRequest(BaseModel):
    """Make a thing."""

    name: Name
    kind: Literal["a", "b"] = "a"
    size: int = Field(default=1, ge=1, le=3)
    when: dt.date | None = None
    email: Annotated[str, StringConstraints(pattern=EMAIL_PATTERN)] = "a@b"


class ThingUpdateRequest(BaseModel):
    name: Annotated[Name | None, NotNull] = None
    when: dt.date | None = None


class ThingQueryRequest(BaseModel):
    kind: Literal["a", "b"] | None = None
    size: int | None = Field(default=None, ge=1, le=3)
    ids: list[uuid.UUID] = Field(default_factory=list, max_length=2)


class OwnerSummary(BaseModel):
    uuid: uuid.UUID
    label: str


class ThingResponse(BaseModel):
    uuid: uuid.UUID
    name: str
    created_at: dt.datetime
    owner: OwnerSummary | None = Field(default=None, description="Only when asked for")


def details(model: type[BaseModel], data: object) -> dict:
    with pytest.raises(ValidationError) as caught:
        validate_body(model, data)
    assert caught.value.message == "The request is invalid."
    return caught.value.details


# --- requests -------------------------------------------------------------------------------------


def test_a_valid_body_is_the_model_with_whitespace_stripped_and_unknown_fields_ignored():
    body = validate_body(ThingCreateRequest, {"name": " ab ", "size": 3, "uuid": "ignored"})

    assert body == ThingCreateRequest(name="ab", size=3)
    assert body.model_fields_set == {"name", "size"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"name": ["This field is required."]}),
        ({"name": "   "}, {"name": ["This field may not be blank."]}),
        ({"name": "abcdef"}, {"name": ["Ensure this field has no more than 5 characters."]}),
        ({"name": 5}, {"name": ["Not a valid string."]}),
        ({"name": "a", "kind": "c"}, {"kind": ['"c" is not a valid choice.']}),
        ({"name": "a", "size": 0}, {"size": ["Ensure this value is greater than or equal to 1."]}),
        ({"name": "a", "size": 4}, {"size": ["Ensure this value is less than or equal to 3."]}),
        ({"name": "a", "size": "2"}, {"size": ["A valid integer is required."]}),
        ({"name": "a", "size": 1.5}, {"size": ["A valid integer is required."]}),
        (
            {"name": "a", "when": 86400},
            {"when": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {"name": "a", "when": "2030-02-30"},
            {"when": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ({"name": "a", "email": "nobody"}, {"email": ["Enter a valid email address."]}),
    ],
)
def test_invalid_bodies_are_validation_errors_with_drfs_messages(data, expected):
    assert details(ThingCreateRequest, data) == expected


def test_every_invalid_field_is_reported_at_once():
    assert set(details(ThingCreateRequest, {"kind": "c", "size": 9})) == {"name", "kind", "size"}


@pytest.mark.parametrize("data", [["a"], "a", 1, None])
def test_a_body_that_is_not_an_object_is_a_non_field_error(data):
    assert details(ThingCreateRequest, data) == {
        "non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(data).__name__}."]
    }


def test_not_null_refuses_an_explicit_null_but_not_an_omission():
    assert details(ThingUpdateRequest, {"name": None}) == {"name": ["This field may not be null."]}
    assert validate_body(ThingUpdateRequest, {}).model_fields_set == set()
    assert validate_body(ThingUpdateRequest, {"when": None}).model_dump(exclude_unset=True) == {
        "when": None
    }


def test_null_characters_are_refused_in_every_known_field_as_drf_did():
    # PostgreSQL cannot store NUL: text holding one never reaches a query.
    body = {"name": "a\x00b", "email": "a@b", "unknown": "\x00", "kind": "a"}
    assert details(ThingCreateRequest, body) == {"name": ["Null characters are not allowed."]}
    # A backslash and "u0000" are no NUL (the name is only too long).
    assert details(ThingCreateRequest, {"name": "\\u0000"}) == {
        "name": ["Ensure this field has no more than 5 characters."]
    }
    with pytest.raises(ValidationError) as caught:
        validate_query(ThingQueryRequest, QueryDict("kind=a%00"))
    assert caught.value.details == {"kind": ["Null characters are not allowed."]}


def test_a_body_too_deep_to_encode_again_is_a_parse_error():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(ParseError):
        validate_body(ThingCreateRequest, {"name": deep})


def test_a_query_takes_text_values_ignores_empty_ones_and_lists_every_value():
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    query = QueryDict(mutable=True)
    query.setlist("ids", ids)
    query.update({"kind": "b", "size": "2"})
    query["size"] = "3"  # the last value counts
    query.update({"unknown": "x"})

    parsed = validate_query(ThingQueryRequest, query)

    assert parsed.model_dump(exclude_unset=True) == {
        "kind": "b",
        "size": 3,
        "ids": [uuid.UUID(value) for value in ids],
    }
    assert validate_query(ThingQueryRequest, QueryDict("kind=&size=")).kind is None
    assert validate_query(ThingQueryRequest, {"size": "1"}).size == 1


def test_an_invalid_query_names_each_parameter():
    query = QueryDict("kind=c&size=high&ids=x&ids=y&ids=z")

    with pytest.raises(ValidationError) as caught:
        validate_query(ThingQueryRequest, query)

    assert caught.value.details == {
        "kind": ['"c" is not a valid choice.'],
        "size": ["A valid integer is required."],
        "ids": ["Ensure this field has no more than 2 elements."],
    }
    with pytest.raises(ValidationError) as caught:
        validate_query(ThingQueryRequest, QueryDict("ids=x"))
    assert caught.value.details == {"ids": {"0": ["Must be a valid UUID."]}}


# --- responses ------------------------------------------------------------------------------------


@dataclass
class Row:
    uuid: uuid.UUID
    name: str
    created_at: dt.datetime


def test_rendering_reads_attributes_and_leaves_out_defaults_the_source_lacks():
    row = Row(
        uuid=uuid.UUID(int=1),
        name="é\u2028",
        created_at=dt.datetime(2030, 1, 2, 3, 4, 5, 600, tzinfo=dt.UTC),
    )
    things = Renderer(ThingResponse)

    assert things.render(row) == {
        "uuid": "00000000-0000-0000-0000-000000000001",
        "name": "é\u2028",
        "created_at": "2030-01-02T03:04:05.000600Z",
    }
    assert things.render_many([row, row]) == [things.render(row)] * 2
    owned = {**vars(row), "owner": {"uuid": uuid.UUID(int=2), "label": "x"}}
    assert things.render(owned)["owner"] == {
        "uuid": "00000000-0000-0000-0000-000000000002",
        "label": "x",
    }
    assert things.render({**vars(row), "owner": None})["owner"] is None
    assert "owner" not in things.render({**vars(row), "owner": None}, exclude={"owner"})
    assert things.render_many([{**vars(row), "owner": None}], exclude={"owner"}) == [
        things.render(row)
    ]


def test_datetimes_render_as_drf_did():
    # DRF: isoformat(), "+00:00" as "Z"; microseconds only when there are some.
    things = Renderer(ThingResponse)
    for stamp in (
        dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        dt.datetime(2030, 1, 2, 3, 4, 5, 120000, tzinfo=dt.UTC),
    ):
        rendered = things.render(Row(uuid=uuid.UUID(int=1), name="a", created_at=stamp))
        assert rendered["created_at"] == stamp.isoformat().replace("+00:00", "Z")


# --- OpenAPI --------------------------------------------------------------------------------------


def test_component_names_drop_the_response_suffix_and_keep_one_request_suffix():
    assert component_name(ThingResponse) == "Thing"
    assert component_name(OwnerSummary) == "OwnerSummary"
    with patched_settings({"COMPONENT_SPLIT_REQUEST": True}):  # drf-spectacular adds "Request"
        assert component_name(ThingCreateRequest, "request") == "ThingCreate"
    with patched_settings({"COMPONENT_SPLIT_REQUEST": False}):
        assert component_name(ThingCreateRequest, "request") == "ThingCreateRequest"


def test_a_request_schema_is_openapi_30():
    schema = openapi_schema(ThingUpdateRequest, "request")

    assert schema == {
        "type": "object",
        "properties": {
            # NotNull: typed `X | None` for the snapshot, documented as X (and no null default)
            "name": {"type": "string", "minLength": 1, "maxLength": 5},
            "when": {"type": "string", "format": "date", "nullable": True, "default": None},
        },
    }


def test_a_response_schema_is_openapi_30_without_defaults():
    schema = openapi_schema(ThingResponse, "response")

    assert "title" not in schema
    assert schema["required"] == ["uuid", "name", "created_at"]
    assert schema["properties"]["owner"] == {
        "allOf": [{"$ref": "#/components/schemas/OwnerSummary"}],
        "nullable": True,
        "description": "Only when asked for",
    }
    assert schema["$defs"]["OwnerSummary"]["properties"]["uuid"] == {
        "type": "string",
        "format": "uuid",
    }


@pytest.fixture
def spectacular_schema_class(settings):
    """Core's test settings keep DRF's schema class; drf-spectacular's is needed here."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    }


class ThingReplaceRequest(ThingCreateRequest):
    """Replace a thing."""


def _document(split: bool = True) -> dict:
    # Views are made here: @extend_schema binds the schema class configured when it runs.
    class ThingsView(APIView):
        authentication_classes: list[type] = []
        permission_classes = [AllowAny]

        @extend_schema(request=ContractRequest(ThingCreateRequest), responses={201: ThingResponse})
        def post(self, request):
            return Response(status=201)

    class ThingView(APIView):
        authentication_classes: list[type] = []
        permission_classes = [AllowAny]

        @extend_schema(request=ContractRequest(ThingReplaceRequest), responses={200: ThingResponse})
        def put(self, request):
            return Response()

        @extend_schema(request=ContractRequest(ThingCreateRequest), responses={200: ThingResponse})
        def patch(self, request):
            return Response()

    patterns = [path("api/things/", ThingsView.as_view()), path("api/thing/", ThingView.as_view())]
    GENERATOR_STATS.reset()
    with patched_settings({"COMPONENT_SPLIT_REQUEST": split}):
        document = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache)
    return document


def _body(document: dict, path: str, method: str) -> dict:
    operation = document["paths"][path][method]
    return operation["requestBody"]["content"]["application/json"]["schema"]


@pytest.mark.parametrize("split", [True, False])
def test_drf_spectacular_documents_views_with_the_models(spectacular_schema_class, split):
    document = _document(split)

    operation = document["paths"]["/api/things/"]["post"]
    ok = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert _body(document, "/api/things/", "post") == {
        "$ref": "#/components/schemas/ThingCreateRequest"
    }
    assert ok == {"$ref": "#/components/schemas/Thing"}
    schemas = document["components"]["schemas"]
    assert {"Thing", "ThingCreateRequest", "OwnerSummary"} <= set(schemas)
    assert schemas["ThingCreateRequest"]["description"] == "Make a thing."
    assert schemas["ThingCreateRequest"]["required"] == ["name"]


def test_a_patch_body_is_partial_and_leaves_the_contract_model_alone(spectacular_schema_class):
    for _ in range(2):  # the second document is the same as the first
        document = _document()
        schemas = document["components"]["schemas"]

        assert _body(document, "/api/thing/", "patch") == {
            "$ref": "#/components/schemas/PatchedThingCreateRequest"
        }
        assert "required" not in schemas["PatchedThingCreateRequest"]
        assert _body(document, "/api/thing/", "put") == {
            "$ref": "#/components/schemas/ThingReplaceRequest"
        }
        assert schemas["ThingReplaceRequest"]["required"] == ["name"]
    assert "partial" not in vars(ThingCreateRequest)


def test_a_bare_request_model_is_a_warning(spectacular_schema_class):
    class BareView(APIView):
        authentication_classes: list[type] = []
        permission_classes = [AllowAny]

        @extend_schema(request=ThingCreateRequest, responses={201: ThingResponse})
        def post(self, request):
            return Response(status=201)

    GENERATOR_STATS.reset()
    SchemaGenerator(patterns=[path("api/bare/", BareView.as_view())]).get_schema(public=True)

    assert any("ContractRequest" in message for message in GENERATOR_STATS._warn_cache)
    GENERATOR_STATS.reset()


def test_views_validate_and_render_through_the_helpers():
    class EchoView(APIView):
        authentication_classes: list[type] = []
        permission_classes = [AllowAny]

        def post(self, request):
            body = validate_body(ThingCreateRequest, request.data)
            return Response(body.model_dump(mode="json"))

    view = EchoView.as_view()
    factory = APIRequestFactory()
    ok = view(factory.post("/", {"name": " x "}, format="json"))
    refused = view(factory.post("/", {"name": ""}, format="json"))

    assert ok.status_code == 200
    assert ok.data["name"] == "x"
    assert refused.status_code == 400
    assert refused.data["error"]["code"] == "validation_error"
    assert refused.data["error"]["details"] == {"name": ["This field may not be blank."]}


class OddsRequest(BaseModel):
    code: Annotated[str, StringConstraints(min_length=2, pattern=r"^[a-z]+$")] = "ab"
    tags: list[str] = Field(default_factory=list)
    ratio: float = Field(default=1.0, gt=0, examples=[0.5])
    flag: bool = False
    one: Literal["only"] = "only"
    either: int | str | None = None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"code": "a"}, {"code": ["Ensure this field has at least 2 characters."]}),
        ({"code": "A1"}, {"code": ["This value does not match the required pattern."]}),
        ({"tags": "a"}, {"tags": ['Expected a list of items but got type "str".']}),
        ({"tags": ["a", 1]}, {"tags": {"1": ["Not a valid string."]}}),
        ({"ratio": 0}, {"ratio": ["Input should be greater than 0."]}),  # pydantic's own words
        ({"flag": "yes"}, {"flag": ["Input should be a valid boolean."]}),
    ],
)
def test_other_errors_keep_pydantics_message_or_drfs_where_it_has_one(data, expected):
    assert details(OddsRequest, data) == expected


def test_json_schema_2020_keywords_become_openapi_30():
    fields = openapi_schema(OddsRequest, "request")["properties"]

    assert fields["ratio"] == {
        "type": "number",
        "minimum": 0,
        "exclusiveMinimum": True,
        "example": 0.5,
        "default": 1.0,
    }
    assert fields["one"]["enum"] == ["only"]
    assert "const" not in fields["one"]
    assert fields["either"] == {
        "anyOf": [{"type": "integer"}, {"type": "string"}],
        "nullable": True,
        "default": None,
    }
