"""The users service's own implementations of its client Protocol."""
