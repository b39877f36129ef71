"""HTTP layer of the users service."""
