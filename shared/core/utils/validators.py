"""Validators shared by services: uuids, emails, stripped text."""

import unicodedata
from uuid import UUID

import idna
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from shared.kit.errors import ValidationError
from shared.kit.fields import EMAIL_MAX_LENGTH  # RFC 5321's path limit; the users column's size

INVALID_EMAIL = "Enter a valid email address."
HIDDEN_CHARACTERS = "Email addresses may not contain invisible or control characters."
QUOTED_LOCAL_PART = "Email addresses with a quoted local part are not accepted."
# Control, format (zero-width, bidi), surrogate, private-use and unassigned code points.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Default-ignorable code points outside those categories: they render as nothing, and IDNA
# would silently drop some of them (variation selectors), hiding them in a look-alike.
INVISIBLE_MARKS = frozenset(
    {
        *(0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x3164, 0xFFA0),
        *range(0xFE00, 0xFE10),  # variation selectors
        *range(0xE0100, 0xE01F0),  # variation selectors supplement
    }
)


def parse_uuid(value: object, *, field: str = "uuid") -> UUID:
    """A UUID from a string or UUID, or a ValidationError naming ``field``."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise ValidationError.for_field(field, "Must be a valid UUID.") from None


def normalize_email(value: str, *, field: str = "email") -> str:
    """The one canonical form of an address, or a ValidationError naming ``field``.

    One mailbox must have one spelling, or it could hold several accounts: the text is NFKC
    normalised (full-width and other compatibility forms fold to ASCII) and stripped; invisible
    and control characters and quoted local parts are refused; the domain is IDNA-encoded
    (UTS 46 mapping, so any case or Unicode form gives the same ASCII/punycode form); the whole
    address is lower-cased, as the users table requires.
    """
    if not isinstance(value, str):
        raise ValidationError.for_field(field, INVALID_EMAIL)
    text = unicodedata.normalize("NFKC", value).strip()
    if any(_is_hidden(character) for character in text):
        raise ValidationError.for_field(field, HIDDEN_CHARACTERS)
    local, _, domain = text.rpartition("@")
    if '"' in local:
        raise ValidationError.for_field(field, QUOTED_LOCAL_PART)
    # Domain literals ([192.0.2.1], [IPv6:...]) have many spellings per host: refused as well.
    if not local or not domain or domain.startswith("["):
        raise ValidationError.for_field(field, INVALID_EMAIL)
    try:
        ascii_domain = idna.encode(domain.lower(), uts46=True).decode("ascii")
    except idna.IDNAError:
        raise ValidationError.for_field(field, INVALID_EMAIL) from None
    email = f"{local.lower()}@{ascii_domain}"
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError.for_field(field, INVALID_EMAIL)
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError.for_field(field, INVALID_EMAIL) from None
    return email


def _is_hidden(character: str) -> bool:
    return unicodedata.category(character) in HIDDEN_CATEGORIES or ord(character) in INVISIBLE_MARKS


def clean_text(value: str, *, field: str, min_length: int = 0, max_length: int) -> str:
    """Stripped text whose length lies within the bounds."""
    text = (value or "").strip()
    if len(text) < min_length:
        message = (
            "This field may not be blank."
            if min_length == 1
            else (f"Ensure this field has at least {min_length} characters.")
        )
        raise ValidationError.for_field(field, message)
    if len(text) > max_length:
        raise ValidationError.for_field(
            field, f"Ensure this field has no more than {max_length} characters."
        )
    return text
