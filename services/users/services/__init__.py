"""Business logic of the users service."""
