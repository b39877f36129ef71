"""BaseService lookups: the object by its public uuid, or a NotFoundError."""

import uuid

import pytest

from shared.core.services import BaseService
from shared.core.tests.testapp.models import Widget
from shared.kit.errors import NotFoundError

pytestmark = pytest.mark.django_db(databases=["testapp"])


class WidgetService(BaseService[Widget]):
    model = Widget
    not_found_message = "Widget not found."


def test_get_by_uuid_returns_the_object(make_widget):
    widget = make_widget()

    assert WidgetService().get_by_uuid(widget.uuid) == widget
    assert WidgetService().get_by_uuid(str(widget.uuid)) == widget


def test_unknown_uuid_is_not_found(make_widget):
    make_widget()

    with pytest.raises(NotFoundError, match=r"^Widget not found\.$"):
        WidgetService().get_by_uuid(uuid.uuid4())


@pytest.mark.parametrize("malformed", ["not-a-uuid", "", "1234", "../etc/passwd", 42])
def test_malformed_uuid_is_not_found(malformed):
    with pytest.raises(NotFoundError):
        WidgetService().get_by_uuid(malformed)


def test_soft_deleted_object_is_not_found(make_widget):
    widget = make_widget()
    widget.delete()

    with pytest.raises(NotFoundError):
        WidgetService().get_by_uuid(widget.uuid)


def test_lookup_in_a_given_queryset(make_widget):
    widget = make_widget()
    widget.delete()

    found = WidgetService().get_by_uuid(widget.uuid, queryset=Widget.all_objects.all())

    assert found == widget


def test_not_found_error_carries_the_not_found_code():
    with pytest.raises(NotFoundError) as raised:
        BaseServiceWithDefaults().get_by_uuid(uuid.uuid4())

    assert raised.value.code == "not_found"
    assert raised.value.message == "Not found."


class BaseServiceWithDefaults(BaseService[Widget]):
    model = Widget
