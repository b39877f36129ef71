"""``@transactional`` (atomic on one alias) and ``@cached`` (memoised in Django's cache)."""

import time
import uuid

import pytest
from django.core.cache import cache
from django.db import transaction

from shared.core.tests.testapp.models import Widget
from shared.core.utils.decorators import cached, transactional


class Boom(Exception):
    pass


@transactional(using="testapp")
def create_two_widgets(*, fail: bool) -> None:
    Widget.objects.create(name="first", owner_uuid=uuid.uuid4())
    Widget.objects.create(name="second", owner_uuid=uuid.uuid4())
    if fail:
        raise Boom


@transactional(using="default")
def create_widgets_in_the_wrong_transaction() -> None:
    Widget.objects.create(name="outside", owner_uuid=uuid.uuid4())
    raise Boom


# --- @transactional ----------------------------------------------------------------------------


@pytest.mark.django_db(databases=["default", "testapp"])
def test_transactional_rolls_back_every_write_on_exception():
    with pytest.raises(Boom):
        create_two_widgets(fail=True)

    assert Widget.all_objects.count() == 0


@pytest.mark.django_db(databases=["default", "testapp"])
def test_transaction_on_another_alias_does_not_cover_the_writes():
    # Why ``using`` matters: the widgets live on "testapp", so atomic("default") keeps them.
    with pytest.raises(Boom):
        create_widgets_in_the_wrong_transaction()

    assert Widget.all_objects.count() == 1


@pytest.mark.django_db(databases=["default", "testapp"], transaction=True)
def test_transactional_commits_when_the_function_returns():
    create_two_widgets(fail=False)

    assert not transaction.get_connection("testapp").in_atomic_block
    assert sorted(Widget.objects.values_list("name", flat=True)) == ["first", "second"]


@pytest.mark.django_db(databases=["default", "testapp"], transaction=True)
def test_transactional_runs_the_function_inside_an_atomic_block():
    @transactional(using="testapp")
    def in_atomic_block() -> tuple[bool, bool]:
        return (
            transaction.get_connection("testapp").in_atomic_block,
            transaction.get_connection("default").in_atomic_block,
        )

    assert in_atomic_block() == (True, False)


def test_transactional_keeps_the_function_name():
    assert create_two_widgets.__name__ == "create_two_widgets"


# --- @cached -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


class Counter:
    """A function to memoise that numbers its results and records its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

        def count(*args, **kwargs):
            self.calls.append((args, kwargs))
            return f"result {len(self.calls)}"

        self.function = count


@pytest.fixture
def counter() -> Counter:
    return Counter()


def test_cached_calls_the_function_once_for_equal_arguments(counter):
    lookup = cached()(counter.function)

    assert lookup("a", size=1) == "result 1"
    assert lookup("a", size=1) == "result 1"
    assert len(counter.calls) == 1


def test_cached_treats_keyword_order_as_equal(counter):
    lookup = cached()(counter.function)

    lookup(a=1, b=2)
    lookup(b=2, a=1)

    assert len(counter.calls) == 1


def test_cached_calls_again_for_different_arguments(counter):
    lookup = cached()(counter.function)

    assert lookup("a") == "result 1"
    assert lookup("b") == "result 2"
    assert lookup(uuid.UUID(int=1)) == "result 3"
    assert len(counter.calls) == 3


def test_cached_calls_again_after_invalidate(counter):
    lookup = cached()(counter.function)
    lookup("a")
    lookup("b")

    lookup.invalidate("a")

    assert lookup("a") == "result 3"
    assert lookup("b") == "result 2"


def test_cached_remembers_a_none_result():
    calls = []

    @cached()
    def find(name: str) -> None:
        calls.append(name)

    find("missing")
    find("missing")

    assert calls == ["missing"]


def test_cached_functions_do_not_share_entries():
    @cached()
    def first(value: int) -> str:
        return f"first {value}"

    @cached()
    def second(value: int) -> str:
        return f"second {value}"

    assert first(1) == "first 1"
    assert second(1) == "second 1"


def test_cached_with_a_key_prefix_shares_entries_across_functions():
    @cached(key_prefix="users.summary")
    def old(value: int) -> str:
        return "old"

    @cached(key_prefix="users.summary")
    def new(value: int) -> str:
        return "new"

    assert old(1) == "old"
    assert new(1) == "old"


def test_cached_entry_expires_after_its_timeout(counter):
    lookup = cached(timeout=0.05)(counter.function)
    lookup("a")

    time.sleep(0.1)

    assert lookup("a") == "result 2"
