"""Service decorators: ``@transactional`` (atomic on one alias) and ``@cached`` (Django's cache)."""

import functools
import hashlib
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.core.cache import caches
from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")

_MISSING = object()


def transactional(*, using: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the function in ``transaction.atomic(using=...)``: one service, one database alias."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with transaction.atomic(using=using):
                return func(*args, **kwargs)

        return wrapper

    return decorate


def cached(
    *, timeout: float | None = 60, key_prefix: str | None = None, cache_alias: str = "default"
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Memoise a function's result in Django's cache, keyed by its name and arguments.

    Arguments must have stable ``repr`` values (strings, numbers, UUIDs, tuples of them).
    ``wrapper.invalidate(*args, **kwargs)`` drops one entry.
    """

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        prefix = key_prefix or f"{func.__module__}.{func.__qualname__}"

        def make_key(*args: Any, **kwargs: Any) -> str:
            raw = repr((args, sorted(kwargs.items())))
            return f"cached:{prefix}:{hashlib.sha256(raw.encode()).hexdigest()}"

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            cache = caches[cache_alias]
            key = make_key(*args, **kwargs)
            value = cache.get(key, _MISSING)
            if value is _MISSING:
                value = func(*args, **kwargs)
                cache.set(key, value, timeout)
            return value  # type: ignore[return-value]

        def invalidate(*args: Any, **kwargs: Any) -> None:
            caches[cache_alias].delete(make_key(*args, **kwargs))

        wrapper.invalidate = invalidate  # type: ignore[attr-defined]
        return wrapper

    return decorate
