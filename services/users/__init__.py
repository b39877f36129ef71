"""The users service: accounts, credentials and the JWTs every other service trusts."""
