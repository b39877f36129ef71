"""ObservabilityMiddleware: requests counted by route template, the trace made current."""

import json
import logging

import pytest

from shared.core.logging.json import JsonFormatter, RequestContextFilter
from shared.core.observability.metrics import REGISTRY, UNMATCHED_ROUTE

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"


def _requests(route: str, method: str, status: str) -> float:
    labels = {"service": "monolith", "route": route, "method": method, "status": status}
    return REGISTRY.get_sample_value("http_server_requests_total", labels) or 0.0


def test_a_request_is_counted_under_its_route_template_never_its_path(client):
    before = _requests("errors/<str:name>", "GET", "404")

    client.get("/errors/domain-not-found")
    client.get("/errors/domain-not-found", headers={"Authorization": "Bearer x"})

    assert _requests("errors/<str:name>", "GET", "404") == before + 2
    assert _requests("errors/domain-not-found", "GET", "404") == 0


def test_an_unrouted_path_shares_one_label(client):
    before = _requests(UNMATCHED_ROUTE, "GET", "404")

    client.get("/no/such/path/1")
    client.get("/no/such/path/2")

    assert _requests(UNMATCHED_ROUTE, "GET", "404") == before + 2


def test_an_unknown_method_shares_one_label(client):
    before = _requests("healthz", "other", "405")

    client.generic("BREW", "/healthz")

    assert _requests("healthz", "other", "405") == before + 1


def test_the_duration_is_observed_per_request(client):
    labels = {"service": "monolith", "route": "healthz", "method": "GET", "status": "200"}
    before = REGISTRY.get_sample_value("http_server_request_duration_seconds_count", labels) or 0

    client.get("/healthz")

    after = REGISTRY.get_sample_value("http_server_request_duration_seconds_count", labels)
    assert after == before + 1


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestContextFilter())
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def access_lines():
    handler = Lines()
    logger = logging.getLogger("shared.core.access")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_an_inbound_traceparent_names_the_trace_in_the_access_line(client, access_lines):
    client.get("/healthz", headers={"traceparent": f"00-{TRACE_ID}-b7ad6b7169203331-01"})

    assert access_lines[-1]["trace_id"] == TRACE_ID


@pytest.mark.parametrize("inbound", [None, "garbage", f"00-{'0' * 32}-b7ad6b7169203331-01"])
def test_without_a_valid_traceparent_each_request_starts_its_own_trace(
    client, access_lines, inbound
):
    headers = {"traceparent": inbound} if inbound else {}
    client.get("/healthz", headers=headers)
    client.get("/healthz", headers=headers)

    first, second = (line["trace_id"] for line in access_lines[-2:])
    assert len(first) == 32
    assert int(first, 16) != 0
    assert first != second


def test_outside_a_request_a_log_line_has_no_trace_id(access_lines):
    logging.getLogger("shared.core.access").info("no request here")

    assert access_lines[-1]["trace_id"] is None
