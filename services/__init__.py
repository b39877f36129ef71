"""The proto-services. Each one is a Django app that owns its own database."""
