"""Shared validators: each returns the clean value or raises a ValidationError naming its field."""

import uuid

import pytest

from shared.core.exceptions import ValidationError
from shared.core.utils.validators import clean_text, normalize_email, parse_uuid


def test_parse_uuid_accepts_a_uuid_or_its_string():
    value = uuid.uuid4()

    assert parse_uuid(value) is value
    assert parse_uuid(str(value)) == value
    assert parse_uuid(str(value).upper()) == value


@pytest.mark.parametrize("malformed", ["nope", "", None, 42, "1234-5678"])
def test_parse_uuid_rejects_anything_else_naming_the_field(malformed):
    with pytest.raises(ValidationError) as raised:
        parse_uuid(malformed, field="owner_uuid")

    assert raised.value.details == {"owner_uuid": ["Must be a valid UUID."]}


def test_normalize_email_strips_and_lower_cases():
    assert normalize_email("  Ada.Lovelace@Example.COM ") == "ada.lovelace@example.com"


@pytest.mark.parametrize("invalid", ["", "   ", None, "no-at-sign", "a@", "@b.com", "a b@c.com"])
def test_normalize_email_rejects_what_is_not_an_address(invalid):
    with pytest.raises(ValidationError) as raised:
        normalize_email(invalid)

    assert raised.value.details == {"email": ["Enter a valid email address."]}


def test_normalize_email_names_the_given_field():
    with pytest.raises(ValidationError) as raised:
        normalize_email("nope", field="contact")

    assert list(raised.value.details) == ["contact"]


def test_clean_text_strips_the_value():
    assert clean_text("  Roadmap  ", field="name", min_length=1, max_length=200) == "Roadmap"


def test_clean_text_allows_empty_text_by_default():
    assert clean_text(None, field="description", max_length=10) == ""


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_clean_text_rejects_blank_when_required(blank):
    with pytest.raises(ValidationError) as raised:
        clean_text(blank, field="name", min_length=1, max_length=200)

    assert raised.value.details == {"name": ["This field may not be blank."]}


def test_clean_text_rejects_text_shorter_than_the_minimum():
    with pytest.raises(ValidationError) as raised:
        clean_text(" ab ", field="code", min_length=3, max_length=10)

    assert raised.value.details == {"code": ["Ensure this field has at least 3 characters."]}


def test_clean_text_accepts_text_at_both_bounds():
    assert clean_text("abc", field="code", min_length=3, max_length=3) == "abc"


def test_clean_text_rejects_text_longer_than_the_maximum():
    with pytest.raises(ValidationError) as raised:
        clean_text("x" * 201, field="name", min_length=1, max_length=200)

    assert raised.value.details == {"name": ["Ensure this field has no more than 200 characters."]}


def test_clean_text_measures_length_after_stripping():
    assert clean_text(" " + "x" * 5 + " ", field="name", max_length=5) == "xxxxx"
