"""The refresh token class: simplejwt's, signed through the core backend (with ``kid``)."""

from rest_framework_simplejwt.tokens import RefreshToken as SimpleJWTRefreshToken

from shared.core.authentication.tokens import AccessToken, KeyedTokenMixin


class RefreshToken(KeyedTokenMixin, SimpleJWTRefreshToken):
    """Rotates on use and is blacklisted in the users database (token_blacklist app)."""

    access_token_class = AccessToken
