"""Minimal settings for the core's own tests: the core alone, no service, no ``config`` package.

Two databases mirror the project's database-per-service layout: Django's own apps on
``default`` and the test app on its own ``testapp`` alias, reached through the core's router.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url

from shared.core.authentication.keys import generate_rsa_keypair

SECRET_KEY = "core-tests-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "shared.core",
    "shared.core.tests.testapp",
]
MIDDLEWARE = [
    "shared.core.observability.middleware.ObservabilityMiddleware",
    "shared.core.middleware.request_id.RequestIdMiddleware",
    "shared.core.middleware.error_envelope.ErrorEnvelopeMiddleware",
    "shared.core.middleware.body_size.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "shared.core.tests.urls"
APPEND_SLASH = False
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
    # Independent of "default", so a test may ask for this alias alone.
    "testapp": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "TEST": {"DEPENDENCIES": []},
    },
}
# `python -m tests.with_postgres` runs this suite on PostgreSQL too (one database per alias).
if _postgres := os.environ.get("CORE_TEST_DATABASE_URL"):
    for _alias, _config in DATABASES.items():
        _config.update(dj_database_url.parse(f"{_postgres}_{_alias}"))
DATABASE_ROUTERS = ["shared.core.db.router.ServiceDatabaseRouter"]
DATABASE_APP_ROUTES = {"auth": "default", "contenttypes": "default", "testapp": "testapp"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A fresh key pair per run; the dev-keys folder exists only for the helpers that fall back to it.
_keys_dir = tempfile.TemporaryDirectory(prefix="core-tests-keys-")
JWT_DEV_KEYS_DIR = Path(_keys_dir.name)
JWT_PRIVATE_KEY, JWT_PUBLIC_KEY = generate_rsa_keypair()
SIMPLE_JWT = {
    "ALGORITHM": "RS256",
    "SIGNING_KEY": JWT_PRIVATE_KEY,
    "VERIFYING_KEY": JWT_PUBLIC_KEY,
    "AUDIENCE": "api",
    "ISSUER": "users",
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "UPDATE_LAST_LOGIN": False,
    "USER_ID_FIELD": "uuid",
    "USER_ID_CLAIM": "sub",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "AUTH_TOKEN_CLASSES": ("shared.core.authentication.tokens.AccessToken",),
    "TOKEN_USER_CLASS": "shared.core.authentication.principal.Principal",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shared.core.authentication.authentication.StatelessJWTAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["shared.core.utils.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["shared.core.utils.parsers.SafeJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "shared.core.utils.negotiation.LenientContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "shared.core.utils.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "shared.core.exceptions.handler.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SERVICE_CLIENTS: dict[str, dict] = {}
INTERNAL_API_TOKEN = "core-tests-internal-token"
SERVICE_APP_LABELS = ["testapp"]

# Integration events: the test app produces through its outbox and consumes through its inbox.
EVENTS_TRANSPORT = "local"
EVENTS_MAX_ATTEMPTS = 3
EVENTS_RETENTION_DAYS = 7
EVENTS_OUTBOXES = {"testapp": {"model": "testapp.OutboxEvent", "database": "testapp"}}
EVENTS_CONSUMERS = {
    "testapp": {
        "inbox": "testapp.InboxEvent",
        "database": "testapp",
        "handlers": {
            "widget.ordered": "shared.core.tests.testapp.handlers.make_widget",
            "widget.broken": "shared.core.tests.testapp.handlers.fail",
        },
    }
}
