"""The Prometheus metrics every service exposes at ``/metrics``, with the same names everywhere.

Under gunicorn several workers serve one service: prometheus_client's multiprocess mode keeps
each worker's values in files of one folder (``PROMETHEUS_MULTIPROC_DIR``, prepared by
``config/gunicorn.py`` through ``multiprocess.py``) and ``/metrics`` adds them up. Elsewhere
(runserver, management commands, tests) the values live in this process, in ``REGISTRY``.

Label children are cached: a request or a call costs a dict lookup, not prometheus_client's
label validation.
"""

import logging
import time
from collections.abc import Iterator
from typing import Any

import pybreaker
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger("shared.core.observability")

# Our metrics only: the same list in every process and topology (the default registry would add
# process_* and python_* families in one process and not in multiprocess mode).
REGISTRY = CollectorRegistry(auto_describe=True)

REQUEST_LABELS = ("service", "route", "method", "status")
REQUESTS = Counter(
    "http_server_requests_total",
    "Requests answered, by service, route template, method and status.",
    REQUEST_LABELS,
    registry=REGISTRY,
)
REQUEST_DURATION = Histogram(
    "http_server_request_duration_seconds",
    "Time from the first middleware in to the response out, in seconds.",
    REQUEST_LABELS,
    registry=REGISTRY,
)
CLIENT_LABELS = ("caller", "callee", "operation", "transport", "outcome")
CLIENT_CALLS = Counter(
    "service_client_calls_total",
    "Calls through a service client, by caller, callee, operation, transport and outcome.",
    CLIENT_LABELS,
    registry=REGISTRY,
)
CLIENT_DURATION = Histogram(
    "service_client_call_duration_seconds",
    "Duration of a service-client call, retries included, in seconds.",
    CLIENT_LABELS,
    registry=REGISTRY,
)
BREAKER_TRANSITIONS = Counter(
    "service_client_breaker_transitions_total",
    "Circuit breaker state changes, by callee and the state entered.",
    ("callee", "state"),
    registry=REGISTRY,
)
BREAKER_STATE = Gauge(
    "service_client_breaker_state",
    "Circuit breaker state by callee: 0 closed, 1 half-open, 2 open (the worst live worker).",
    ("callee",),
    registry=REGISTRY,
    multiprocess_mode="livemax",
)
CONSUMER_LAG = Histogram(
    "events_consumer_lag_seconds",
    "Time from an event's occurred_at to its handling by a consumer, in seconds.",
    ("consumer", "event_type"),
    registry=REGISTRY,
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)

# Methods outside this set share one label value: a client cannot grow the label set.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "<unmatched>"  # no URL pattern matched: never the raw path
BREAKER_STATES = {"closed": 0, "half-open": 1, "open": 2}


class RequestMetrics:
    """Counts and times the requests of one service, children cached per label set."""

    def __init__(self, service: str):
        self.service = service
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        children = self._children.get(key)
        if children is None:
            labels = (self.service, route, method if method in METHODS else "other", str(status))
            children = self._children[key] = (
                REQUESTS.labels(*labels),
                REQUEST_DURATION.labels(*labels),
            )
        children[0].inc()
        children[1].observe(seconds)


class ClientCallMetrics:
    """Counts and times the calls of one operation of one client, children cached by outcome."""

    def __init__(self, *, caller: str, callee: str, operation: str, transport: str):
        self._labels = (caller, callee, operation, transport)
        self._children: dict[str, tuple[Any, Any]] = {}

    def observe(self, outcome: str, seconds: float) -> None:
        children = self._children.get(outcome)
        if children is None:
            children = self._children[outcome] = (
                CLIENT_CALLS.labels(*self._labels, outcome),
                CLIENT_DURATION.labels(*self._labels, outcome),
            )
        children[0].inc()
        children[1].observe(seconds)


class BreakerMetricsListener(pybreaker.CircuitBreakerListener):
    """Counts a provider's breaker state changes and keeps its current state as a gauge."""

    def __init__(self, callee: str):
        self.callee = callee

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        name = getattr(new_state, "name", str(new_state))
        BREAKER_TRANSITIONS.labels(self.callee, name).inc()
        BREAKER_STATE.labels(self.callee).set(BREAKER_STATES.get(name, -1))


