"""Readiness checks: each returns a name and "ok" or a short reason for failing."""

import httpx
from django.conf import settings
from django.db import connections
from rest_framework_simplejwt import settings as simplejwt_settings

from shared.core.authentication.keys import load_public_key


def check_databases() -> dict[str, str]:
    results: dict[str, str] = {}
    for alias, config in settings.DATABASES.items():
        if not config or config.get("ENGINE", "").endswith("dummy"):
            continue
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            results[f"database:{alias}"] = "ok"
        except Exception as exc:  # any failure means "not ready"; the reason is reported
            results[f"database:{alias}"] = f"error: {type(exc).__name__}"
    return results


def check_keys() -> dict[str, str]:
    try:
        # Looked up on the module: simplejwt rebinds ``api_settings`` when SIMPLE_JWT changes.
        load_public_key(simplejwt_settings.api_settings.VERIFYING_KEY or "")
    except Exception as exc:
        return {"keys": f"error: {type(exc).__name__}"}
    return {"keys": "ok"}


def run_readiness_checks() -> dict[str, str]:
    return {**check_databases(), **check_keys()}


def check_downstream() -> dict[str, str]:
    """Reachability of providers called over HTTP: reported, but never a reason to be unready.

    A consumer degrades when a provider is down (docs/ARCHITECTURE.md section 7); restarting it
    would not help.
    """
    results = {}
    for name, config in getattr(settings, "SERVICE_CLIENTS", {}).items():
        if config["transport"] != "http":
            continue
        try:
            response = httpx.get(f"{config['url'].rstrip('/')}/healthz", timeout=1.0)
            results[name] = (
                "ok" if response.status_code == 200 else f"error: HTTP {response.status_code}"
            )
        except httpx.HTTPError as exc:
            results[name] = f"unavailable: {type(exc).__name__}"
    return results
