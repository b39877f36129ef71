"""What other services may know of the users service: versioned, pure Python (pydantic)."""
