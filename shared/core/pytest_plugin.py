"""The pytest plugin of every suite built on core (``-p shared.core.pytest_plugin``).

Each distribution names it in its own pytest configuration, so a service's suite runs the same
inside this repository and in a repository of its own.
"""

from collections.abc import Iterator

import pytest


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # PBKDF2 costs ~0.2 s per hash; tests need a hasher, not its cost (a suite of accounts went
    # from 8 s to 300 s without this line).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_service_clients() -> Iterator[None]:
    """No test sees another's built or overridden service clients."""
    from shared.core.clients import clients

    clients.reset()
    yield
    clients.reset()
