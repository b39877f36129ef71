"""A write endpoint behind ``idempotent``: it makes a widget and publishes an event.

The name picks the outcome: ``fail`` writes, then answers 500; ``taken`` is a 409 raised from a
savepoint; ``stranger`` a 401; anything else 201 with the widget. DELETE answers 204, no body.
"""

import uuid

from django.db import transaction
from rest_framework import exceptions as drf
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared.core.idempotency.views import idempotent
from shared.core.tests.events_helpers import DB, publisher, widget_event
from shared.core.tests.testapp.models import IdempotentRequest, Widget
from shared.kit.errors import ConflictError


class WidgetWriteView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"widgets": Widget.objects.count()})

    def post(self, request: Request) -> Response:
        name = request.data["name"]
        if name == "stranger":
            raise drf.NotAuthenticated()
        with transaction.atomic(using=DB):
            widget = Widget.objects.create(name=name, owner_uuid=uuid.uuid4())
            publisher.publish(widget_event(name))
            if name == "taken":
                raise ConflictError("Taken.")
        if name == "fail":
            return Response({"error": "failed after writing"}, status=500)
        return Response({"uuid": str(widget.uuid), "name": widget.name}, status=201)

    def delete(self, request: Request) -> Response:
        Widget.objects.all().delete()
        return Response(status=204)


widgets = idempotent(WidgetWriteView.as_view(), model=IdempotentRequest)
