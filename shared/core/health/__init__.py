"""Liveness (``/healthz``) and readiness (``/readyz``) endpoints."""
