"""The resilient HTTP base every remote service client is built on.

One pooled ``httpx.Client`` per provider per process; connect and read timeouts bounded by a
per-call deadline (and by the inbound request's deadline, when it sent one); retries with
exponential backoff and jitter for idempotent methods only, never on 4xx; a circuit breaker per
provider (pybreaker). Every failure becomes a typed domain error:

- connection error, timeout, 5xx, open breaker -> ``ServiceUnavailableError``
- 404 -> ``NotFoundError``; any other 4xx, or a body that breaks the contract -> ``UpstreamError``
"""

import math
import threading
import time
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pybreaker
import pydantic
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from shared.kit.context import current_request_id, deadline_var, write_outgoing_headers
from shared.kit.errors import NotFoundError, ServiceUnavailableError, UpstreamError

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)

# Retried after a failure, even one that reached the provider. A write (POST, PATCH, DELETE) is
# sent once: the provider may have done it already.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT"})
REQUEST_ID_HEADER = "X-Request-ID"
DEADLINE_HEADER = "X-Request-Deadline"  # absolute, in Unix seconds


@dataclass(frozen=True)
class ClientPolicy:
    connect_timeout: float = 1.0
    read_timeout: float = 2.0
    # Total time one call may take, retries included: a read timeout and one shorter retry. It
    # leaves a caller, under load, well inside the 5 s in which a degraded answer is due.
    budget: float = 3.0
    attempts: int = 3  # for idempotent methods; others get exactly one
    backoff_multiplier: float = 0.05
    backoff_max: float = 0.5
    breaker_fail_max: int = 5
    breaker_reset_timeout: float = 5.0


class _DeadlineExceeded(Exception):
    """The caller's time is up: not the provider's fault, so neither retried nor counted."""


class _Unavailable(Exception):
    """A failure of the provider, not of the request: worth a retry; counts for the breaker."""


_RETRIED = retry_if_exception_type(_Unavailable)


_pools: dict[tuple[str, str, int], httpx.Client] = {}
_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_lock = threading.Lock()


def pooled_client(
    service: str, base_url: str, transport: httpx.BaseTransport | None, policy: ClientPolicy
) -> httpx.Client:
    """The process's one keep-alive connection pool for this provider."""
    key = (service, base_url, id(transport))
    with _lock:
        client = _pools.get(key)
        if client is None:
            client = _pools[key] = httpx.Client(
                base_url=base_url,
                transport=transport,
                timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
                # Idle connections go well before the provider's server would drop them
                # (gunicorn keeps them 30 s and drains 7 s when stopping): the side that sends
                # closes first, so no request is sent on a connection being closed.
                limits=httpx.Limits(max_keepalive_connections=20, keepalive_expiry=5),
            )
        return client


def circuit_breaker(service: str, policy: ClientPolicy) -> pybreaker.CircuitBreaker:
    with _lock:
        breaker = _breakers.get(service)
        if breaker is None:
            breaker = _breakers[service] = pybreaker.CircuitBreaker(
                fail_max=policy.breaker_fail_max,
                reset_timeout=policy.breaker_reset_timeout,
                name=service,
            )
        return breaker


def reset_clients() -> None:
    """Close pools and forget breakers (tests, or after a fork)."""
    with _lock:
        for client in _pools.values():
            client.close()
        _pools.clear()
        _breakers.clear()


