"""An in-memory EventTransport for tests: a broker with queues, redelivery and dead letters."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.core.events.transport import MessageHandler


@dataclass
class Message:
    event_type: str
    body: bytes
    headers: dict[str, str]
    deliveries: int = 0
    error: str = ""  # the last handler failure, for a dead letter
    failed_at: str = ""

    @property
    def attempts(self) -> int:
        return self.deliveries


@dataclass
class InMemoryTransport:
    """``publish`` keeps every message (``published``) and raises while ``fail_publishes`` > 0.

    ``consume`` hands each published message of the asked types to ``handle`` until it returns
    or was delivered ``max_attempts`` times (then it is in ``dead[queue]``), and returns
    when nothing is left: a broker that does not block.
    """

    published: list[Message] = field(default_factory=list)
    fail_publishes: int = 0
    consumed: dict[str, int] = field(default_factory=dict)  # queue -> messages already taken
    dead: dict[str, list[Message]] = field(default_factory=dict)
    requeued: dict[str, list[Message]] = field(default_factory=dict)  # replayed dead letters

    def publish(self, *, event_type: str, body: bytes, headers: dict[str, str]) -> None:
        if self.fail_publishes > 0:
            self.fail_publishes -= 1
            raise ConnectionError("broker unavailable")
        self.published.append(Message(event_type, body, dict(headers)))

    def consume(
        self,
        *,
        queue: str,
        event_types: list[str],
        handle: MessageHandler,
        max_attempts: int,
    ) -> None:
        start = self.consumed.get(queue, 0)
        pending = self.requeued.pop(queue, [])
        pending += [
            Message(m.event_type, m.body, dict(m.headers))  # each queue gets its own copy
            for m in self.published[start:]
            if m.event_type in event_types
        ]
        self.consumed[queue] = len(self.published)
        for message in pending:
            self._deliver(queue, message, handle, max_attempts)

    def dead_letters(self, queue: str) -> list[Message]:
        return list(self.dead.get(queue, []))

    def replay_dead_letters(self, *, queue: str) -> int:
        letters = self.dead.pop(queue, [])
        for message in letters:
            message.deliveries = 0
        self.requeued.setdefault(queue, []).extend(letters)
        return len(letters)

    def _deliver(
        self, queue: str, message: Message, handle: MessageHandler, max_attempts: int
    ) -> None:
        while True:
            message.deliveries += 1
            try:
                handle(message.body, dict(message.headers))
                return
            except Exception as error:
                if message.deliveries >= max_attempts:
                    message.error = f"{type(error).__name__}: {error}"
                    message.failed_at = datetime.now(UTC).isoformat()
                    self.dead.setdefault(queue, []).append(message)
                    return
