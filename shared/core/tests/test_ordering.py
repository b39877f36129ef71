"""``ordered``: the same order on every backend, NULLs last, text by code point."""

import datetime
import uuid

import pytest
from django.db import connections
from django.db.models import F, OrderBy
from django.db.models.functions import Collate

from shared.core.db.ordering import ordered
from shared.core.tests.testapp.models import Widget

pytestmark = pytest.mark.django_db(databases=["testapp"])


@pytest.fixture
def dated_widgets():
    for name, due in [
        ("none-1", None),
        ("march", datetime.date(2030, 3, 1)),
        ("none-2", None),
        ("january", datetime.date(2030, 1, 1)),
        ("february", datetime.date(2030, 2, 1)),
    ]:
        Widget.objects.create(name=name, due_date=due, owner_uuid=uuid.uuid4())


def names(*order_by) -> list[str]:
    return list(Widget.objects.order_by(*order_by, "id").values_list("name", flat=True))


def test_ascending_puts_nulls_last(dated_widgets):
    assert names(ordered("due_date", using="testapp")) == [
        "january",
        "february",
        "march",
        "none-1",
        "none-2",
    ]


def test_descending_puts_nulls_last_too(dated_widgets):
    assert names(ordered("due_date", descending=True, using="testapp")) == [
        "march",
        "february",
        "january",
        "none-1",
        "none-2",
    ]


def test_text_is_ordered_by_code_point():
    for name in ["b", "é", "B", "a", "Z", "ä"]:
        Widget.objects.create(name=name, owner_uuid=uuid.uuid4())

    assert names(ordered("name", text=True, using="testapp")) == ["B", "Z", "a", "b", "ä", "é"]
    assert names(ordered("name", text=True, descending=True, using="testapp")) == [
        "é",
        "ä",
        "b",
        "a",
        "Z",
        "B",
    ]


def test_text_on_postgresql_uses_the_c_collation(monkeypatch):
    # No PostgreSQL server here: check the expression that would be sent to one.
    monkeypatch.setattr(connections["testapp"], "vendor", "postgresql")

    expression = ordered("name", text=True, using="testapp")

    assert expression == OrderBy(Collate(F("name"), "C"), nulls_last=True)


def test_non_text_on_postgresql_is_not_collated(monkeypatch):
    monkeypatch.setattr(connections["testapp"], "vendor", "postgresql")

    assert ordered("due_date", using="testapp") == OrderBy(F("due_date"), nulls_last=True)
