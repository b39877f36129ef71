"""The users service's own password rule and how it joins the configured validators."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import override_settings

from services.users.services.passwords import NotBlankPasswordValidator, password_validators

VALIDATOR = "services.users.services.passwords.NotBlankPasswordValidator"


@pytest.mark.parametrize(
    "blank", ["", " ", " " * 20, "\t\n\r", "\u00a0\u2003\u3000", "\u200b\u200d\ufeff"]
)
def test_a_password_of_only_whitespace_or_invisible_characters_is_refused(blank):
    with pytest.raises(DjangoValidationError) as raised:
        NotBlankPasswordValidator().validate(blank)

    assert raised.value.code == "password_blank"


@pytest.mark.parametrize("password", ["a", " a ", "correct horse battery", "\u200bx"])
def test_a_password_with_any_visible_character_passes(password):
    NotBlankPasswordValidator().validate(password)


def test_the_rule_explains_itself():
    assert "whitespace" in NotBlankPasswordValidator().get_help_text()


def test_the_rule_joins_the_configured_validators():
    validators = password_validators()

    assert [type(validator).__name__ for validator in validators] == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
        "NotBlankPasswordValidator",
    ]


def test_the_rule_is_not_applied_twice_when_settings_already_list_it():
    with override_settings(AUTH_PASSWORD_VALIDATORS=[{"NAME": VALIDATOR}]):
        validators = password_validators()

    assert [type(validator) for validator in validators] == [NotBlankPasswordValidator]
