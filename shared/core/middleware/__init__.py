"""Middleware: request ids and access logs, body size limit, the envelope for Django's errors."""
