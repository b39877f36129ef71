"""Small shared helpers: validators, decorators, pagination."""
