"""The one place that reads the process environment; every value is parsed and validated here.

Bad values raise :class:`ConfigurationError` with one line that names the variable;
``manage.py`` and ``config.wsgi`` print that line and exit.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
MIN_SECRET_LENGTH = 32


class ConfigurationError(ImproperlyConfigured):
    """A missing or contradictory setting; its message is one line naming the variable."""


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None):
        self._environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        value = self._environ.get(name)
        return None if value is None or value.strip() == "" else value

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.raw(name)
        return default if value is None else value.strip()

    def required(self, name: str, why: str) -> str:
        value = self.str(name)
        if value is None:
            raise ConfigurationError(f"{name}: required {why}")
        return value

    def bool(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigurationError(f"{name}: expected true or false, got {value!r}")

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ConfigurationError(f"{name}: expected an integer, got {value!r}") from None
        if minimum is not None and number < minimum:
            raise ConfigurationError(f"{name}: must be at least {minimum}, got {number}")
        return number

    def list(self, name: str, default: Iterable[str]) -> list[str]:
        value = self.raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: str, default: str, choices: Iterable[str]) -> str:
        allowed = tuple(choices)
        value = self.str(name, default) or default
        if value not in allowed:
            raise ConfigurationError(f"{name}: must be one of {', '.join(allowed)}, got {value!r}")
        return value

    def path(self, name: str, default: Path) -> Path:
        value = self.str(name)
        return Path(value).expanduser() if value else default

    def secret(self, name: str, *, development_default: str, production: bool) -> str:
        """A secret (``NAME``, or the file ``NAME_FILE`` names): the development default outside
        production; in production a real one. Swarm and Kubernetes mount secrets as files."""
        value = self.str(name)
        if value is None and self.raw(f"{name}_FILE") is not None:
            value = (self.file_or_value(name) or "").strip() or None
        if not production:
            return value or development_default
        if value is None:
            raise ConfigurationError(f"{name}: required when DJANGO_ENV=production")
        if value == development_default:
            raise ConfigurationError(
                f"{name}: the development value is refused when DJANGO_ENV=production"
            )
        if len(value) < MIN_SECRET_LENGTH:
            raise ConfigurationError(
                f"{name}: must be at least {MIN_SECRET_LENGTH} characters when "
                "DJANGO_ENV=production"
            )
        return value

    def private_file_mode_ok(self, name: str) -> None:
        """Refuse a secret file (``NAME_FILE``) that group or others may read."""
        file_name = self.str(f"{name}_FILE")
        if file_name is None or self.raw(name) is not None:
            return
        try:
            mode = Path(file_name).stat().st_mode
        except OSError:
            return  # file_or_value reports what is wrong with it
        if mode & 0o077:
            raise ConfigurationError(
                f"{name}_FILE: {file_name} is readable by group or others "
                f"(mode {mode & 0o777:o}); make it owner-only (chmod 600)"
            )

    def file_or_value(self, name: str) -> str | None:
        """``NAME`` itself, or the content of the file named by ``NAME_FILE``."""
        value = self.raw(name)
        if value is not None:
            return value.replace("\\n", "\n")
        file_name = self.str(f"{name}_FILE")
        if file_name is None:
            return None
        try:
            return Path(file_name).read_text()
        except OSError as exc:
            raise ConfigurationError(
                f"{name}_FILE: cannot read {file_name}: {exc.strerror}"
            ) from None


env = Env()
