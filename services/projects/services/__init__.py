"""Business logic of the projects service."""
