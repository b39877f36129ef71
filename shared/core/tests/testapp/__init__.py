"""A throw-away Django app whose models exercise the core's base models in tests."""
