"""Request-scoped values (request id, acting user) shared by logging, errors and clients."""

import re
import uuid
from collections.abc import Callable, MutableMapping
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
user_uuid_var: ContextVar[str | None] = ContextVar("user_uuid", default=None)
# The inbound request's deadline (Unix seconds), bounding the calls it makes to other services.
deadline_var: ContextVar[float | None] = ContextVar("deadline", default=None)

# What else an outgoing service call carries from the context, each writing into its headers:
# core adds the W3C trace context here (shared/core/observability/tracing.py), so the kit needs
# no tracing library.
outgoing_header_writers: list[Callable[[MutableMapping[str, str]], None]] = []

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


def write_outgoing_headers(headers: MutableMapping[str, str]) -> None:
    """Let every registered writer add its context headers to an outgoing call."""
    for write in outgoing_header_writers:
        write(headers)
