"""Shared validators: each returns the clean value or raises a ValidationError naming its field."""

import uuid

import pytest

from shared.core.utils.validators import clean_text, normalize_email, parse_uuid
from shared.kit.errors import ValidationError


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


@pytest.mark.parametrize(
    "look_alike",
    [
        "alice@\uff45xample.com",  # full-width e
        "\uff41lice@example.com",  # full-width a
        "alice\uff20example.com",  # full-width commercial at
        "ALICE@EXAMPLE.COM",
        "\u3000alice@example.com\u3000",  # ideographic spaces around
    ],
)
def test_normalize_email_folds_compatibility_forms_and_case_to_one_address(look_alike):
    assert normalize_email(look_alike) == "alice@example.com"


@pytest.mark.parametrize(
    "unicode_form",
    ["bob@b\u00fccher.example", "bob@B\u00dcCHER.example", "BOB@xn--bcher-kva.EXAMPLE"],
)
def test_normalize_email_encodes_an_internationalised_domain_in_punycode(unicode_form):
    assert normalize_email(unicode_form) == "bob@xn--bcher-kva.example"


def test_normalize_email_composes_a_decomposed_domain_before_encoding_it():
    assert normalize_email("bob@bu\u0308cher.example") == "bob@xn--bcher-kva.example"


def test_normalize_email_keeps_an_ascii_address_as_it_was_normalised_before():
    address = "first.last+tag_1-x!#$%&'*/=?^`{|}~@sub.example.co.uk"

    assert normalize_email(address) == address


@pytest.mark.parametrize(
    "hidden",
    [
        "alice@exam\u200bple.com",  # zero-width space
        "ali\u200cce@example.com",  # zero-width non-joiner
        "alice\u200d@example.com",  # zero-width joiner
        "\ufeffalice@example.com",  # byte order mark
        "alice@example.com\u00ad",  # soft hyphen
        "alice@\u202eexample.com",  # right-to-left override
        "alice@\u2066example\u2069.com",  # bidi isolates
        "ali\u200ece@example.com",  # left-to-right mark
        "alice@exam\ufe0fple.com",  # variation selector, which IDNA would drop silently
        "alice@exam\u034fple.com",  # combining grapheme joiner
        "ali\x00ce@example.com",
        "ali\tce@example.com",
        "alice@example\u2028.com",
        "alice@exam\ue000ple.com",  # private use
    ],
)
def test_normalize_email_refuses_invisible_and_control_characters(hidden):
    with pytest.raises(ValidationError) as raised:
        normalize_email(hidden)

    assert raised.value.details == {
        "email": ["Email addresses may not contain invisible or control characters."]
    }


@pytest.mark.parametrize(
    "quoted", ['"alice"@example.com', '"ali ce"@example.com', 'a"lice"@example.com', '"a@b"@c.com']
)
def test_normalize_email_refuses_a_quoted_local_part(quoted):
    with pytest.raises(ValidationError) as raised:
        normalize_email(quoted)

    assert raised.value.details == {
        "email": ["Email addresses with a quoted local part are not accepted."]
    }


@pytest.mark.parametrize(
    "invalid",
    [
        "alice@[127.0.0.1]",  # domain literals have many spellings
        "alice@[IPv6:::1]",
        "alice@xn--zz.com",  # not a valid A-label
        "alice@\u2603.com",  # a symbol IDNA 2008 disallows
        "alice@exa_mple.com",
        "alice@example..com",
        "alice@example.com.",
        "alice@@example.com",
        "j\u00f6rg@example.com",  # non-ASCII local parts stay refused, as before
        "alice@" + "a" * 64 + ".com",  # a label longer than 63
        "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".com",  # 255 characters
        42,
    ],
)
def test_normalize_email_refuses_what_has_no_single_canonical_address(invalid):
    with pytest.raises(ValidationError) as raised:
        normalize_email(invalid)

    assert raised.value.details == {"email": ["Enter a valid email address."]}


def test_normalize_email_accepts_an_address_of_254_characters():
    address = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"

    assert len(address) == 254
    assert normalize_email(address) == address


def test_normalize_email_measures_length_after_encoding_the_domain():
    address = "a" * 64 + "@" + "\u00fc" * 56 + "." + "c" * 63 + "." + "d" * 59 + ".com"
    assert len(address) == 249  # as typed; 255 once the first label is in punycode

    with pytest.raises(ValidationError) as raised:
        normalize_email(address)

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
