"""gunicorn settings (``gunicorn --config python:config.gunicorn config.wsgi:application``).

Read from the environment through config.env like every other setting. Logs are JSON lines: the
access log carries the request id the service answered with.
"""

from config.env import env

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

accesslog = "-"
access_log_format = (
    '{"time": "%(t)s", "level": "INFO", "logger": "gunicorn.access", '
    f'"service": "{_service}", '
    '"request_id": "%({x-request-id}o)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "duration_ms": %(M)s}'
)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "shared.core.logging.json.JsonFormatter"},
        "raw": {"format": "%(message)s"},
    },
    "filters": {
        "context": {"()": "shared.core.logging.json.RequestContextFilter", "service": _service}
    },
    "handlers": {
        "error": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "raw",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}
