"""Stateless JWT authentication (RS256, verified with the public key only)."""
