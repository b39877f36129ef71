"""The ``wsgi`` transport: full HTTP calls into this same process, with no socket."""

import httpx
import pytest
from django.core.signals import request_finished, request_started

from shared.core.clients.wsgi import in_process_base_url, in_process_transport


@pytest.fixture
def http() -> httpx.Client:
    with httpx.Client(transport=in_process_transport(), base_url=in_process_base_url()) as client:
        yield client


def test_call_reaches_this_process_through_the_middleware(http):
    response = http.get("/healthz", headers={"X-Request-ID": "in-process-1"})

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["X-Request-ID"] == "in-process-1"


def test_errors_come_back_as_envelopes(http):
    response = http.get("/nowhere")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_streaming_responses_are_delivered_whole(http):
    response = http.get("/plain/streamed")

    assert response.status_code == 200
    assert response.content == b"chunk-1,chunk-2"


def test_call_sends_no_request_signals():
    # request_finished closes the thread's DB connections: the outer request's, here.
    fired = []

    def record(**kwargs):
        fired.append(kwargs["signal"])

    request_started.connect(record)
    request_finished.connect(record)
    try:
        with httpx.Client(transport=in_process_transport(), base_url=in_process_base_url()) as c:
            assert c.get("/healthz").status_code == 200
    finally:
        request_started.disconnect(record)
        request_finished.disconnect(record)

    assert fired == []


def test_the_process_has_one_transport():
    assert in_process_transport() is in_process_transport()


@pytest.mark.parametrize(
    ("allowed_hosts", "base_url"),
    [
        (["testserver"], "http://testserver"),
        (["*", ".example.com", "", "api.internal"], "http://api.internal"),
        (["*"], "http://localhost"),
        ([], "http://localhost"),
    ],
)
def test_base_url_uses_the_first_concrete_allowed_host(settings, allowed_hosts, base_url):
    settings.ALLOWED_HOSTS = allowed_hosts

    assert in_process_base_url() == base_url
