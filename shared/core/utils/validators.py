"""Validators shared by services: uuids, emails, stripped text."""

from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from shared.core.exceptions import ValidationError


def parse_uuid(value: object, *, field: str = "uuid") -> UUID:
    """A UUID from a string or UUID, or a ValidationError naming ``field``."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise ValidationError.for_field(field, "Must be a valid UUID.") from None


def normalize_email(value: str, *, field: str = "email") -> str:
    """The address stripped and lower-cased, or a ValidationError if it is not an address."""
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError.for_field(field, "Enter a valid email address.") from None
    return email


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
