"""One routing table: the gateway's nginx config and the services' URL confs agree with it.

Also the gateway's edges: no redirects, its own errors in the envelope, head limits tighter than
gunicorn's, keep-alive, and writes replayed on another replica with their Idempotency-Key.
"""

import json
import logging
import os
import re
import signal
import stat
import subprocess
import threading
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from config.services import (
    BLOCKED_PREFIXES,
    DOCS_PREFIXES,
    KNOWN_SERVICES,
    docs_service,
    public_routes,
    rate_limited_paths,
)
from gateway.render import COMMITTED, GATEWAY_ERRORS, render
from shared.core.testing import assert_error_envelope

ROOT = Path(__file__).resolve().parent.parent


def _paths(urlconf: str) -> list[str]:
    """Every URL pattern of a URL conf as a path ("/api/projects/<str:project_uuid>/")."""

    def walk(patterns, prefix: str) -> list[str]:
        paths = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                paths += walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                paths.append("/" + prefix + str(pattern.pattern))
        return paths

    return walk(get_resolver(urlconf).url_patterns, "")


def test_the_committed_gateway_config_is_rendered_from_the_routing_table():
    assert COMMITTED.read_text() == render(), "run: python -m gateway.render"


def test_every_public_path_of_a_service_is_routed_to_it():
    routes = public_routes()
    for name, manifest in KNOWN_SERVICES.items():
        for path in [*_paths(manifest.urlconf), f"/api/schema/{name}/"]:
            if path.startswith("/internal/"):
                continue
            owner = next((service for prefix, service in routes if path.startswith(prefix)), None)
            assert owner == name, f"{path} is routed to {owner}, not {name}"


def test_every_route_leads_to_an_endpoint_of_its_service():
    for prefix, service in public_routes():
        if prefix in DOCS_PREFIXES:
            continue
        paths = [*_paths(KNOWN_SERVICES[service].urlconf), f"/api/schema/{service}/"]
        assert any(path.startswith(prefix) for path in paths), f"{prefix} leads nowhere"


def test_docs_and_static_assets_go_to_a_service_that_serves_them():
    root_paths = _paths(settings.ROOT_URLCONF)
    assert "/api/docs/" in root_paths
    assert settings.STATIC_URL == "/static/"
    assert KNOWN_SERVICES[docs_service()].serves_docs


def test_internal_paths_are_blocked_and_never_routed():
    routed = [prefix for prefix, _ in public_routes()]
    assert not any(prefix.startswith(BLOCKED_PREFIXES) for prefix in routed)
    config = COMMITTED.read_text()
    for prefix in BLOCKED_PREFIXES:
        assert f"location ^~ {prefix} {{\n            return 404;" in config


def test_rate_limits_apply_to_login_and_registration():
    config = COMMITTED.read_text()
    assert rate_limited_paths() == ["/api/auth/token/", "/api/auth/register/"]
    for path in rate_limited_paths():
        assert f"location = {path} {{\n            limit_req zone=auth burst=20 nodelay;" in config


def test_render_command_fills_in_a_topologys_addresses(tmp_path, capsys, monkeypatch):
    from gateway import render as renderer

    output = tmp_path / "nginx.conf"
    monkeypatch.setattr(
        "sys.argv",
        [
            "render",
            "--upstream",
            "users=127.0.0.1:9001",
            "--upstream",
            "projects=127.0.0.1:9002",
            "--listen",
            "127.0.0.1:9000",
            "--runtime-dir",
            str(tmp_path),
            "--output",
            str(output),
        ],
    )
    renderer.main()
    text = output.read_text()
    assert "server 127.0.0.1:9001 max_fails=1 fail_timeout=2s;" in text
    assert "server 127.0.0.1:9002 max_fails=1 fail_timeout=2s;" in text
    assert "listen 127.0.0.1:9000;" in text
    assert "@" + "RUNTIME_DIR@" not in text
    assert f"wrote {output}" in capsys.readouterr().out


