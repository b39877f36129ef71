"""HTTP layer of the projects service."""
