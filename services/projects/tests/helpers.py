"""Helpers shared by the projects tests: the DB marker and the error envelope assertion."""

import pytest

from shared.core.testing import assert_error_envelope as assert_error

# Only the projects database: a query to any other database (users') fails the test.
projects_db = pytest.mark.django_db(databases=["projects"])

__all__ = ["assert_error", "projects_db"]
