"""Traces and metrics across the seam: projects calling users over every transport.

One request as the gateway forwards it (with its ``traceparent``) makes one trace, recorded by an
in-memory exporter: the projects request, its call to users and users' request, with the same
trace id in every log line. The metrics keep their names and labels whatever the transport.
"""

import json
import logging
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from shared.core.clients import clients
from shared.core.clients import wsgi as wsgi_transport
from shared.core.logging.json import JsonFormatter, RequestContextFilter
from shared.core.observability import tracing
from shared.core.observability.metrics import REGISTRY
from shared.kit.http import reset_clients

BOTH = ["users", "projects"]
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
GATEWAY_SPAN_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{GATEWAY_SPAN_ID}-01"  # as the gateway forwards it
LIST_ROUTE = "api/projects/"
INTERNAL_USERS_ROUTE = "internal/v1/users/"


class AccessLines(logging.Handler):
    """The JSON access lines both services write, through the filter and formatter they use."""

    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestContextFilter(service="monolith"))
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def access_lines() -> Iterator[AccessLines]:
    handler = AccessLines()
    logger = logging.getLogger("shared.core.access")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _use_transport(settings, transport: str, url: str | None = None) -> None:
    reset_clients()
    # The in-process handler loads the middleware when built: build it again (tracing may have
    # added the Django instrumentation's).
    wsgi_transport._transport = None
    settings.SERVICE_CLIENTS = {
        "users": {**django_settings.SERVICE_CLIENTS["users"], "transport": transport, "url": url}
    }
    clients.reset()


@pytest.fixture
def spans(settings) -> Iterator[InMemorySpanExporter]:
    """Spans recorded in memory, with the Django, httpx and psycopg instrumentations on."""
    exporter = InMemorySpanExporter()
    tracing.start(SimpleSpanProcessor(exporter), service_name="monolith")
    try:
        yield exporter
    finally:
        tracing.stop()
        wsgi_transport._transport = None
        clients.reset()
        reset_clients()


def _project_with_owner(client, register_and_login) -> dict[str, str]:
    _, owner = register_and_login("owner@example.com", "Owner")
    created = client.post("/api/projects/", {"name": "Traced"}, format="json", headers=owner)
    assert created.status_code == 201, created.content
    return owner


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_one_request_through_the_split_is_one_trace(
    client, register_and_login, settings, spans, access_lines
):
    _use_transport(settings, "wsgi")
    owner = _project_with_owner(client, register_and_login)
    spans.clear()
    access_lines.lines.clear()

    page = client.get("/api/projects/?expand=owner", headers={**owner, "traceparent": TRACEPARENT})

    assert page.status_code == 200
    assert page.json()["results"][0]["owner"]["display_name"] == "Owner"
    recorded = spans.get_finished_spans()
    assert {format(span.context.trace_id, "032x") for span in recorded} == {TRACE_ID}
    requests = {
        span.attributes["http.route"]: span for span in recorded if "http.route" in span.attributes
    }
    projects_request = requests[LIST_ROUTE]
    users_request = requests[INTERNAL_USERS_ROUTE]
    (users_call,) = [span for span in recorded if span.name == "users.get_users"]
    # gateway -> projects -> (call) -> users, and back: each span the child of the one before.
    assert projects_request.kind is SpanKind.SERVER
    assert format(projects_request.parent.span_id, "016x") == GATEWAY_SPAN_ID
    assert projects_request.parent.is_remote
    assert users_call.kind is SpanKind.CLIENT
    assert users_call.parent.span_id == projects_request.context.span_id
    assert users_call.attributes["split_ready.transport"] == "wsgi"
    assert users_request.parent.span_id == users_call.context.span_id
    # In one process the Django instrumentation makes a request served inside another one an
    # INTERNAL span; behind a socket (http) it is users' SERVER span.
    assert users_request.kind in (SpanKind.SERVER, SpanKind.INTERNAL)
    assert users_request.attributes["http.status_code"] == 200
    assert projects_request.end_time >= users_call.end_time >= users_request.end_time
    # Both access lines (users' inside projects') name the request id and the one trace id.
    paths = {line["path"]: line for line in access_lines.lines}
    assert set(paths) == {"/api/projects/", "/internal/v1/users/"}
    assert {line["trace_id"] for line in access_lines.lines} == {TRACE_ID}
    assert len({line["request_id"] for line in access_lines.lines}) == 1


