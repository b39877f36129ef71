"""ResilientHttpClient: timeouts, retries, the breaker and error mapping, over a mock network."""

import time

import httpx
import pydantic
import pytest

from shared.kit import context
from shared.kit.context import deadline_var, request_id_var
from shared.kit.errors import NotFoundError, ServiceUnavailableError, UpstreamError
from shared.kit.http import (
    DEADLINE_HEADER,
    ClientPolicy,
    ResilientHttpClient,
    reset_clients,
)

FAST = ClientPolicy(backoff_multiplier=0.001, backoff_max=0.002, breaker_reset_timeout=0.2)


class Greeting(pydantic.BaseModel):
    text: str


class Recorder:
    """A mock server: answers from a list of (status, body) or exceptions, records requests."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        return httpx.Response(status, json=body)


@pytest.fixture(autouse=True)
def _fresh_pools_and_breakers():
    reset_clients()
    yield
    reset_clients()


def client_for(recorder: Recorder, policy: ClientPolicy = FAST) -> ResilientHttpClient:
    return ResilientHttpClient(
        service="greeter",
        base_url="http://greeter",
        token="s3cret",
        transport=httpx.MockTransport(recorder),
        policy=policy,
    )


def test_a_valid_answer_is_validated_into_the_contract_model():
    recorder = Recorder((200, {"text": "hi"}))
    assert client_for(recorder).get_model("/hello", Greeting) == Greeting(text="hi")


def test_request_id_service_credential_and_deadline_are_sent():
    recorder = Recorder((200, {"text": "hi"}))
    token = request_id_var.set("req-42")
    try:
        client_for(recorder).get_model("/hello", Greeting)
    finally:
        request_id_var.reset(token)
    headers = recorder.requests[0].headers
    assert headers["X-Request-ID"] == "req-42"
    assert headers["Authorization"] == "Service s3cret"
    assert 0 < float(headers[DEADLINE_HEADER]) - time.time() <= FAST.budget


def test_an_inbound_deadline_bounds_the_call():
    recorder = Recorder((200, {"text": "hi"}))
    token = deadline_var.set(time.time() + 0.5)
    try:
        client_for(recorder).get_model("/hello", Greeting)
    finally:
        deadline_var.reset(token)
    assert float(recorder.requests[0].headers[DEADLINE_HEADER]) - time.time() <= 0.5


def test_the_deadline_sent_is_never_later_than_the_callers():
    recorder = Recorder((200, {"text": "hi"}))
    inbound = int(time.time()) + 2.9996  # "...2.9996" would round up to "...3.000"
    token = deadline_var.set(inbound)
    try:
        client_for(recorder).get_model("/hello", Greeting)
    finally:
        deadline_var.reset(token)
    assert recorder.requests[0].headers[DEADLINE_HEADER] == f"{int(inbound)}.999"


def test_an_expired_inbound_deadline_fails_without_calling():
    recorder = Recorder((200, {"text": "hi"}))
    token = deadline_var.set(time.time() - 1)
    try:
        with pytest.raises(ServiceUnavailableError):
            client_for(recorder).get_model("/hello", Greeting)
    finally:
        deadline_var.reset(token)
    assert recorder.requests == []


def test_idempotent_calls_are_retried_after_5xx_and_connection_errors():
    recorder = Recorder(
        (503, {}), httpx.ConnectError("refused"), (200, {"text": "third time lucky"})
    )
    assert client_for(recorder).get_model("/hello", Greeting).text == "third time lucky"
    assert len(recorder.requests) == 3


def test_retries_stop_after_the_policy_attempts():
    recorder = Recorder((500, {}))
    with pytest.raises(ServiceUnavailableError):
        client_for(recorder).get_model("/hello", Greeting)
    assert len(recorder.requests) == FAST.attempts


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_writes_are_never_retried(method):
    recorder = Recorder((502, {}))
    with pytest.raises(ServiceUnavailableError):
        client_for(recorder).request(method, "/hello", json={})
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    ("status", "error"), [(404, NotFoundError), (400, UpstreamError), (401, UpstreamError)]
)
def test_4xx_are_mapped_and_never_retried(status, error):
    recorder = Recorder((status, {"error": {"message": "nope"}}))
    with pytest.raises(error):
        client_for(recorder).get_model("/hello", Greeting)
    assert len(recorder.requests) == 1


def test_not_found_keeps_the_providers_message():
    recorder = Recorder((404, {"error": {"message": "User not found."}}))
    with pytest.raises(NotFoundError, match=r"User not found\."):
        client_for(recorder).get_model("/hello", Greeting)


def test_a_body_outside_the_contract_is_an_upstream_error():
    recorder = Recorder((200, {"unexpected": True}))
    with pytest.raises(UpstreamError) as error:
        client_for(recorder).get_model("/hello", Greeting)
    assert error.value.details["errors"]


def test_timeouts_are_unavailability():
    recorder = Recorder(httpx.ReadTimeout("slow"))
    with pytest.raises(ServiceUnavailableError):
        client_for(recorder).get_model("/hello", Greeting)


def test_the_breaker_opens_fails_fast_and_recovers():
    policy = ClientPolicy(
        attempts=1, breaker_fail_max=2, breaker_reset_timeout=0.2, backoff_multiplier=0.001
    )
    recorder = Recorder(httpx.ConnectError("down"))
    client = client_for(recorder, policy)
    for _ in range(2):
        with pytest.raises(ServiceUnavailableError):
            client.get_model("/hello", Greeting)
    calls_when_opened = len(recorder.requests)

    with pytest.raises(ServiceUnavailableError):
        client.get_model("/hello", Greeting)
    assert len(recorder.requests) == calls_when_opened  # open: no call made

    time.sleep(0.25)
    recorder.answers = [(200, {"text": "back"})]
    assert client.get_model("/hello", Greeting).text == "back"


def test_one_pool_per_provider_per_process():
    recorder = Recorder((200, {"text": "hi"}))
    transport = httpx.MockTransport(recorder)
    first = ResilientHttpClient(service="greeter", base_url="http://g", transport=transport)
    second = ResilientHttpClient(service="greeter", base_url="http://g", transport=transport)
    assert first._http is second._http


def test_a_404_without_an_envelope_is_plain_not_found():
    transport = httpx.MockTransport(lambda request: httpx.Response(404, text="<h1>nope</h1>"))
    client = ResilientHttpClient(service="greeter", base_url="http://g", transport=transport)
    with pytest.raises(NotFoundError, match=r"^Not found\.$"):
        client.get_model("/hello", Greeting)


def test_without_token_or_request_id_neither_header_is_sent():
    recorder = Recorder((200, {"text": "hi"}))
    client = ResilientHttpClient(
        service="greeter", base_url="http://g", transport=httpx.MockTransport(recorder)
    )
    client.get_model("/hello", Greeting)
    [sent] = recorder.requests
    assert "Authorization" not in sent.headers
    assert "X-Request-ID" not in sent.headers


@pytest.mark.parametrize(
    ("base_url", "expected_path"),
    [
        ("http://g", "http://g/hello"),
        ("http://g/", "http://g/hello"),
        ("http://gateway/users", "http://gateway/users/hello"),
        ("http://gateway/users/", "http://gateway/users/hello"),
    ],
)
def test_the_path_joins_the_base_url_and_params_are_encoded(base_url, expected_path):
    recorder = Recorder((200, {"text": "hi"}))
    client = ResilientHttpClient(
        service="greeter", base_url=base_url, transport=httpx.MockTransport(recorder)
    )
    client.get_model("/hello", Greeting, params=[("q", "a b&c"), ("q", "é"), ("n", "1")])
    [sent] = recorder.requests
    # httpx writes a space as "+" or "%20" depending on its version: both decode alike.
    assert str(sent.url.copy_with(query=None)) == expected_path
    assert "%26" in sent.url.query.decode()
    assert "%C3%A9" in sent.url.query.decode()
    assert sent.url.params.multi_items() == [("q", "a b&c"), ("q", "é"), ("n", "1")]


def test_params_are_added_to_a_query_already_in_the_path():
    recorder = Recorder((200, {"text": "hi"}))
    client_for(recorder).get_model("/hello?id=1&id=2", Greeting, params={"id": "3"})
    [sent] = recorder.requests
    assert str(sent.url) == "http://greeter/hello?id=1&id=2&id=3"


def test_registered_context_writers_add_their_headers_to_every_call(monkeypatch):
    def write_trace(headers):
        headers["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    monkeypatch.setattr(context, "outgoing_header_writers", [write_trace])
    recorder = Recorder((200, {"text": "hi"}))
    client = ResilientHttpClient(
        service="greeter", base_url="http://g", transport=httpx.MockTransport(recorder)
    )
    client.get_model("/hello", Greeting)
    [sent] = recorder.requests
    assert sent.headers["traceparent"].startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
