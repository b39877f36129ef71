"""The Django project: env-driven settings and URL composition of the hosted services."""
