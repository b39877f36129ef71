"""Idempotency keys: a write sent twice with one ``Idempotency-Key`` is applied once (ADR 20)."""
