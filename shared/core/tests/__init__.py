"""The core's own test suite: runs with no service installed (see settings.py)."""
