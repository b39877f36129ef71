"""WSGI entry point (gunicorn ``config.wsgi:application``)."""

import os
import sys

from config.env import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ConfigurationError as error:
    sys.exit(f"configuration error: {error}")
