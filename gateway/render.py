"""Renders the gateway's nginx configuration from the known services (config/services.py).

    python -m gateway.render                       # rewrite gateway/nginx.conf (committed)
    python -m gateway.render --upstream users=127.0.0.1:8001 --upstream projects=127.0.0.1:8002 \\
        --listen 127.0.0.1:8080 --runtime-dir var/split-local/nginx --output FILE

One upstream per known service, its address a placeholder, @<NAME>_UPSTREAM@
(@USERS_UPSTREAM@); the committed gateway/nginx.conf keeps those, @LISTEN@ and @RUNTIME_DIR@.
The gateway image fills them in when it starts (entrypoint.sh, from <NAME>_UPSTREAM variables),
split-local here. Nothing else differs between the topologies.
"""

import argparse
import json
from pathlib import Path

from config.services import BLOCKED_PREFIXES, KNOWN_SERVICES, public_routes, rate_limited_paths

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx.conf.template"
COMMITTED = HERE / "nginx.conf"

MAX_BODY_BYTES = 1024 * 1024  # client_max_body_size 1m, as DATA_UPLOAD_MAX_MEMORY_SIZE

# The gateway's own errors, in the API's envelope (docs/ARCHITECTURE.md section 5): nginx status ->
# (code, message). Each is answered by an internal location, reached with `error_page <status>
# <uri>`: a URI, not a named location, because nginx cannot redirect to a named location while
# the request line is unparsed (a bad or over-long request line gave its own HTML 500 then).
GATEWAY_ERRORS = {
    400: ("validation_error", "The request is malformed."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    408: ("validation_error", "The request took too long to arrive."),
    411: ("validation_error", "A Content-Length header is required."),
    414: ("validation_error", "The request URI is too long."),
    494: ("validation_error", "The request headers are too large or too many."),
    413: ("payload_too_large", f"The request body is larger than {MAX_BODY_BYTES} bytes."),
    429: ("throttled", "Too many requests."),
    500: ("internal_error", "The gateway failed."),
    502: ("bad_gateway", "The service behind the gateway failed."),
    503: ("service_unavailable", "The service behind the gateway is unavailable."),
    504: ("gateway_timeout", "The service behind the gateway did not answer in time."),
}
# The same details the services give (shared/core/middleware/body_size.py).
ERROR_DETAILS = {413: {"max_bytes": MAX_BODY_BYTES}}
# nginx's internal 494 ("request header too large") goes out as the standard 431.
ANSWERED_AS = {494: 431}
ERROR_URI = "/_gateway/errors/"
INDENT = " " * 8


def _location(modifier: str, path: str, body: list[str]) -> str:
    head = f"{INDENT}location {modifier} {path} {{" if modifier else f"{INDENT}location {path} {{"
    lines = [head, *[f"{INDENT}    {line}" for line in body]]
    return "\n".join([*lines, f"{INDENT}}}"])


def slashless_paths() -> list[str]:
    """Every proxied location path ending in "/", without that slash.

    nginx answers a URI equal to such a location minus its slash with a 301 to the slashed one;
    the services answer 404 (APPEND_SLASH is off). An exact location returning 404 for each keeps
    the topologies alike: no redirect anywhere.
    """
    proxied = [*rate_limited_paths(), *(prefix for prefix, _ in public_routes())]
    return sorted({path.rstrip("/") for path in proxied if path.endswith("/")})


def _proxy(service: str) -> list[str]:
    return [f"proxy_pass http://{service};"]


def upstream_placeholder(service: str) -> str:
    return f"{service.upper()}_UPSTREAM"


def render_upstreams() -> str:
    blocks = [
        f"    upstream {name} {{\n"
        f"        server @{upstream_placeholder(name)}@ max_fails=1 fail_timeout=2s;\n"
        "        keepalive 16;\n"
        "        keepalive_timeout 5s;\n"
        "    }"
        for name in KNOWN_SERVICES
    ]
    return "\n\n".join(blocks)


def render_routes() -> str:
    blocks = [_location("^~", prefix, ["return 404;"]) for prefix in BLOCKED_PREFIXES]
    blocks += [_location("=", path, ["return 404;"]) for path in slashless_paths()]
    service_of = dict(public_routes())
    for path in rate_limited_paths():
        upstream = next(service for prefix, service in public_routes() if path.startswith(prefix))
        body = ["limit_req zone=auth burst=20 nodelay;", *_proxy(upstream)]
        blocks.append(_location("=", path, body))
    for prefix, service in public_routes():
        assert service_of[prefix] == service
        blocks.append(_location("^~", prefix, _proxy(service)))
    return "\n\n".join(blocks)


def _answer(status: int) -> str:
    """error_page's "=code" when the status sent differs from nginx's own (else nginx keeps it)."""
    return f"={ANSWERED_AS[status]} " if status in ANSWERED_AS else ""


def render_errors() -> str:
    pages = [
        f"{INDENT}error_page {status} {_answer(status)}{ERROR_URI}{status};"
        for status in GATEWAY_ERRORS
    ]
    handlers = []
    for status, (code, message) in GATEWAY_ERRORS.items():
        details = ERROR_DETAILS.get(status, {})
        envelope = json.dumps(
            {
                "error": {
                    "code": code,
                    "message": message,
                    "details": details,
                    "request_id": "$req_id",
                }
            }
        )
        body = [
            "internal;",
            "default_type application/json;",
            "add_header X-Request-ID $req_id always;",
            f"return {ANSWERED_AS.get(status, status)} '{envelope}';",
        ]
        handlers.append(_location("=", f"{ERROR_URI}{status}", body))
    return "\n".join(pages) + "\n\n" + "\n\n".join(handlers)


def render(**placeholders: str) -> str:
    text = TEMPLATE.read_text().replace("@UPSTREAMS@", render_upstreams())
    text = text.replace("@ROUTES@", render_routes())
    text = text.replace("@ERRORS@", render_errors())
    for name, value in placeholders.items():
        text = text.replace(f"@{name.upper()}@", value)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description="Render the gateway's nginx.conf")
    parser.add_argument(
        "--upstream",
        action="append",
        default=[],
        metavar="SERVICE=HOST:PORT",
        help="a known service's address (repeat for each)",
    )
    parser.add_argument("--listen")
    parser.add_argument("--runtime-dir")
    parser.add_argument("--output", type=Path, default=COMMITTED)
    args = parser.parse_args()
    values = {"listen": args.listen, "runtime_dir": args.runtime_dir}
    for upstream in args.upstream:
        service, _, address = upstream.partition("=")
        if service not in KNOWN_SERVICES or not address:
            parser.error(f"--upstream {upstream}: expected SERVICE=HOST:PORT, SERVICE known")
        values[upstream_placeholder(service)] = address
    args.output.write_text(render(**{k: v for k, v in values.items() if v}))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