def watch_breaker(breaker: pybreaker.CircuitBreaker, callee: str) -> None:
    """Attach the metrics listener to ``breaker`` once (breakers are shared per provider)."""
    if not any(isinstance(listener, BreakerMetricsListener) for listener in breaker.listeners):
        breaker.add_listener(BreakerMetricsListener(callee))
        BREAKER_STATE.labels(callee).set(BREAKER_STATES.get(breaker.current_state, 0))


def observe_consumer_lag(consumer: str, event_type: str, occurred_at: Any) -> None:
    """Record how long after ``occurred_at`` (an ISO 8601 string or a datetime) it was handled."""
    from datetime import datetime

    try:
        moment = (
            occurred_at
            if isinstance(occurred_at, datetime)
            else datetime.fromisoformat(str(occurred_at).replace("Z", "+00:00"))
        )
        lag = time.time() - moment.timestamp()
    except (TypeError, ValueError):
        return  # an envelope without a readable time: nothing to measure
    CONSUMER_LAG.labels(consumer, event_type).observe(max(lag, 0.0))


class OutboxCollector:
    """Each hosted outbox's backlog, read from its table when ``/metrics`` is scraped.

    A query per outbox per scrape, nothing per request; the rows are the truth whichever
    process relays them (in-process in the monolith, ``relay_events`` in split mode).
    """

    def describe(self) -> list:
        return []  # asked of the database at collection time only

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db import DatabaseError
        from django.db.models import Count, Min

        from shared.core.events.registry import outboxes

        backlog = GaugeMetricFamily(
            "events_outbox_backlog",
            "Outbox events not yet sent (dead letters excluded), by producing service.",
            labels=["service"],
        )
        oldest = GaugeMetricFamily(
            "events_outbox_oldest_age_seconds",
            "Age of the oldest outbox event not yet sent, by producing service (0 when none).",
            labels=["service"],
        )
        now = time.time()
        for outbox in outboxes():
            try:
                pending = (
                    outbox.model.objects.using(outbox.database)
                    .filter(sent_at__isnull=True, dead=False)
                    .aggregate(count=Count("id"), first=Min("created_at"))
                )
            except DatabaseError as error:  # the database is down: /readyz says so, not this
                logger.warning("outbox backlog of %s unreadable: %s", outbox.service, error)
                continue
            backlog.add_metric([outbox.service], pending["count"])
            first = pending["first"]
            oldest.add_metric([outbox.service], max(now - first.timestamp(), 0) if first else 0)
        yield backlog
        yield oldest


def multiprocess_mode() -> bool:
    """Whether prometheus_client keeps values in PROMETHEUS_MULTIPROC_DIR (chosen at import)."""
    return values.ValueClass is not values.MutexValue


def exposition() -> bytes:
    """The text format of every metric: all workers' in multiprocess mode, else this process's."""
    if multiprocess_mode():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Forward(REGISTRY))
    registry.register(OutboxCollector())
    return generate_latest(registry)


def serve_if_configured() -> int | None:
    """Serve ``/metrics`` on ``METRICS_PORT`` from a process that has no web server (the events
    relay and consumer), so their metrics (consumer lag, outbox backlog) are scraped as the
    services' are; in a thread, with this process's values. Returns the port, if any."""
    from django.conf import settings
    from prometheus_client import start_http_server

    port = getattr(settings, "METRICS_PORT", 0)
    if not port:
        return None
    registry = CollectorRegistry()
    registry.register(_Forward(REGISTRY))
    registry.register(OutboxCollector())
    start_http_server(port, registry=registry)
    logger.info("metrics on port %s", port)
    return port


class _Forward:
    """Collects another registry's metrics (REGISTRY itself is never changed by a scrape)."""

    def __init__(self, source: CollectorRegistry):
        self.source = source

    def describe(self) -> list:
        return []

    def collect(self) -> Iterator[Any]:
        return self.source.collect()
