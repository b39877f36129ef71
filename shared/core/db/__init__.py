"""Database per service: the router and ordering helpers that behave alike on every backend."""
