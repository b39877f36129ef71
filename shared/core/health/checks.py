"""Readiness checks: each returns a name and "ok" or a short reason for failing."""

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
