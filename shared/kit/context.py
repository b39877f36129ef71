"""Request-scoped values (request id, acting user) shared by logging, errors and clients."""

import re
import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
user_uuid_var: ContextVar[str | None] = ContextVar("user_uuid", default=None)
# The inbound request's deadline (Unix seconds), bounding the calls it makes to other services.
deadline_var: ContextVar[float | None] = ContextVar("deadline", default=None)

_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def accept_or_create_request_id(inbound: str | None) -> str:
    """Keep a well-formed inbound request id, otherwise make a new one."""
    if inbound and _VALID_REQUEST_ID.fullmatch(inbound):
        return inbound
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return request_id_var.get()


def parse_deadline(value: str | None) -> float | None:
    """A well-formed absolute deadline from a header, else None."""
    try:
        deadline = float(value) if value else None
    except ValueError:
        return None
    return deadline if deadline is not None and deadline > 0 else None