def test_render_command_refuses_an_upstream_of_no_known_service(monkeypatch):
    from gateway import render as renderer

    monkeypatch.setattr("sys.argv", ["render", "--upstream", "billing=127.0.0.1:9009"])
    with pytest.raises(SystemExit):
        renderer.main()


# -- No redirects: every public path without its trailing slash is a 404, in every topology ---


def public_paths_without_their_slash() -> list[str]:
    """Every route of the routing table and every public URL pattern, without its trailing slash.

    Path parameters become a uuid. tests_e2e/test_gateway_edges.py walks the same list through
    the gateway of split-local and compose.
    """
    patterns = [path for m in KNOWN_SERVICES.values() for path in _paths(m.urlconf)]
    paths = [*(prefix for prefix, _ in public_routes()), *rate_limited_paths(), *patterns]
    some_uuid = str(uuid.UUID(int=1))
    slashless = {
        re.sub(r"<[^>]+>", some_uuid, path).rstrip("/")
        for path in paths
        if path.endswith("/") and not path.startswith(BLOCKED_PREFIXES)
    }
    return sorted(slashless)


def test_the_list_of_paths_without_their_slash_covers_the_routes():
    paths = public_paths_without_their_slash()
    assert "/api/projects" in paths
    assert "/api/auth/token" in paths
    assert f"/api/projects/{uuid.UUID(int=1)}/members" in paths
    assert not any(path.startswith("/internal") for path in paths)


@pytest.mark.django_db(databases=["users", "projects"])
def test_no_path_without_its_slash_redirects_in_the_monolith(client):
    for path in public_paths_without_their_slash():
        response = client.get(path)
        assert "Location" not in response, path
        assert_error_envelope(response, 404, "not_found")


def _locations(config: str) -> dict[tuple[str, str], str]:
    """{(modifier, path): body} of every location block of a rendered config."""
    found = re.findall(r"location (=|\^~)? ?(\S+) \{\n(.*?)\n\s*\}", config, flags=re.S)
    return {(modifier, path): body for modifier, path, body in found}


def test_no_proxied_location_lets_nginx_redirect_to_add_its_slash():
    # nginx answers a URI equal to a proxied location minus its trailing slash with a 301.
    locations = _locations(COMMITTED.read_text())
    proxied = [path for (_, path), body in locations.items() if "proxy_pass" in body]
    assert "/api/projects/" in proxied
    for path in proxied:
        if path.endswith("/"):
            body = locations.get(("=", path.rstrip("/")))
            assert body is not None, f"GET {path.rstrip('/')} would be redirected"
            assert body.strip() == "return 404;"


# -- The gateway answers every malformed or over-large head itself, in the envelope ---


def _directive(config: str, name: str) -> list[str]:
    return re.findall(rf"^\s*{name} ([^;]+);", config, flags=re.M)


def _size(value: str) -> int:
    return int(value[:-1]) * 1024 if value.endswith("k") else int(value)


def test_error_pages_reach_internal_locations_by_uri():
    # A named location (@error_414) cannot be reached while the request line is unparsed: nginx
    # answered an over-long or malformed request line with its own HTML 500 instead.
    config = COMMITTED.read_text()
    locations = _locations(config)
    pages = _directive(config, "error_page")
    assert len(pages) == len(GATEWAY_ERRORS)
    for page in pages:
        status, *answer, uri = page.split()
        assert uri.startswith("/"), page
        body = locations[("=", uri)]
        assert "internal;" in body
        sent = int(answer[0].lstrip("=")) if answer else int(status)
        assert f"return {sent} '" in body


def test_header_too_large_is_answered_as_431():
    assert "error_page 494 =431 " in COMMITTED.read_text()


def test_the_gateways_head_limits_are_tighter_than_gunicorns():
    from config import gunicorn

    config = COMMITTED.read_text()
    [first] = _directive(config, "client_header_buffer_size")
    [large] = _directive(config, "large_client_header_buffers")
    count, size = large.split()
    line_max = _size(size)  # a request line, or one header line, must fit in one large buffer
    head_max = _size(first) + int(count) * line_max
    assert gunicorn.limit_request_line > line_max
    assert gunicorn.limit_request_field_size > line_max
    # Every header line takes at least 2 bytes ("a\n"); nginx adds its own proxy_set_header ones.
    added = len(_directive(config, "proxy_set_header"))
    assert gunicorn.limit_request_fields > head_max // 2 + added
    # No header nginx makes up may be longer than a client's: X-Forwarded-For is not the
    # client's ones joined together.
    assert "X-Forwarded-For $remote_addr" in _directive(config, "proxy_set_header")


