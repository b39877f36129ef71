"""What other services may know of the projects service: versioned, pure Python (pydantic)."""
