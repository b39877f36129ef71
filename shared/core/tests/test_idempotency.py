"""Idempotency keys (shared.core.idempotency): a write sent again with its key is applied once."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import OperationalError, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shared.core.idempotency.store import prune
from shared.core.idempotency.views import fingerprint, key_problem
from shared.core.testing import assert_error_envelope
from shared.core.tests.testapp.models import IdempotentRequest, OutboxEvent, Widget

URL = "/idempotent/widgets/"
pytestmark = pytest.mark.django_db(databases=["testapp"])


def post(client, name: str, key: str | None = "key-1", **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(URL, {"name": name}, content_type="application/json", headers=headers)


def test_a_repeated_write_is_answered_again_byte_for_byte_without_running_again(client):
    first = post(client, "anvil")
    again = post(client, "anvil")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Widget.objects.count() == 1
    assert OutboxEvent.objects.count() == 1  # the replay published nothing


def test_another_key_is_another_write(client):
    post(client, "anvil", key="key-1")
    post(client, "anvil", key="key-2")
    assert Widget.objects.count() == 2
    assert IdempotentRequest.objects.count() == 2


def test_no_key_is_not_recorded(client):
    post(client, "anvil", key=None)
    post(client, "anvil", key=None)
    assert Widget.objects.count() == 2
    assert not IdempotentRequest.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"name": "hammer"},  # another body
        {"Authorization": "Bearer someone-else"},  # another caller
        {"path": URL + "?dry=1"},  # another query
    ],
)
def test_the_same_key_on_another_request_is_422_and_changes_nothing(client, change):
    post(client, "anvil", Authorization="Bearer me")
    headers = {"Idempotency-Key": "key-1", "Authorization": "Bearer me"}
    if "Authorization" in change:
        headers["Authorization"] = change["Authorization"]
    response = client.post(
        change.get("path", URL),
        {"name": change.get("name", "anvil")},
        content_type="application/json",
        headers=headers,
    )
    assert_error_envelope(response, 422, "idempotency_key_reused")
    assert Widget.objects.count() == 1
    assert OutboxEvent.objects.count() == 1


def test_a_key_used_for_a_post_is_not_a_delete(client):
    post(client, "anvil")
    response = client.delete(URL, headers={"Idempotency-Key": "key-1"})
    assert_error_envelope(response, 422, "idempotency_key_reused")
    assert Widget.objects.count() == 1


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "The key must not be empty."),
        ("k" * 256, "The key must be at most 255 characters."),
        ("caf\u00e9", "The key must be printable ASCII."),
        ("tab\there", "The key must be printable ASCII."),
    ],
)
def test_a_malformed_key_is_400_under_the_header_name(client, key, message):
    response = post(client, "anvil", key=key)
    error = assert_error_envelope(response, 400, "validation_error")
    assert error["details"] == {"Idempotency-Key": [message]}
    assert not Widget.objects.exists()


def test_the_longest_printable_key_is_accepted():
    assert key_problem("k" * 255) is None
    assert key_problem(" !~") is None


def test_a_5xx_is_rolled_back_with_its_key_so_a_retry_runs_again(client):
    assert post(client, "fail").status_code == 500
    assert not Widget.objects.exists()  # the view's write went with the key
    assert not OutboxEvent.objects.exists()
    assert not IdempotentRequest.objects.exists()
    assert post(client, "fail").status_code == 500  # ran again, not answered from a row


def test_a_database_that_is_down_is_503_as_without_a_key(client, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("shared.core.idempotency.views.claim", down)
    assert_error_envelope(post(client, "anvil"), 503, "service_unavailable")
    assert not Widget.objects.exists()


def test_a_401_is_not_kept(client):
    assert post(client, "stranger").status_code == 401
    assert not IdempotentRequest.objects.exists()


def test_a_4xx_raised_by_the_view_is_kept_and_answered_again(client):
    first = post(client, "taken")
    assert_error_envelope(first, 409, "conflict")
    again = post(client, "taken")
    assert again.content == first.content
    assert again.status_code == 409
    assert again["Idempotent-Replayed"] == "true"
    assert not Widget.objects.exists()  # the savepoint's writes were undone, once


def test_a_204_is_answered_again_without_a_body_or_content_type(client):
    first = client.delete(URL, headers={"Idempotency-Key": "gone"})
    again = client.delete(URL, headers={"Idempotency-Key": "gone"})
    assert first.status_code == again.status_code == 204
    assert again.content == first.content == b""
    assert "Content-Type" not in again
    assert again["Idempotent-Replayed"] == "true"


def test_safe_methods_ignore_the_header(client):
    with CaptureQueriesContext(connections["testapp"]) as queries:
        response = client.get(URL, headers={"Idempotency-Key": ""})
    assert response.status_code == 200
    assert json.loads(response.content) == {"widgets": 0}
    assert len(queries) == 1  # the view's own count, nothing else
    assert not IdempotentRequest.objects.exists()


def test_an_expired_key_is_a_new_key(client, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    post(client, "anvil")
    IdempotentRequest.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    again = post(client, "hammer")  # another request, same key: fine once the key expired
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert json.loads(again.content)["name"] == "hammer"
    assert Widget.objects.count() == 2
    [row] = IdempotentRequest.objects.all()
    assert row.status_code == 201
    assert timezone.now() - row.created_at < dt.timedelta(minutes=1)


def test_prune_deletes_expired_keys_only(client):
    post(client, "old", key="old")
    post(client, "new", key="new")
    IdempotentRequest.objects.filter(key="old").update(
        created_at=timezone.now() - dt.timedelta(hours=24, seconds=1)
    )
    assert prune() == {"testapp.IdempotentRequest": 1}
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]


def test_the_prune_command(client, capsys):
    post(client, "old", key="old")
    IdempotentRequest.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    call_command("prune_idempotency_keys")
    assert "testapp.IdempotentRequest: 1 expired key(s) deleted" in capsys.readouterr().out
    assert not IdempotentRequest.objects.exists()


def test_the_fingerprint_separates_its_parts(rf):
    one = rf.post("/a", data=b"bc", content_type="application/json")
    two = rf.post("/ab", data=b"c", content_type="application/json")
    assert fingerprint(one) != fingerprint(two)
    assert fingerprint(one) == fingerprint(rf.post("/a", data=b"bc", content_type="text/plain"))