class ResilientHttpClient:
    """Base class of a provider's HTTP client; subclasses add the typed contract methods."""

    def __init__(
        self,
        *,
        service: str,
        base_url: str,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        policy: ClientPolicy | None = None,
    ):
        self.service = service
        self.policy = policy or ClientPolicy()
        self._token = token
        self._http = pooled_client(service, base_url, transport, self.policy)
        self._breaker = circuit_breaker(service, self.policy)
        # Built once, not per call: what each call needs besides its own deadline and URL.
        self._base_url = str(self._http.base_url).rstrip("/") + "/"  # "http://host" has no "/"
        self._stop_after = {
            attempts: stop_after_attempt(attempts) for attempts in {1, self.policy.attempts}
        }
        self._wait = wait_random_exponential(
            multiplier=self.policy.backoff_multiplier, max=self.policy.backoff_max
        )

    def get_model(self, path: str, model: type[ModelT], *, params: Any = None) -> ModelT:
        """GET ``path`` and validate the body against a contract model."""
        response = self.request("GET", path, params=params)
        try:
            return model.model_validate_json(response.content)
        except pydantic.ValidationError as error:
            raise UpstreamError(
                f"The {self.service} service answered outside its contract.",
                details={"errors": error.errors(include_url=False, include_context=False)},
            ) from None

    def request(
        self, method: str, path: str, *, params: Any = None, **kwargs: Any
    ) -> httpx.Response:
        deadline = self._deadline()
        url = self._url(path, params)
        attempts = self.policy.attempts if method.upper() in IDEMPOTENT_METHODS else 1
        retrying = Retrying(
            stop=self._stop_after[attempts], wait=self._wait, retry=_RETRIED, reraise=True
        )
        try:
            for attempt in retrying:
                with attempt:
                    if deadline <= time.time():
                        raise _DeadlineExceeded("deadline exceeded")
                    response = self._breaker.call(self._send, method, url, deadline, **kwargs)
        except (_Unavailable, _DeadlineExceeded, pybreaker.CircuitBreakerError) as error:
            raise ServiceUnavailableError(
                f"The {self.service} service is unavailable.", details={"reason": str(error)}
            ) from None
        return self._checked(response)

    def _url(self, path: str, params: Any) -> httpx.URL:
        """The absolute URL of one call, parsed once (not per attempt).

        Given a relative path and ``params``, httpx would parse the URL three times per attempt
        (the path, the merge with the base URL, the query added): a tenth of a small call.
        """
        query = f"{'&' if '?' in path else '?'}{httpx.QueryParams(params)}" if params else ""
        return httpx.URL(f"{self._base_url}{path.lstrip('/')}{query}")

    def _send(self, method: str, url: httpx.URL, deadline: float, **kwargs: Any) -> httpx.Response:
        remaining = max(deadline - time.time(), 0.001)
        timeout = httpx.Timeout(
            min(self.policy.read_timeout, remaining),
            connect=min(self.policy.connect_timeout, remaining),
        )
        try:
            response = self._http.request(
                method, url, headers=self._headers(deadline), timeout=timeout, **kwargs
            )
        except httpx.TimeoutException:
            raise _Unavailable("timeout") from None
        except httpx.TransportError as error:
            raise _Unavailable(type(error).__name__) from None
        if response.status_code >= 500:
            raise _Unavailable(f"HTTP {response.status_code}")
        return response

    def _checked(self, response: httpx.Response) -> httpx.Response:
        if response.status_code == 404:
            raise NotFoundError(_error_message(response) or "Not found.")
        if response.status_code >= 400:
            raise UpstreamError(
                f"The {self.service} service refused the call (HTTP {response.status_code}).",
                details={"upstream_status": response.status_code},
            )
        return response

    def _deadline(self) -> float:
        own = time.time() + self.policy.budget
        inbound = deadline_var.get()
        return min(own, inbound) if inbound else own

    def _headers(self, deadline: float) -> dict[str, str]:
        # In milliseconds, rounded down: the provider is never told it has longer than we wait.
        sent_deadline = math.floor(deadline * 1000) / 1000
        headers = {DEADLINE_HEADER: f"{sent_deadline:.3f}", "Accept": "application/json"}
        if request_id := current_request_id():
            headers[REQUEST_ID_HEADER] = request_id
        if self._token:
            headers["Authorization"] = f"Service {self._token}"
        write_outgoing_headers(headers)  # the trace context, when core registered it
        return headers


def _error_message(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return None
