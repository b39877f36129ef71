"""What a transport is handed to publish; no Django here, so the AMQP transport stands alone."""

from typing import NamedTuple


class Outgoing(NamedTuple):
    """One message for ``PublishesBatches.publish_many``: what ``publish`` takes."""

    event_type: str
    body: bytes
    headers: dict[str, str]
