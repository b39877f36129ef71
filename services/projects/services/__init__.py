"""Business logic of the projects service, one module per concern.

``reads`` (who sees which project, the list, one project, owners' names), ``projects`` (create,
update, delete), ``memberships`` (a project's members), ``accounts`` (accounts users deleted),
``event_handlers`` (the events projects consumes). They share the database alias and the outbox
publisher below.
"""

from typing import Final

from services.projects.models import OutboxEvent
from shared.core.events.publisher import Publisher

DB: Final = "projects"
publisher: Final = Publisher(outbox=OutboxEvent, using=DB)
