"""The metrics module: breaker state changes, consumer lag, the exposition."""

from datetime import UTC, datetime, timedelta

import pybreaker
import pytest

from shared.core.observability.metrics import (
    REGISTRY,
    exposition,
    observe_consumer_lag,
    serve_if_configured,
    watch_breaker,
)


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_breaker_state_changes_are_counted_and_the_state_kept():
    breaker = pybreaker.CircuitBreaker(fail_max=2, reset_timeout=60, name="billing")
    watch_breaker(breaker, "billing")
    watch_breaker(breaker, "billing")  # once per breaker, however often a client is built
    opened = _value("service_client_breaker_transitions_total", callee="billing", state="open")

    for _ in range(2):
        with pytest.raises((ZeroDivisionError, pybreaker.CircuitBreakerError)):
            breaker.call(lambda: 1 / 0)

    assert _value("service_client_breaker_transitions_total", callee="billing", state="open") == (
        opened + 1
    )
    assert _value("service_client_breaker_state", callee="billing") == 2
    breaker.close()
    assert _value("service_client_breaker_state", callee="billing") == 0


def test_consumer_lag_is_the_time_since_the_event_occurred():
    before = _value("events_consumer_lag_seconds_sum", consumer="c", event_type="thing.done")
    occurred = (datetime.now(UTC) - timedelta(seconds=30)).isoformat().replace("+00:00", "Z")

    observe_consumer_lag("c", "thing.done", occurred)
    observe_consumer_lag("c", "thing.done", "not a time")  # ignored

    lag = _value("events_consumer_lag_seconds_sum", consumer="c", event_type="thing.done") - before
    assert 30 <= lag < 35
    assert _value("events_consumer_lag_seconds_count", consumer="c", event_type="thing.done") == 1


@pytest.mark.django_db(databases=["default", "testapp"])
def test_the_exposition_lists_our_families_and_not_the_default_registry(client):
    client.get("/healthz")

    text = exposition().decode()

    assert "# TYPE http_server_requests_total counter" in text
    assert "# TYPE http_server_request_duration_seconds histogram" in text
    assert "python_gc_objects_collected_total" not in text  # the same families in every mode


@pytest.mark.django_db(databases=["default", "testapp"])
def test_metrics_is_served_as_prometheus_text(client):
    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert b"http_server_requests_total" in response.content


def test_a_process_without_a_web_server_serves_nothing_unless_configured(settings):
    settings.METRICS_PORT = 0
    assert serve_if_configured() is None


@pytest.mark.django_db(databases=["default", "testapp"], transaction=True)
def test_a_process_without_a_web_server_serves_metrics_on_its_port(settings):
    import socket

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.METRICS_PORT = port
    observe_consumer_lag("lonely", "thing.done", datetime.now(UTC).isoformat())

    assert serve_if_configured() == port
    body = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert 'events_consumer_lag_seconds_count{consumer="lonely",event_type="thing.done"}' in body
    assert "events_outbox_backlog" in body
