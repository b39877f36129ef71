"""DRF's JSON renderer, which sends JSON a view rendered already (pydantic-core) as it is."""

from typing import Any

from rest_framework import renderers


class RenderedJSON(bytes):
    """A response body that is JSON already: ``Response(RenderedJSON(...))``."""


class JSONRenderer(renderers.JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, RenderedJSON):
            return bytes(data)
        return super().render(data, accepted_media_type, renderer_context)
