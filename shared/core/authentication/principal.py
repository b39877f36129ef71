"""The stateless principal: who a verified access token speaks for, with no database lookup."""

from functools import cached_property
from uuid import UUID

from rest_framework_simplejwt.models import TokenUser


class Principal(TokenUser):
    """A user known only from a verified token: ``uuid`` is its ``sub`` claim."""

    @cached_property
    def uuid(self) -> UUID:
        return UUID(str(self.token["sub"]))
