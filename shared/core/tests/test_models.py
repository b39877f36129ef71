"""UUIDModel, TimestampedModel, SoftDeleteMixin and OwnedMixin, through a concrete test model."""

import uuid

import pytest
from django.db import IntegrityError, models
from django.forms import modelform_factory

from shared.core.tests.testapp.models import Widget

pytestmark = pytest.mark.django_db(databases=["testapp"])


# --- UUIDModel ---------------------------------------------------------------------------------


def test_new_row_gets_a_random_uuid(make_widget):
    first, second = make_widget(), make_widget()

    assert isinstance(first.uuid, uuid.UUID)
    assert first.uuid != second.uuid
    assert Widget.objects.get(uuid=first.uuid).pk == first.pk


def test_two_rows_cannot_share_a_uuid(make_widget):
    existing = make_widget()

    with pytest.raises(IntegrityError):
        make_widget(uuid=existing.uuid)


def test_uuid_is_not_editable_through_forms():
    form_class = modelform_factory(Widget, fields="__all__")

    assert "uuid" not in form_class.base_fields
    assert "name" in form_class.base_fields


# --- TimestampedModel --------------------------------------------------------------------------


def test_created_at_is_set_on_insert(make_widget):
    widget = make_widget()

    assert widget.created_at is not None
    assert widget.created_at.tzinfo is not None


def test_updated_at_moves_on_save_and_created_at_does_not(make_widget):
    widget = make_widget()
    created_at, updated_at = widget.created_at, widget.updated_at

    widget.name = "renamed"
    widget.save()
    widget.refresh_from_db()

    assert widget.updated_at > updated_at
    assert widget.created_at == created_at


# --- SoftDeleteMixin ---------------------------------------------------------------------------


def test_soft_deleted_rows_are_hidden_from_default_manager(make_widget):
    kept, deleted = make_widget(name="kept"), make_widget(name="deleted")

    deleted.delete()

    assert list(Widget.objects.all()) == [kept]
    assert Widget._default_manager.filter(pk=deleted.pk).exists() is False


def test_all_objects_sees_soft_deleted_rows(make_widget):
    kept, deleted = make_widget(), make_widget()

    deleted.delete()

    assert set(Widget.all_objects.all()) == {kept, deleted}


def test_instance_delete_marks_the_row_instead_of_removing_it(make_widget):
    widget = make_widget()
    assert widget.deleted_at is None

    result = widget.delete()

    assert result == (1, {"testapp.Widget": 1})
    assert widget.deleted_at is not None
    stored = Widget.all_objects.get(pk=widget.pk)
    assert stored.deleted_at is not None


def test_queryset_delete_is_soft(make_widget):
    first, second, other = make_widget(name="a"), make_widget(name="a"), make_widget(name="b")

    count, per_model = Widget.objects.filter(name="a").delete()

    assert (count, per_model) == (2, {"testapp.Widget": 2})
    assert list(Widget.objects.all()) == [other]
    deleted = Widget.all_objects.filter(pk__in=[first.pk, second.pk], deleted_at__isnull=False)
    assert deleted.count() == 2


# --- OwnedMixin --------------------------------------------------------------------------------


def test_owner_uuid_is_a_plain_uuid_field_not_a_relation():
    field = Widget._meta.get_field("owner_uuid")

    assert isinstance(field, models.UUIDField)
    assert not field.is_relation
