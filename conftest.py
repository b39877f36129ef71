"""Root test configuration shared by every suite."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # PBKDF2 costs ~0.2 s per hash on this machine; tests do not need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_service_clients():
    """No test sees another's built or overridden service clients."""
    from shared.core.clients import clients

    clients.reset()
    yield
    clients.reset()