# -- Connections and retries that cannot corrupt ---


def test_the_gateway_drops_idle_upstream_connections_before_gunicorn_does():
    from config import gunicorn

    config = COMMITTED.read_text()
    upstreams = re.findall(r"upstream \w+ \{(.*?)\}", config, flags=re.S)
    assert len(upstreams) == len(KNOWN_SERVICES)
    for block in upstreams:
        [timeout] = re.findall(r"keepalive_timeout (\d+)s;", block)
        assert int(timeout) == gunicorn.GATEWAY_UPSTREAM_KEEPALIVE
    assert gunicorn.keepalive >= 2 * gunicorn.GATEWAY_UPSTREAM_KEEPALIVE
    # A stopping worker drains longer than the gateway keeps an idle connection, and all of it
    # within gunicorn's graceful stop.
    assert gunicorn.GATEWAY_UPSTREAM_KEEPALIVE < gunicorn.DRAIN_SECONDS < gunicorn.graceful_timeout


def _map(config: str, source: str, target: str) -> dict[str, str]:
    """{value: result} of the nginx ``map source target`` block of a rendered config."""
    block = config.split(f"map {source} {target} {{\n", 1)[1].split("\n    }", 1)[0]
    pairs = (line.strip().rstrip(";").split(None, 1) for line in block.splitlines())
    return {value: result for value, result in pairs}


def test_every_write_carries_an_idempotency_key_the_clients_or_the_gateways():
    config = COMMITTED.read_text()
    assert "Idempotency-Key $idempotency_key" in _directive(config, "proxy_set_header")
    # The client's own key, else the gateway's request id: one per request, the same on every
    # replica the request is sent to ($req_id is the client's X-Request-ID, reusable: not a key).
    assert _map(config, "$http_idempotency_key", "$write_key") == {
        '""': "$request_id",
        "default": "$http_idempotency_key",
    }
    # Reads carry none (an empty value is not sent).
    assert _map(config, "$request_method", "$idempotency_key") == {
        "GET": '""',
        "HEAD": '""',
        "OPTIONS": '""',
        "default": "$write_key",
    }


def test_the_gateway_replays_writes_on_connection_errors_but_never_a_replicas_answer():
    config = COMMITTED.read_text()
    # Writes too ("non_idempotent"): they carry their key. Never on an upstream's status (no
    # http_5xx), and at most on one other replica.
    assert _directive(config, "proxy_next_upstream") == ["error timeout non_idempotent"]
    assert _directive(config, "proxy_next_upstream_tries") == ["2"]
    # No location opts out of it (the DELETE-only detour of before is gone).
    assert "proxy_next_upstream" not in "".join(_locations(config).values())
    assert "return 418" not in config


