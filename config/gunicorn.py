"""gunicorn settings (``gunicorn --config python:config.gunicorn config.wsgi:application``).

Read from the environment through config.env like every other setting. Logs are JSON lines: the
access log carries the request id the service answered with.
"""

from gunicorn.glogging import Logger

from config.env import env
from shared.core.logging.gunicorn_access import JsonAccessLogMixin

bind = f"{env.str('HOST', '0.0.0.0')}:{env.int('PORT', 8000, minimum=1)}"
workers = env.int("GUNICORN_WORKERS", 2, minimum=1)
# gthread keeps connections open (sync workers close each one), so the gateway's upstream
# keep-alive works. One thread by default: on 2 cores more threads only contend for the GIL
# (bench/api.py measured it); raise GUNICORN_THREADS for workloads that wait on I/O.
worker_class = "gthread"
threads = env.int("GUNICORN_THREADS", 1, minimum=1)
timeout = env.int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", 20, minimum=1)
keepalive = env.int("GUNICORN_KEEPALIVE", 30, minimum=1)  # the gateway keeps connections open
_hosted = env.list("SERVICES", default=["users", "projects"])
_service = "monolith" if set(_hosted) >= {"users", "projects"} else "+".join(_hosted)


class JsonAccessLogger(JsonAccessLogMixin, Logger):
    """Access lines as records with structured fields, escaped by the JSON formatter.

    A hand-built JSON ``access_log_format`` escapes nothing: a path with a quote, a backslash
    or ``%0a`` would break the line or forge another one.
    """


logger_class = JsonAccessLogger
accesslog = "-"  # on stdout, through the "access" handler below (logconfig_dict replaces it)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "shared.core.logging.json.JsonFormatter"},
    },
    "filters": {
        "context": {"()": "shared.core.logging.json.RequestContextFilter", "service": _service}
    },
    "handlers": {
        "error": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["context"],
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}
