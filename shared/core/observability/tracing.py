"""Traces: the W3C trace context always travels; spans are made only when they are exported.

Without an exporter (the default) nothing records spans: the OpenTelemetry API stays on its no-op
path, and ``middleware.py`` only restores an inbound ``traceparent`` (or starts a trace id of its
own) so that log lines carry the trace id and service calls and events pass it on. With
``OTEL_EXPORTER_OTLP_ENDPOINT`` set, ``start()`` installs the SDK and the Django, httpx and
psycopg instrumentations, and ``client_span``/``consumer_span`` add the service-call and event
spans (docs/OBSERVABILITY.md lists them).
"""

import random
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager, nullcontext
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.propagators.textmap import Getter
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from shared.kit import context as kit_context

TRACEPARENT_HEADER = "traceparent"
PROPAGATOR = TraceContextTextMapPropagator()
_NOT_SAMPLED = TraceFlags(TraceFlags.DEFAULT)


class _Tracing:
    provider: Any = None  # the SDK's TracerProvider while spans are recorded, else None
    tracer: trace.Tracer = trace.NoOpTracer()


_state = _Tracing()


def enabled() -> bool:
    """True while spans are recorded (an exporter is configured, or a test installed one)."""
    return _state.provider is not None


def start(processor: Any, *, service_name: str) -> Any:
    """Record spans into ``processor``: the SDK and the Django, httpx and psycopg instrumentations.

    Called once at start-up when an exporter is configured (``apps.py``), before Django loads its
    middleware (the Django instrumentation inserts its own first); tests pass an in-memory one.
    The SDK reads the usual OTEL_* variables itself (sampler, resource attributes, exporter).
    """
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    stop()
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(processor)
    DjangoInstrumentor().instrument(tracer_provider=provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    PsycopgInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)
    _state.provider = provider
    _state.tracer = provider.get_tracer("shared.core.observability")
    return provider


def stop() -> None:
    """Stop recording spans and remove the instrumentations (tests; a no-op when not started)."""
    if _state.provider is None:
        return
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

    for instrumentor in (DjangoInstrumentor(), HTTPXClientInstrumentor(), PsycopgInstrumentor()):
        instrumentor.uninstrument()
    _state.provider.shutdown()
    _state.provider = None
    _state.tracer = trace.NoOpTracer()


def start_otlp_export(*, service_name: str) -> None:
    """Export spans in batches to the OTLP/HTTP collector named by OTEL_EXPORTER_OTLP_*."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    start(BatchSpanProcessor(OTLPSpanExporter()), service_name=service_name)


# --- The context: restored from a request, an event; written into calls and events ------------


class _MetaGetter(Getter[Mapping[str, Any]]):
    """Reads headers out of a WSGI environ (``traceparent`` is ``HTTP_TRACEPARENT``)."""

    def get(self, carrier: Mapping[str, Any], key: str) -> list[str] | None:
        value = carrier.get("HTTP_" + key.upper().replace("-", "_"))
        return [value] if value is not None else None

    def keys(self, carrier: Mapping[str, Any]) -> list[str]:
        return [key[5:].lower().replace("_", "-") for key in carrier if key.startswith("HTTP_")]


_META_GETTER = _MetaGetter()


def attach_from_meta(meta: Mapping[str, Any]) -> object:
    """Make the request's trace the current one: its ``traceparent``, else a new trace id.

    The new one is not sampled: no span of it is recorded, but log lines, service calls and
    events of this request all carry it. Returns the token for ``detach``.
    """
    if "HTTP_TRACEPARENT" in meta:
        ctx = PROPAGATOR.extract(meta, getter=_META_GETTER)
        if trace.get_current_span(ctx).get_span_context().is_valid:
            return otel_context.attach(ctx)
    return otel_context.attach(trace.set_span_in_context(_new_root()))


def attach_from_carrier(carrier: Mapping[str, str]) -> object:
    """Make the trace named by a ``traceparent`` in ``carrier`` (event headers) current."""
    return otel_context.attach(PROPAGATOR.extract(carrier))


def detach(token: object) -> None:
    otel_context.detach(token)  # type: ignore[arg-type]


def _new_root() -> NonRecordingSpan:
    # random's shared generator is reseeded in each forked worker; the SDK's ids come from it too.
    return NonRecordingSpan(
        SpanContext(
            trace_id=random.getrandbits(128) or 1,
            span_id=random.getrandbits(64) or 1,
            is_remote=False,
            trace_flags=_NOT_SAMPLED,
        )
    )


def current_trace_id() -> str | None:
    """The current trace id as 32 hex digits (the form collectors show), or None."""
    span_context = trace.get_current_span().get_span_context()
    return format(span_context.trace_id, "032x") if span_context.is_valid else None


def current_traceparent() -> str | None:
    """The current context as a ``traceparent`` value (for an event's envelope), or None."""
    carrier: dict[str, str] = {}
    PROPAGATOR.inject(carrier)
    return carrier.get(TRACEPARENT_HEADER)


def inject_headers(headers: MutableMapping[str, str]) -> None:
    """Write the current ``traceparent`` (and ``tracestate``) into an outgoing call's headers."""
    PROPAGATOR.inject(headers)


def install_propagation() -> None:
    """Every service call the kit's HTTP client makes carries the trace context (all transports:
    the httpx instrumentation, when on, only sees real sockets, not the in-process wsgi one)."""
    if inject_headers not in kit_context.outgoing_header_writers:
        kit_context.outgoing_header_writers.append(inject_headers)


# --- Spans of our own: one per service-client call, one per consumed event ----------------------


def client_span(callee: str, operation: str, transport: str) -> Any:
    """A CLIENT span around a service-client call, when spans are recorded; else nothing."""
    if _state.provider is None:
        return nullcontext()
    return _state.tracer.start_as_current_span(
        f"{callee}.{operation}",
        kind=SpanKind.CLIENT,
        attributes={
            "rpc.system": "split-ready",
            "rpc.service": callee,
            "rpc.method": operation,
            "split_ready.transport": transport,
        },
    )


@contextmanager
def consumer_context(traceparent: str | None) -> Iterator[None]:
    """The trace named by an event's ``traceparent`` made current (for its log lines)."""
    token = attach_from_carrier({TRACEPARENT_HEADER: traceparent}) if traceparent else None
    try:
        yield
    finally:
        if token is not None:
            detach(token)


@contextmanager
def consumer_span(
    consumer: str, event_type: str, traceparent: str | None, event_id: str
) -> Iterator[None]:
    """The event's trace made current while it is handled; a CONSUMER span when recorded."""
    with consumer_context(traceparent):
        if _state.provider is None:
            yield
        else:
            with _state.tracer.start_as_current_span(
                f"{event_type} process",
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.operation": "process",
                    "messaging.destination.name": event_type,
                    "messaging.message.id": event_id,
                    "messaging.consumer.group.name": consumer,
                },
            ):
                yield