def test_the_entrypoint_fills_in_addresses_and_resolves_them_per_request(tmp_path):
    """GATEWAY_RESOLVER (Swarm): every proxy_pass goes through a variable; the rest is intact."""
    fake_nginx = tmp_path / "bin" / "nginx"
    fake_nginx.parent.mkdir()
    fake_nginx.write_text('#!/bin/sh\necho "nginx $*"\n')
    fake_nginx.chmod(fake_nginx.stat().st_mode | stat.S_IEXEC)
    runtime = tmp_path / "runtime"
    env = {
        "PATH": f"{fake_nginx.parent}:{os.environ['PATH']}",
        "GATEWAY_CONFIG": str(COMMITTED),
        "GATEWAY_RUNTIME_DIR": str(runtime),
        "GATEWAY_RESOLVER": "127.0.0.11",
        **{f"{name.upper()}_UPSTREAM": f"{name}:8000" for name in KNOWN_SERVICES},
    }
    entrypoint = ROOT / "gateway" / "entrypoint.sh"
    ran = subprocess.run(["sh", str(entrypoint)], env=env, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert f"-c {runtime}/nginx.conf" in ran.stdout
    config = (runtime / "nginx.conf").read_text()
    assert not re.findall(r"@[A-Z_]+@", config)  # every placeholder filled in
    assert "resolver 127.0.0.11 valid=1s ipv6=off;" in config
    for name in KNOWN_SERVICES:
        assert f"set $upstream_{name} {name}:8000;" in config
        assert f"proxy_pass http://{name};" not in config
        assert f"proxy_pass http://$upstream_{name};" in config
    committed = COMMITTED.read_text()
    for directive in ("proxy_next_upstream", "proxy_next_upstream_tries", "proxy_set_header"):
        assert _directive(config, directive) == _directive(committed, directive)


def test_the_gateways_413_gives_the_same_details_as_the_services():
    config = COMMITTED.read_text()
    [handler] = [line for line in config.splitlines() if "return 413 " in line]
    envelope = json.loads(handler.split("'")[1].replace("$req_id", "id"))
    assert envelope["error"]["details"] == {"max_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}


def test_compose_gives_gunicorn_its_graceful_stop_and_the_gateway_a_healthcheck():
    from config import gunicorn

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name in KNOWN_SERVICES:
        grace = compose["services"][name]["stop_grace_period"]
        assert int(grace.removesuffix("s")) > gunicorn.graceful_timeout
    dockerfile = (ROOT / "gateway" / "Dockerfile").read_text()
    assert "HEALTHCHECK" in dockerfile
    assert "STOPSIGNAL SIGQUIT" in dockerfile  # nginx's graceful stop


def test_a_worker_drains_on_sigterm_before_stopping(monkeypatch):
    """SIGTERM: listening sockets closed at once, answers say "Connection: close", then stop."""
    from config import gunicorn

    class Listener:
        closed = False

        def close(self):
            self.closed = True

    class Worker:
        def __init__(self):
            self.sockets = [Listener()]
            self.nr_conns = 1
            self.exited = threading.Event()
            self.accepting = True
            self.log = logging.getLogger("test")
            self.method_queue = SimpleNamespace(defer=lambda callback: callback())

        def set_accept_enabled(self, enabled):
            self.accepting = enabled

        def handle_exit(self, signum, frame):
            self.exited.set()

    monkeypatch.setattr(gunicorn, "_draining", False)
    monkeypatch.setattr(gunicorn, "DRAIN_SECONDS", 5)
    previous = signal.getsignal(signal.SIGTERM)
    worker, listener = Worker(), None
    try:
        listener = worker.sockets[0]
        gunicorn.post_worker_init(worker)
        before = SimpleNamespace(method="GET", path="/", must_close=False)
        gunicorn.pre_request(worker, before)
        assert not before.must_close
        signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert listener.closed
    assert worker.sockets == []
    assert not worker.accepting
    during = SimpleNamespace(method="POST", path="/", must_close=False)
    gunicorn.pre_request(worker, during)
    assert during.must_close
    assert not worker.exited.wait(0.3)  # a connection is still open: still serving
    worker.nr_conns = 0
    assert worker.exited.wait(2)  # none left: stops without waiting out DRAIN_SECONDS


def test_the_gateway_passes_a_valid_traceparent_on_and_starts_one_otherwise():
    config = render()
    (forwarded,) = re.findall(r"proxy_set_header traceparent (\S+);", config)
    assert forwarded == "$traceparent"
    block = config.split("map $http_traceparent $traceparent {", 1)[1].split("\n    }", 1)[0]
    (pattern,) = re.findall(r'"~(.*)" \$http_traceparent;', block)
    valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    assert re.fullmatch(pattern, valid)
    for invalid in ("garbage", valid.replace("4bf92f3577b34da6a3ce929d0e0e4736", "0" * 32)):
        assert not re.fullmatch(pattern, invalid)
    assert 'default "00-$request_id-$gateway_span_id-01";' in block
    assert '"trace_id": "$trace_id"' in config
