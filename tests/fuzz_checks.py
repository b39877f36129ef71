"""What every fuzzed response must satisfy, in-process or through the gateway, and the budget.

Used by tests/test_fuzz_openapi.py (the monolith over WSGI) and tests_e2e/test_fuzz_gateway.py
(split-local's gateway over HTTP): no 5xx, a documented status, the documented schema and
content type, and an error code that belongs to its status.
"""

from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared.kit.errors import ErrorCode

# The gateway's own answers to malformed heads carry validation_error with their own status.
GATEWAY_HEAD_STATUSES = {408, 411, 414, 431, 494}


@schemathesis.check
def error_code_matches_status(ctx: Any, response: Any, case: Any) -> None:
    """An error's ``code`` is one whose status is the response's status."""
    if response.status_code < 400 or response.status_code in GATEWAY_HEAD_STATUSES:
        return None
    code = ErrorCode(response.json()["error"]["code"])
    assert code.status == response.status_code, f"{code} answered with {response.status_code}"
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_code_matches_status,
]


def fuzz_settings(max_examples: int, *, shrink: bool = True) -> Any:
    """A fixed seed (derandomized), no example database, no deadline."""
    phases = [Phase.explicit, Phase.generate, *([Phase.shrink] if shrink else [])]
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=phases,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
