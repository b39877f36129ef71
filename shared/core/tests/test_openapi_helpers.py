"""The OpenAPI building blocks of ``shared.core.utils.openapi``: error envelope and pagination."""

import pytest
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from shared.core.utils.openapi import (
    ERROR_DESCRIPTIONS,
    DocumentedPagination,
    error_code_schema,
    error_responses,
)
from shared.core.utils.pagination import StandardPagination
from shared.kit.errors import ErrorCode


class ThingSerializer(serializers.Serializer):
    name = serializers.CharField()


@pytest.fixture(autouse=True)
def spectacular_schema_class(settings):
    """Core's test settings keep DRF's schema class; drf-spectacular's is needed here."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    }


def _document() -> dict:
    # Views are made here: @extend_schema binds the schema class configured when it runs.
    class ThingView(APIView):
        authentication_classes: list[type] = []
        permission_classes = [AllowAny]

        @extend_schema(responses={200: ThingSerializer, **error_responses(404, 409)})
        def get(self, request):
            return Response({"name": "thing"})

    class ThingListView(ListAPIView):
        authentication_classes: list[type] = []
        permission_classes = [AllowAny]
        serializer_class = ThingSerializer
        pagination_class = DocumentedPagination
        queryset = []

    patterns = [
        path("api/thing/", ThingView.as_view()),
        path("api/things/", ThingListView.as_view()),
    ]
    return SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)


def test_error_responses_reference_the_envelope_with_a_description_per_status():
    responses = _document()["paths"]["/api/thing/"]["get"]["responses"]

    assert set(responses) == {"200", "404", "409"}
    for status in ("404", "409"):
        assert responses[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
        assert responses[status]["description"] == ERROR_DESCRIPTIONS[int(status)]


def test_custom_descriptions_replace_the_standard_ones_and_statuses_are_sorted():
    responses = error_responses(409, 400, descriptions={409: "Taken."})

    assert list(responses) == [400, 409]
    assert responses[409].description == "Taken."
    assert responses[400].description == ERROR_DESCRIPTIONS[400]


def test_the_envelope_is_a_component_whose_code_is_the_error_code_enum():
    schemas = _document()["components"]["schemas"]

    assert schemas["Error"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    detail = schemas["ErrorDetail"]
    assert sorted(detail["required"]) == ["code", "details", "message", "request_id"]
    assert detail["properties"]["code"] == {"$ref": "#/components/schemas/ErrorCode"}
    assert schemas["ErrorCode"] == error_code_schema()
    assert schemas["ErrorCode"]["enum"] == [code.value for code in ErrorCode]


def test_every_error_code_status_has_a_description():
    assert {code.status for code in ErrorCode} <= set(ERROR_DESCRIPTIONS)


def test_documented_pagination_behaves_like_the_standard_one():
    paginator = DocumentedPagination()

    assert isinstance(paginator, StandardPagination)
    assert (paginator.page_size, paginator.max_page_size) == (20, 100)


def test_pagination_documents_its_bounds_and_a_complete_envelope():
    operation = _document()["paths"]["/api/things/"]["get"]
    parameters = {parameter["name"]: parameter["schema"] for parameter in operation["parameters"]}
    page = _document()["components"]["schemas"]["PaginatedThingList"]

    assert parameters["page"] == {"type": "integer", "minimum": 1, "default": 1}
    assert parameters["page_size"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 20,
    }
    assert page["required"] == ["count", "next", "previous", "results"]
    assert page["properties"]["results"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Thing"},
    }
    assert page["properties"]["previous"]["nullable"] is True
