"""Password rules of the users service beyond Django's configured validators."""

import unicodedata
from typing import Any

from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError as DjangoValidationError

# Spaces, line and paragraph separators, control and format (zero-width) characters.
BLANK_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


class NotBlankPasswordValidator:
    """Refuses a password made only of whitespace or invisible characters.

    Django's length and common-password validators accept nine spaces; nobody means that.
    """

    message = "This password is made only of whitespace or invisible characters."
    code = "password_blank"

    def validate(self, password: str, user: Any = None) -> None:
        if all(unicodedata.category(character) in BLANK_CATEGORIES for character in password):
            raise DjangoValidationError(self.message, code=self.code)

    def get_help_text(self) -> str:
        return "Your password can't be made only of whitespace or invisible characters."


def password_validators() -> list[Any]:
    """The configured validators, plus the users service's own unless they already include it.

    The rule is the service's, not a deployment's choice, so it holds whatever
    AUTH_PASSWORD_VALIDATORS says.
    """
    configured = get_default_password_validators()
    if any(isinstance(validator, NotBlankPasswordValidator) for validator in configured):
        return configured
    return [*configured, NotBlankPasswordValidator()]
