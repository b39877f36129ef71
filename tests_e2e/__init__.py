"""End-to-end tests against running topologies (split-local, compose via testcontainers)."""