@pytest.mark.django_db(databases=BOTH, transaction=True)
@pytest.mark.parametrize("inbound", [TRACEPARENT, None], ids=["gateway-trace", "own-trace"])
def test_without_an_exporter_the_trace_id_still_travels_and_is_logged(
    client, register_and_login, settings, access_lines, inbound
):
    assert not tracing.enabled()
    _use_transport(settings, "wsgi")
    owner = _project_with_owner(client, register_and_login)
    access_lines.lines.clear()
    headers = {**owner, "traceparent": inbound} if inbound else owner

    page = client.get("/api/projects/?expand=owner", headers=headers)

    assert page.status_code == 200
    trace_ids = {line["trace_id"] for line in access_lines.lines}
    assert len(access_lines.lines) == 2  # projects' line and, inside it, users'
    assert len(trace_ids) == 1
    (trace_id,) = trace_ids
    assert trace_id == TRACE_ID if inbound else len(trace_id) == 32
    _use_transport(settings, "local")


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db(databases=BOTH, transaction=True)
@pytest.mark.parametrize("transport", ["local", "wsgi", "http"])
def test_metrics_name_each_call_by_transport_and_outcome(
    client, register_and_login, settings, transport, request
):
    url = request.getfixturevalue("live_server").url if transport == "http" else None
    _use_transport(settings, transport, url)
    owner = _project_with_owner(client, register_and_login)
    project_uuid = client.get("/api/projects/", headers=owner).json()["results"][0]["uuid"]
    register_and_login("member@example.com", "Member")
    call = {"caller": "projects", "callee": "users", "transport": transport}
    before = {
        (operation, outcome): _sample(
            "service_client_calls_total", **call, operation=operation, outcome=outcome
        )
        for operation, outcome in [
            ("get_users", "ok"),
            ("find_by_email", "ok"),
            ("find_by_email", "not_found"),
        ]
    }
    listed = {"service": "monolith", "route": LIST_ROUTE, "method": "GET", "status": "200"}
    lists_before = _sample("http_server_requests_total", **listed)
    list_durations_before = _sample("http_server_request_duration_seconds_count", **listed)

    # The script: a list with its owners (get_users), a member added by email (find_by_email),
    # a member that does not exist (find_by_email, not found).
    assert client.get("/api/projects/?expand=owner", headers=owner).status_code == 200
    members = f"/api/projects/{project_uuid}/members/"
    added = client.post(members, {"email": "member@example.com"}, format="json", headers=owner)
    assert added.status_code == 201, added.content
    missing = client.post(members, {"email": "nobody@example.com"}, format="json", headers=owner)
    assert missing.status_code in (400, 404), missing.content

    for (operation, outcome), value in before.items():
        labels = {**call, "operation": operation, "outcome": outcome}
        assert _sample("service_client_calls_total", **labels) == value + 1, labels
        duration = _sample("service_client_call_duration_seconds_count", **labels)
        assert duration >= 1, labels
    assert _sample("http_server_requests_total", **listed) == lists_before + 1
    assert _sample("http_server_request_duration_seconds_count", **listed) == (
        list_durations_before + 1
    )
    members_route = {"service": "monolith", "method": "POST", "status": "201"}
    routes = {
        sample.labels["route"]
        for metric in REGISTRY.collect()
        if metric.name == "http_server_requests"
        for sample in metric.samples
        if sample.labels.items() >= members_route.items()
    }
    assert any("members" in route and project_uuid not in route for route in routes), routes
    _use_transport(settings, "local")


@pytest.mark.django_db(databases=BOTH)
def test_metrics_endpoint_lists_every_family(client):
    client.get("/healthz")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for family in (
        "http_server_requests_total",
        "http_server_request_duration_seconds_bucket",
        "events_outbox_backlog",
        "events_outbox_oldest_age_seconds",
    ):
        assert family in text
    assert 'route="healthz"' in text
    assert 'events_outbox_backlog{service="projects"}' in text
