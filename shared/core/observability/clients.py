"""Service clients that count, time and trace every call, whatever their transport."""

import time
from collections.abc import Callable
from typing import Any

from shared.core.observability import tracing
from shared.core.observability.metrics import ClientCallMetrics


class InstrumentedClient:
    """Wraps a provider's client: each public method is timed, counted by outcome and traced.

    ``client`` is the wrapped one. ``isinstance`` still sees its class (consumers and tests may
    ask which transport answers); everything else is passed through.
    """

    def __init__(self, client: Any, *, caller: str, callee: str, transport: str):
        self.client = client
        for name in dir(type(client)):
            if name.startswith("_"):
                continue
            method = getattr(client, name)
            if callable(method):
                metrics = ClientCallMetrics(
                    caller=caller, callee=callee, operation=name, transport=transport
                )
                setattr(self, name, _instrumented(method, metrics, callee, name, transport))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(self.client)


def _instrumented(
    method: Callable[..., Any],
    metrics: ClientCallMetrics,
    callee: str,
    operation: str,
    transport: str,
) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        outcome = "ok"
        try:
            with tracing.client_span(callee, operation, transport):
                return method(*args, **kwargs)
        except Exception as error:
            # A domain error's code (not_found, service_unavailable, bad_gateway...): a short,
            # fixed list; anything else is "error".
            outcome = str(getattr(error, "code", "error"))
            raise
        finally:
            metrics.observe(outcome, time.perf_counter() - started)

    call.__name__ = operation
    call.__doc__ = method.__doc__
    return call
