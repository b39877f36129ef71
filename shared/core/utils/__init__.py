"""Small shared helpers: validators, pagination, content negotiation, OpenAPI."""
