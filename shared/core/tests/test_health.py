"""The probes: ``/healthz`` says the process is alive, ``/readyz`` that its dependencies are."""

import pytest
from django.db import OperationalError, connections

from shared.core.tests.assertions import assert_error

ALL_DATABASES = ["default", "testapp"]


def test_healthz_says_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_needs_no_database(client):
    # No django_db mark: any query would fail the test.
    assert client.get("/healthz").status_code == 200


def test_probes_answer_only_get(client):
    response = client.post("/healthz")

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


@pytest.mark.django_db(databases=ALL_DATABASES)
def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database:default": "ok", "database:testapp": "ok", "keys": "ok"},
    }


@pytest.mark.django_db(databases=ALL_DATABASES)
def test_readyz_names_the_process_as_its_logs_do(client, settings):
    settings.SERVICE_NAME = "users"

    body = client.get("/readyz").json()

    assert (body["status"], body["service"]) == ("ok", "users")


@pytest.mark.django_db(databases=ALL_DATABASES)
@pytest.mark.parametrize("verifying_key", ["not a pem", None, ""])
def test_readyz_is_503_when_the_verifying_key_is_unusable(client, settings, verifying_key):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "VERIFYING_KEY": verifying_key}

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["keys"].startswith("error: ")
    assert body["checks"]["database:testapp"] == "ok"


@pytest.mark.django_db(databases=ALL_DATABASES)
def test_readyz_is_503_when_a_database_cannot_be_reached(client, monkeypatch):
    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["testapp"], "cursor", unreachable)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database:default": "ok",
        "database:testapp": "error: OperationalError",
        "keys": "ok",
    }


@pytest.mark.django_db(databases=ALL_DATABASES)
def test_readyz_skips_databases_that_are_not_configured(client, settings):
    # Only the checks read the extra aliases; Django's connections never see them.
    with pytest.warns(UserWarning, match="DATABASES"):
        settings.DATABASES = {
            **settings.DATABASES,
            "unconfigured": {},
            "placeholder": {"ENGINE": "django.db.backends.dummy"},
        }

    response = client.get("/readyz")

    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database:default", "database:testapp", "keys"}
