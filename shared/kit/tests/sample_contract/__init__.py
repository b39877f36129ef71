"""A tiny contract package for the snapshot tool's own tests."""
