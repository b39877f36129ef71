"""Reusable Django core for proto-services (Django app label ``core``)."""

__version__ = "0.1.0"
