"""Field building blocks that more than one contract needs (pure pydantic).

- ``EMAIL_MAX_LENGTH``: the longest email address any contract accepts (RFC 5321's path limit,
  less the angle brackets). Users stores addresses in a column of this size, projects adds
  members by address, and core's ``normalize_email`` checks the canonical form against it.
- ``EMAIL_PATTERN``: an address's shape, one ``@`` with text on both sides and no whitespace;
  the users service checks the rest (``normalize_email``), so a request is refused early and
  the OpenAPI document shows the rule.
- ``NotNull``: for an optional request field whose ``None`` only means "not given". Omitting
  the field is fine; sending ``null`` explicitly is refused with "This field may not be null.".
  Contract v1 models typed such fields ``X | None`` and their JSON Schema snapshot says so; the
  marker keeps that snapshot while the API and its OpenAPI document (``shared.core``) say what
  the service really accepts: ``X``, optional.
"""

from typing import Any, Final

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

EMAIL_MAX_LENGTH: Final = 254
EMAIL_PATTERN: Final = r"^[^@\s]+@[^@\s]+$"

NULL_REFUSED: Final = "This field may not be null."


def refuse_null(value: Any) -> Any:
    """Refuses an explicit ``None``; a default ``None`` is never validated, so omitting is fine."""
    if value is None:
        raise PydanticCustomError("null_refused", NULL_REFUSED)
    return value


NotNull: Final = BeforeValidator(refuse_null)
