"""The field building blocks contracts share (``shared.kit.fields``)."""

import re
from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from shared.kit.fields import EMAIL_MAX_LENGTH, EMAIL_PATTERN, NULL_REFUSED, NotNull


class Profile(BaseModel):
    name: Annotated[str | None, NotNull] = None


def test_not_null_refuses_an_explicit_null():
    with pytest.raises(ValidationError) as caught:
        Profile.model_validate({"name": None})

    (error,) = caught.value.errors()
    assert (error["type"], error["loc"], error["msg"]) == ("null_refused", ("name",), NULL_REFUSED)


def test_not_null_lets_the_field_be_omitted_or_given():
    assert Profile.model_validate({}).model_fields_set == set()
    assert Profile.model_validate({"name": "Ada"}).name == "Ada"


def test_not_null_keeps_the_nullable_json_schema_of_the_snapshot():
    assert Profile.model_json_schema()["properties"]["name"]["anyOf"] == [
        {"type": "string"},
        {"type": "null"},
    ]


@pytest.mark.parametrize(
    ("address", "matches"),
    [
        ("ada@example.com", True),
        ("ü@bücher.de", True),
        ("ada@localhost", True),
        ("ada", False),
        ("@example.com", False),
        ("ada@", False),
        ("a b@example.com", False),
        ("a@b@example.com", False),
    ],
)
def test_the_email_pattern_is_an_addresss_shape(address, matches):
    assert bool(re.fullmatch(EMAIL_PATTERN, address)) is matches


def test_the_email_limit_is_rfc_5321s():
    assert EMAIL_MAX_LENGTH == 256 - 2  # the path limit, less the angle brackets
