"""Assertions shared by the tests that check the error envelope."""

from shared.core.testing import assert_error_envelope as assert_error

__all__ = ["assert_error"]
