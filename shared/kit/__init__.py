"""What a contract distribution needs from us, in pure Python: error codes and domain errors,
request context, the event envelope, the resilient HTTP client base and schema snapshots.

No Django here (import-linter checks it): a consumer that installs only a provider's contract
gets this package and pydantic, httpx, tenacity and pybreaker, nothing else.
"""
