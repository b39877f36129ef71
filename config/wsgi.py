"""WSGI entry point (gunicorn ``config.wsgi:application``)."""

import os
import sys

from config.env import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

try:
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    from shared.core.middleware.chunked_body import ChunkedBodyMiddleware

    application = ChunkedBodyMiddleware(
        get_wsgi_application(), max_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
except ConfigurationError as error:
    sys.exit(f"configuration error: {error}")
