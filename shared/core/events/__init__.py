"""Integration events: a transactional outbox per producer, a relay, an idempotent inbox."""
