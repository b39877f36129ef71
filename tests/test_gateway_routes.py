"""One routing table: the gateway's nginx config and the services' URL confs agree with it."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from config.services import (
    BLOCKED_PREFIXES,
    DOCS_PREFIXES,
    DOCS_SERVICE,
    KNOWN_SERVICES,
    RATE_LIMITED_PATHS,
    public_routes,
)
from gateway.render import COMMITTED, render


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
    assert DOCS_SERVICE in KNOWN_SERVICES


def test_internal_paths_are_blocked_and_never_routed():
    routed = [prefix for prefix, _ in public_routes()]
    assert not any(prefix.startswith(BLOCKED_PREFIXES) for prefix in routed)
    config = COMMITTED.read_text()
    for prefix in BLOCKED_PREFIXES:
        assert f"location ^~ {prefix} {{\n            return 404;" in config


def test_rate_limits_apply_to_login_and_registration():
    config = COMMITTED.read_text()
    for path in RATE_LIMITED_PATHS:
        assert f"location = {path} {{\n            limit_req zone=auth burst=20 nodelay;" in config


def test_render_command_fills_in_a_topologys_addresses(tmp_path, capsys, monkeypatch):
    from gateway import render as renderer

    output = tmp_path / "nginx.conf"
    monkeypatch.setattr(
        "sys.argv",
        [
            "render",
            "--users",
            "127.0.0.1:9001",
            "--projects",
            "127.0.0.1:9002",
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
    assert "server 127.0.0.1:9001;" in text
    assert "server 127.0.0.1:9002;" in text
    assert "listen 127.0.0.1:9000;" in text
    assert "@" + "RUNTIME_DIR@" not in text
    assert f"wrote {output}" in capsys.readouterr().out
