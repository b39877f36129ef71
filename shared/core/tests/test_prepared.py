"""``PreparedQuery``: compiled once per shape, the same rows as the ORM for every value bound."""

import datetime
import uuid

import pytest
from django.db import connections, models
from django.db.models import QuerySet

from shared.core.db.prepared import PreparedQuery, _marker
from shared.core.tests.testapp.models import Widget

pytestmark = pytest.mark.django_db(databases=["testapp"])
COLUMNS = ("uuid", "name", "due_date", "owner_uuid", "created_at")
OWNER_FIELD = Widget._meta.get_field("owner_uuid")
NAME_FIELD = Widget._meta.get_field("name")


def owned(shape: tuple, *, owner_uuid: uuid.UUID, name: str | None = None) -> QuerySet:
    ordering, window = shape
    widgets = Widget.objects.filter(owner_uuid=owner_uuid)
    if name is not None:
        widgets = widgets.filter(name=name)
    rows = widgets.order_by(ordering, "id").values(*COLUMNS)
    return rows if window is None else rows[window[0] : window[1]]


@pytest.fixture
def query() -> PreparedQuery:
    return PreparedQuery(owned, bind={"owner_uuid": OWNER_FIELD, "name": NAME_FIELD})


@pytest.fixture
def owners() -> list[uuid.UUID]:
    owners = [uuid.uuid4(), uuid.uuid4()]
    for index in range(5):
        for owner in owners:
            Widget.objects.create(
                name=f"w{index}", owner_uuid=owner, due_date=datetime.date(2030, 1, index + 1)
            )
    return owners


def orm_rows(owner_uuid: uuid.UUID, **filters: object) -> list[dict]:
    return list(owned(("-due_date", None), owner_uuid=owner_uuid, **filters))


def test_rows_equal_the_orms_for_each_value_bound(query, owners):
    for owner in owners:
        rows = query.rows(using="testapp", shape=("-due_date", None), owner_uuid=owner)
        assert rows == orm_rows(owner)
        assert len(rows) == 5
        assert isinstance(rows[0]["uuid"], uuid.UUID)  # Django's converters ran
        assert rows[0]["created_at"].tzinfo is not None


def test_each_shape_is_compiled_once(query, owners, django_assert_num_queries):
    shape = ("name", (1, 3))
    first = query.rows(using="testapp", shape=shape, owner_uuid=owners[0])
    with django_assert_num_queries(1, connection=connections["testapp"]):
        second = query.rows(using="testapp", shape=shape, owner_uuid=owners[1])
    assert [row["name"] for row in first] == [row["name"] for row in second] == ["w1", "w2"]
    assert {row["owner_uuid"] for row in second} == {owners[1]}
    assert len(query._compiled) == 1


def test_the_names_a_call_binds_are_part_of_its_shape(query, owners):
    shape = ("name", None)
    assert len(query.rows(using="testapp", shape=shape, owner_uuid=owners[0])) == 5
    named = query.rows(using="testapp", shape=shape, owner_uuid=owners[0], name="w3")
    assert named == orm_rows(owners[0], name="w3")
    assert query.count(using="testapp", shape=shape, owner_uuid=owners[1], name="w3") == 1


def test_count_ignores_the_ordering(query, owners):
    Widget.objects.create(name="extra", owner_uuid=owners[0])
    assert query.count(using="testapp", shape=("-due_date", None), owner_uuid=owners[0]) == 6
    assert query.count(using="testapp", shape=("name", None), owner_uuid=uuid.uuid4()) == 0


def test_an_empty_slice_runs_no_query(query, owners, django_assert_num_queries):
    with django_assert_num_queries(0, connection=connections["testapp"]):
        assert query.rows(using="testapp", shape=("name", (0, 0)), owner_uuid=owners[0]) == []


def test_a_malformed_value_is_refused_like_the_orm_refuses_it(query):
    with pytest.raises(Exception, match="UUID") as refused:
        query.rows(using="testapp", shape=("name", None), owner_uuid="not-a-uuid")
    with pytest.raises(type(refused.value)):
        list(Widget.objects.filter(owner_uuid="not-a-uuid"))


def test_a_value_the_lookup_rewrites_cannot_be_bound():
    contains = PreparedQuery(
        lambda shape, *, name: Widget.objects.filter(name__contains=name).values("name"),
        bind={"name": NAME_FIELD},
    )
    with pytest.raises(ValueError, match="name: not compared for equality"):
        contains.rows(using="testapp", name="w")


def test_a_list_binds_each_item_and_its_length_is_part_of_the_shape(owners):
    by_uuid = PreparedQuery(
        lambda shape, *, uuids: Widget.objects.filter(uuid__in=uuids).values("name"),
        bind={"uuids": Widget._meta.get_field("uuid")},
    )
    widgets = list(Widget.objects.order_by("id"))
    for picked in (widgets[:1], widgets[2:5], widgets[5:8]):
        rows = by_uuid.rows(using="testapp", uuids=[widget.uuid for widget in picked])
        assert sorted(row["name"] for row in rows) == sorted(w.name for w in picked)
    assert len(by_uuid._compiled) == 2  # one item, three items


@pytest.mark.parametrize("field", [models.PositiveSmallIntegerField(), models.SmallIntegerField()])
def test_an_integer_marker_is_within_the_columns_range(field):
    """Out of range, Django would prove the query empty (PostgreSQL's smallint, say)."""
    connection = connections["testapp"]
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    for _ in range(100):
        assert low <= _marker(field, connection) <= high
