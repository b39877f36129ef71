"""Tools for versioned contracts: the event envelope and JSON Schema snapshots (pure Python)."""
