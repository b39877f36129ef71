"""StandardPagination over HTTP: page size 20 by default, at most 100, bad pages are 404."""

import uuid

import pytest

from shared.core.tests.assertions import assert_error
from shared.core.tests.testapp.models import Widget

pytestmark = pytest.mark.django_db(databases=["testapp"])


@pytest.fixture
def widgets():
    def create(count: int) -> None:
        Widget.objects.bulk_create(
            Widget(name=f"w{index:03}", owner_uuid=uuid.uuid4()) for index in range(count)
        )

    return create


def test_default_page_holds_20_items(client, widgets):
    widgets(25)

    body = client.get("/widgets/").json()

    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["next"] == "http://testserver/widgets/?page=2"
    assert body["previous"] is None


def test_last_page_holds_the_rest(client, widgets):
    widgets(25)

    body = client.get("/widgets/", {"page": 2}).json()

    assert [item["name"] for item in body["results"]] == [f"w{index:03}" for index in range(20, 25)]
    assert body["next"] is None


def test_page_size_is_taken_from_the_query(client, widgets):
    widgets(12)

    assert len(client.get("/widgets/", {"page_size": 5}).json()["results"]) == 5


def test_page_size_above_100_is_clamped_to_100(client, widgets):
    widgets(105)

    body = client.get("/widgets/", {"page_size": 500}).json()

    assert len(body["results"]) == 100
    assert body["count"] == 105


@pytest.mark.parametrize("page_size", ["abc", "0", "-3"])
def test_unusable_page_size_falls_back_to_the_default(client, widgets, page_size):
    widgets(25)

    assert len(client.get("/widgets/", {"page_size": page_size}).json()["results"]) == 20


@pytest.mark.parametrize("page", ["abc", "0", "3", "last"])
def test_invalid_or_past_the_end_page_is_a_404_envelope(client, widgets, page):
    widgets(25)

    assert_error(client.get("/widgets/", {"page": page}), 404, "not_found")


def test_empty_list_has_one_empty_page(client):
    body = client.get("/widgets/").json()

    assert body == {"count": 0, "next": None, "previous": None, "results": []}
