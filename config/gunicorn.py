"""gunicorn settings (``gunicorn --config python:config.gunicorn config.wsgi:application``).

Read from the environment through config.env like every other setting. Logs are JSON lines: the
access log carries the request id the service answered with.
"""

from gunicorn.glogging import Logger

from config.env import env
from config.services import KNOWN_SERVICES
from shared.core.logging.gunicorn_access import JsonAccessLogMixin
from shared.core.manifest import process_name
from shared.core.observability.multiprocess import gunicorn_hooks

bind = f"{env.str('HOST', '0.0.0.0')}:{env.int('PORT', 8000, minimum=1)}"
workers = env.int("GUNICORN_WORKERS", 2, minimum=1)
# gthread keeps connections open (sync workers close each one), so the gateway's upstream
# keep-alive works. One thread by default: on 2 cores more threads only contend for the GIL
# (bench/api.py measured it); raise GUNICORN_THREADS for workloads that wait on I/O.
worker_class = "gthread"
threads = env.int("GUNICORN_THREADS", 1, minimum=1)
timeout = env.int("GUNICORN_TIMEOUT", 30, minimum=1)

# Keep-alive and stopping, with the gateway in front (docs/OPERATIONS.md, "Restarts without
# errors"; tests/test_gateway_routes.py checks every relation below against the gateway's config).
# The gateway drops an idle upstream connection after GATEWAY_UPSTREAM_KEEPALIVE seconds
# (keepalive_timeout in its upstream blocks); gunicorn keeps one at least twice as long, so the
# side that sends the requests always closes first and never sends one on a closing connection.
GATEWAY_UPSTREAM_KEEPALIVE = 5
keepalive = env.int("GUNICORN_KEEPALIVE", 30, minimum=2 * GATEWAY_UPSTREAM_KEEPALIVE)
# On SIGTERM a worker drains (post_worker_init below) for at most DRAIN_SECONDS, longer than the
# gateway keeps an idle connection, then stops gracefully; all of it within graceful_timeout.
DRAIN_SECONDS = GATEWAY_UPSTREAM_KEEPALIVE + 2
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", 20, minimum=DRAIN_SECONDS + 5)

# Request heads: explicit limits, looser than the gateway's (gateway/nginx.conf.template: a
# request line or a header line over 4k, or a head over 1k + 4 x 4k, is answered there in the
# envelope), so no head gunicorn would refuse with its own HTML page gets past the gateway.
limit_request_line = 8190  # gunicorn's maximum; the gateway's is 4k
limit_request_field_size = 8190  # one header line; the gateway's is 4k
limit_request_fields = 10000  # the gateway's buffers hold at most 8704 header lines

# Django alone decides whether to believe X-Forwarded-* (TRUST_FORWARDED_HEADERS); gunicorn
# would otherwise take the scheme from any client on the same host.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

_draining = False


def post_worker_init(worker):
    """On SIGTERM, drain first: refuse new connections, finish the open ones, then stop.

    gunicorn alone stops accepting but keeps its listening socket (new connections wait unserved
    in the backlog, then are reset) and soon closes idle kept-alive connections while the gateway
    may be sending on them: a POST lost that way is a 502, never retried. Draining instead closes
    the listening socket at once (a refused connection is retried on another replica: nothing was
    sent), answers every request still arriving on an open connection with "Connection: close",
    and stops once no connection is left, or after DRAIN_SECONDS (the gateway has dropped its idle
    ones by then). Only SIGTERM drains; SIGINT and SIGQUIT still stop at once.
    """
    import signal
    import threading
    import time

    def drain() -> None:  # on the worker's main loop, between two events
        global _draining
        if _draining:
            return
        _draining = True
        worker.set_accept_enabled(False)
        for listener in worker.sockets:
            listener.close()
        worker.sockets = []
        deadline = time.monotonic() + DRAIN_SECONDS

        def stop_when_drained() -> None:
            while worker.nr_conns > 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            worker.handle_exit(signal.SIGTERM, None)

        threading.Thread(target=stop_when_drained, name="drain", daemon=True).start()

    signal.signal(signal.SIGTERM, lambda signum, frame: worker.method_queue.defer(drain))
    signal.siginterrupt(signal.SIGTERM, False)


def pre_request(worker, req):
    worker.log.debug("%s %s", req.method, req.path)
    if _draining:
        req.must_close = True  # answered with "Connection: close", then the connection is closed


# Metrics of every worker, added up at /metrics (docs/OBSERVABILITY.md): prometheus_client's
# multiprocess folder, emptied when gunicorn starts; an exited worker's live gauges are dropped.
on_starting, child_exit = gunicorn_hooks(env.str("PROMETHEUS_MULTIPROC_DIR"))


# The name Django's own lines carry too (config/settings.py SERVICE_NAME).
_service = process_name(env.list("SERVICES", default=KNOWN_SERVICES), KNOWN_SERVICES)


class JsonAccessLogger(JsonAccessLogMixin, Logger):
    """Access lines as records with structured fields, escaped by the JSON formatter.

    A hand-built JSON ``access_log_format`` escapes nothing: a path with a quote, a backslash
    or ``%0a`` would break the line or forge another one.
    """


logger_class = JsonAccessLogger
# One JSON access line per request unless GUNICORN_ACCESS_LOG=false (an ingress in front that
# logs every request already; bench/api.py measures what the line costs).
ACCESS_LOG = env.bool("GUNICORN_ACCESS_LOG", default=True)
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
        "gunicorn.access": {
            "level": "INFO" if ACCESS_LOG else "WARNING",
            "handlers": ["access"],
            "propagate": False,
        },
    },
}
