"""JSON log lines that carry the service name, request id and acting user."""
