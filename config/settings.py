"""Settings for every topology, driven by the environment (see the README's settings table).

``SERVICES`` picks the services this process hosts (default: both, the monolith). Everything
else follows from it: installed apps, databases, URL confs, how service clients reach providers.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from config.env import ConfigurationError, env
from config.local_state import default_database_url, dev_keys_dir, read_dev_key, var_dir
from config.services import KNOWN_SERVICES
from shared.core.authentication.keys import (
    PRIVATE_KEY_FILE,
    PUBLIC_KEY_FILE,
    is_dev_key,
    load_public_key,
    public_pem_from_private,
)
from shared.core.manifest import process_name, service_url_variable

BASE_DIR = Path(__file__).resolve().parent.parent
# Roles come from the manifests, never from a service's name: the service whose app holds the
# user model (Django's own apps are routed with it) and the one that signs tokens.
USERS = next((m for m in KNOWN_SERVICES.values() if m.user_model), None)
TOKEN_ISSUER = next((m for m in KNOWN_SERVICES.values() if m.issues_tokens), None)

# --- Environment and the hosted services -------------------------------------------------------

DJANGO_ENV = env.choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env.bool("DJANGO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ConfigurationError("DJANGO_DEBUG: must be false when DJANGO_ENV=production")

SERVICES = env.list("SERVICES", default=KNOWN_SERVICES)
for _name in SERVICES:
    if _name not in KNOWN_SERVICES:
        raise ConfigurationError(
            f"SERVICES: unknown service {_name!r} (known: {', '.join(KNOWN_SERVICES)})"
        )
if not SERVICES:
    raise ConfigurationError("SERVICES: name at least one service to host")
HOSTED = [KNOWN_SERVICES[name] for name in KNOWN_SERVICES if name in SERVICES]
# In every log line and in /readyz: the one service hosted, or "monolith" when all of several are.
SERVICE_NAME = process_name([m.name for m in HOSTED], KNOWN_SERVICES)

DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"
SECRET_KEY = env.secret(
    "DJANGO_SECRET_KEY", development_default=DEV_SECRET_KEY, production=PRODUCTION
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and "*" in ALLOWED_HOSTS:
    raise ConfigurationError("DJANGO_ALLOWED_HOSTS: '*' is refused when DJANGO_ENV=production")
# Local state: read here, never created (make migrate creates it: config/local_state.py).
VAR_DIR = var_dir()

# --- Apps, middleware, URLs --------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "shared.core",
    *[app for manifest in HOSTED for app in (*manifest.extra_apps, manifest.app)],
]
# simplejwt's TokenUser imports auth models, so auth is installed everywhere; the user model is
# a service's only where that service is hosted.
AUTH_USER_MODEL = next((m.user_model for m in HOSTED if m.user_model), "auth.User")

MIDDLEWARE = [
    "shared.core.observability.middleware.ObservabilityMiddleware",  # metrics, trace context
    "shared.core.middleware.request_id.RequestIdMiddleware",
    "shared.core.middleware.error_envelope.ErrorEnvelopeMiddleware",
    "shared.core.middleware.body_size.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # the Swagger UI page is HTML
]
ROOT_URLCONF = "config.urls"
HOSTED_URLCONFS = [manifest.urlconf for manifest in HOSTED]
WSGI_APPLICATION = "config.wsgi.application"
APPEND_SLASH = False
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Forwarded headers come from a proxy only when one is in front (the gateway topologies say so);
# trusted from a bare monolith, any client could make every link it renders https.
TRUST_FORWARDED_HEADERS = env.bool("TRUST_FORWARDED_HEADERS", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_FORWARDED_HEADERS else None
# `check --deploy` findings that do not apply, each with its reason (docs/adr/0012):
SILENCED_SYSTEM_CHECKS = [
    "security.W003",  # no cookie or session authentication: bearer tokens need no CSRF token
    "security.W004",  # HSTS and the https redirect belong to the TLS terminator in front of
    "security.W008",  # the gateway; these processes only ever see plain HTTP from it
]
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False
STATIC_URL = "/static/"
# collectstatic's target; WhiteNoise also finds app assets
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = True
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Databases: one per service ----------------------------------------------------------------


# Several workers share one SQLite file. A deferred transaction that reads, then writes, fails
# at once with "database is locked" when another worker wrote in between; an immediate one takes
# the write lock at BEGIN and waits for it (up to `timeout` seconds), so writes queue instead.
# WAL lets readers go on while one transaction writes.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL",
}
# Connections are kept between requests (60 s, checked before reuse), SQLite's as PostgreSQL's:
# opening one per request (and setting WAL on it) cost more than the list query itself.
CONN_MAX_AGE_SECONDS = 60


def _database(variable: str, default_url: str) -> dict:
    url = env.str(variable, default_url) or default_url
    try:
        config = dj_database_url.parse(
            url, conn_max_age=CONN_MAX_AGE_SECONDS, conn_health_checks=True
        )
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ConfigurationError(f"{variable}: not a usable database URL ({exc})") from None
    config["TEST"] = {"DEPENDENCIES": []}  # services' databases do not depend on "default"
    if config["ENGINE"].endswith("sqlite3"):
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
    return config


# "default" stays empty on purpose: every query must be routed to a service's own alias.
DATABASES: dict[str, dict] = {"default": {}}
for _manifest in HOSTED:
    DATABASES[_manifest.database_alias] = _database(
        _manifest.database_url_variable,
        default_database_url(VAR_DIR, _manifest.name),
    )
DATABASE_ROUTERS = ["shared.core.db.router.ServiceDatabaseRouter"]
# Django's own apps live with the user model (users), or with the only hosted service.
_FRAMEWORK_ALIAS = USERS.database_alias if USERS in HOSTED else HOSTED[0].database_alias
# A service's extra apps live in its database (their label: the last part of the app's path).
DATABASE_APP_ROUTES = {
    "auth": _FRAMEWORK_ALIAS,
    "contenttypes": _FRAMEWORK_ALIAS,
    **{app.rsplit(".", 1)[-1]: m.database_alias for m in HOSTED for app in m.extra_apps},
    **{manifest.name: manifest.database_alias for manifest in HOSTED},
}
SERVICE_APP_LABELS = [manifest.name for manifest in HOSTED]  # scanned by core's boundary checks
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication: RS256 JWTs; only the service that issues tokens holds the private key -----

ISSUES_TOKENS = TOKEN_ISSUER in HOSTED
_ISSUER_NAME = TOKEN_ISSUER.name if TOKEN_ISSUER else "token-issuing"
JWT_ISSUER = (
    env.str("JWT_ISSUER", TOKEN_ISSUER.name)
    if TOKEN_ISSUER
    else env.required("JWT_ISSUER", "when no known service issues tokens")
)
JWT_AUDIENCE = env.str("JWT_AUDIENCE", "api")
JWT_DEV_KEYS_DIR = dev_keys_dir()
JWT_PRIVATE_KEY = env.file_or_value("JWT_PRIVATE_KEY")
JWT_PUBLIC_KEY = env.file_or_value("JWT_PUBLIC_KEY")

if ISSUES_TOKENS:
    if JWT_PRIVATE_KEY is None:
        if PRODUCTION:
            raise ConfigurationError(
                f"JWT_PRIVATE_KEY: required for the {_ISSUER_NAME} service when "
                "DJANGO_ENV=production (or set JWT_PRIVATE_KEY_FILE)"
            )
        JWT_PRIVATE_KEY = read_dev_key("JWT_PRIVATE_KEY", JWT_DEV_KEYS_DIR / PRIVATE_KEY_FILE)
    if PRODUCTION:
        env.private_file_mode_ok("JWT_PRIVATE_KEY")
        if is_dev_key(JWT_PRIVATE_KEY, JWT_DEV_KEYS_DIR):
            raise ConfigurationError(
                "JWT_PRIVATE_KEY: the generated development key is refused when "
                "DJANGO_ENV=production"
            )
    try:
        _derived_public = public_pem_from_private(JWT_PRIVATE_KEY)
    except (ValueError, TypeError):
        raise ConfigurationError("JWT_PRIVATE_KEY: not a PEM-encoded RSA private key") from None
    JWT_PUBLIC_KEY = JWT_PUBLIC_KEY or _derived_public
elif JWT_PRIVATE_KEY is not None:
    raise ConfigurationError(
        f"JWT_PRIVATE_KEY: only the {_ISSUER_NAME} service may hold the private key"
    )
elif JWT_PUBLIC_KEY is None:
    if PRODUCTION:
        raise ConfigurationError(
            f"JWT_PUBLIC_KEY: required when the {_ISSUER_NAME} service is not hosted here "
            "(or set JWT_PUBLIC_KEY_FILE)"
        )
    JWT_PUBLIC_KEY = read_dev_key("JWT_PUBLIC_KEY", JWT_DEV_KEYS_DIR / PUBLIC_KEY_FILE)
try:
    load_public_key(JWT_PUBLIC_KEY)
except (ValueError, TypeError):
    raise ConfigurationError("JWT_PUBLIC_KEY: not a PEM-encoded RSA public key") from None

SIMPLE_JWT = {
    "ALGORITHM": "RS256",
    "SIGNING_KEY": JWT_PRIVATE_KEY,
    "VERIFYING_KEY": JWT_PUBLIC_KEY,
    "AUDIENCE": JWT_AUDIENCE,
    "ISSUER": JWT_ISSUER,
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=env.int("JWT_ACCESS_TTL_SECONDS", 300, minimum=1)),
    "REFRESH_TOKEN_LIFETIME": timedelta(
        seconds=env.int("JWT_REFRESH_TTL_SECONDS", 86400, minimum=1)
    ),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "USER_ID_FIELD": "uuid",
    "USER_ID_CLAIM": "sub",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "AUTH_TOKEN_CLASSES": ("shared.core.authentication.tokens.AccessToken",),
    "TOKEN_USER_CLASS": "shared.core.authentication.principal.Principal",
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

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
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# --- Service clients: in-process when the provider is hosted here, else HTTP ---------------------

SERVICE_TRANSPORT = env.choice("SERVICE_TRANSPORT", "auto", ("auto", "local", "wsgi", "http"))
DEV_INTERNAL_API_TOKEN = "dev-only-internal-token-never-use-in-production"
INTERNAL_API_TOKEN = env.secret(
    "INTERNAL_API_TOKEN", development_default=DEV_INTERNAL_API_TOKEN, production=PRODUCTION
)
# A test-only fault: users' internal API (/internal/...) answers this many seconds late, beyond
# its consumers' timeouts (tests_e2e/test_faults.py). Refused in production, even when 0.
FAULT_INTERNAL_DELAY_SECONDS = 0.0
if (_delay := env.str("FAULT_INTERNAL_DELAY_SECONDS")) is not None:
    if PRODUCTION:
        raise ConfigurationError(
            "FAULT_INTERNAL_DELAY_SECONDS: a test-only fault, refused when DJANGO_ENV=production"
        )
    try:
        FAULT_INTERNAL_DELAY_SECONDS = float(_delay)
    except ValueError:
        FAULT_INTERNAL_DELAY_SECONDS = -1.0
    if not 0 <= FAULT_INTERNAL_DELAY_SECONDS <= 60:  # NaN and inf fail this too
        raise ConfigurationError(
            f"FAULT_INTERNAL_DELAY_SECONDS: expected seconds from 0 to 60, got {_delay!r}"
        )


def _client_config(name: str, remote: str) -> dict:
    """How to reach provider ``name``; ``remote`` is the HTTP client its contract ships."""
    provider = KNOWN_SERVICES.get(name)  # None where this repository does not hold it
    hosted = provider in HOSTED
    # A forced transport applies to providers in this process; others can only be reached by HTTP.
    transport = (
        "http" if not hosted else ("local" if SERVICE_TRANSPORT == "auto" else SERVICE_TRANSPORT)
    )
    url_variable = service_url_variable(name)
    url = env.str(url_variable)
    if transport == "http" and url is None:
        why = "is not hosted in this process" if not hosted else "is forced to http"
        raise ConfigurationError(f"{url_variable}: required, the {name} service {why}")
    return {
        "transport": transport,
        "local": provider.local_client if hosted else None,
        "remote": remote,
        "url": url,
        "token": INTERNAL_API_TOKEN,
    }


_PROVIDERS = {name: remote for manifest in HOSTED for name, remote in manifest.needs.items()}
SERVICE_CLIENTS = {name: _client_config(name, _PROVIDERS[name]) for name in sorted(_PROVIDERS)}

# --- Integration events (docs/EVENTS.md) ------------------------------------------------------

# local: the outbox is drained in-process after each commit, to the consumers hosted here (the
# monolith). amqp: `manage.py relay_events` publishes to RabbitMQ and `consume_events` consumes.
# auto (the default) is local unless an event published here has a consumer hosted elsewhere:
# delivered locally, it would reach no one and be marked sent all the same.
_REMOTE_CONSUMERS = sorted(
    {
        f"{event} -> {consumer.name}"
        for producer in HOSTED
        for event in producer.produces
        for consumer in KNOWN_SERVICES.values()
        if consumer not in HOSTED and event in consumer.consumes
    }
)
EVENTS_TRANSPORT = env.choice("EVENTS_TRANSPORT", "auto", ("auto", "local", "amqp"))
if EVENTS_TRANSPORT == "auto":
    EVENTS_TRANSPORT = "amqp" if _REMOTE_CONSUMERS else "local"
EVENTS_BROKER_URL = (env.file_or_value("EVENTS_BROKER_URL") or "").strip() or None
if EVENTS_BROKER_URL is not None and not EVENTS_BROKER_URL.startswith(("amqp://", "amqps://")):
    raise ConfigurationError("EVENTS_BROKER_URL: expected an amqp:// or amqps:// URL")
if EVENTS_TRANSPORT == "amqp" and EVENTS_BROKER_URL is None:
    why = (
        f"events have consumers not hosted here ({', '.join(_REMOTE_CONSUMERS)})"
        if _REMOTE_CONSUMERS
        else "EVENTS_TRANSPORT=amqp"
    )
    raise ConfigurationError(
        f"EVENTS_BROKER_URL: required, {why} (or set EVENTS_BROKER_URL_FILE; "
        "EVENTS_TRANSPORT=local drops their events, for one service's tests alone)"
    )
# A test-only fault: the relay dies after the broker confirmed a publish, before it marks the row
# sent (tests_e2e/test_events.py); the row is sent again. Refused in production.
FAULT_RELAY_EXIT_AFTER_PUBLISH = env.bool("FAULT_RELAY_EXIT_AFTER_PUBLISH", default=False)
if PRODUCTION and env.str("FAULT_RELAY_EXIT_AFTER_PUBLISH") is not None:
    raise ConfigurationError(
        "FAULT_RELAY_EXIT_AFTER_PUBLISH: a test-only fault, refused when DJANGO_ENV=production"
    )
EVENTS_MAX_ATTEMPTS = env.int("EVENTS_MAX_ATTEMPTS", 5, minimum=1)
EVENTS_RETENTION_DAYS = env.int("EVENTS_RETENTION_DAYS", 7, minimum=1)
# The relay's sleep after a pass with nothing to send: the lag of an event published while it
# idles (docs/EVENTS.md, Performance). Seconds, a fraction allowed: more than 0, at most 60.
try:
    EVENTS_RELAY_POLL_SECONDS = float(env.str("EVENTS_RELAY_POLL_SECONDS", "0.1") or "0.1")
except ValueError:
    raise ConfigurationError(
        "EVENTS_RELAY_POLL_SECONDS: expected a number of seconds, got "
        f"{env.str('EVENTS_RELAY_POLL_SECONDS')!r}"
    ) from None
if not 0 < EVENTS_RELAY_POLL_SECONDS <= 60:  # also refuses nan
    raise ConfigurationError(
        "EVENTS_RELAY_POLL_SECONDS: must be more than 0 and at most 60, "
        f"got {EVENTS_RELAY_POLL_SECONDS:g}"
    )
# A write's Idempotency-Key is answered from its stored response for this long (ADR 20).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", 24, minimum=1)
EVENTS_OUTBOXES = {
    m.name: {"model": m.outbox_model, "database": m.database_alias}
    for m in HOSTED
    if m.outbox_model
}
EVENTS_CONSUMERS = {
    m.name: {"inbox": m.inbox_model, "database": m.database_alias, "handlers": dict(m.consumes)}
    for m in HOSTED
    if m.consumes
}

# --- OpenAPI -----------------------------------------------------------------------------------

SPECTACULAR_SETTINGS = {
    "TITLE": "Split-ready API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {
        "urls": [
            {"name": manifest.name, "url": f"/api/schema/{manifest.name}/?format=json"}
            for manifest in KNOWN_SERVICES.values()
        ],
    },
}

# --- Observability (docs/OBSERVABILITY.md) ----------------------------------------------------

# Metrics are always on (/metrics). Spans are recorded and exported only when a collector is
# named; the OpenTelemetry SDK reads the other OTEL_* variables (sampler, headers...) itself.
OTEL_EXPORTER_OTLP_ENDPOINT = env.str("OTEL_EXPORTER_OTLP_ENDPOINT") or env.str(
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
)
# The events relay and consumer have no web server: with METRICS_PORT they serve /metrics on it.
METRICS_PORT = env.int("METRICS_PORT", 0, minimum=0)

# --- Logging: one JSON object per line ----------------------------------------------------------

LOG_LEVEL = env.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
# One access line per request; off where the server (gunicorn in the image) writes its own.
ACCESS_LOG = env.bool("DJANGO_ACCESS_LOG", default=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "shared.core.logging.json.RequestContextFilter", "service": SERVICE_NAME}
    },
    "formatters": {"json": {"()": "shared.core.logging.json.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},  # runserver's own access lines; ours are JSON
        "django.request": {"level": "ERROR"},  # 4xx are answered and logged by the access log
        "httpx": {"level": "WARNING"},
        "shared.core.access": {
            "level": "INFO" if ACCESS_LOG else "WARNING"
        },  # service calls are visible in the provider's access log
    },
}
