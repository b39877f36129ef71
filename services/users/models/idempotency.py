"""The users service's answered writes (Idempotency-Key), in its own database."""

from shared.core.idempotency.models import IdempotentRequestBase


class IdempotentRequest(IdempotentRequestBase):
    class Meta(IdempotentRequestBase.Meta):
        pass
