"""config.settings: topologies follow from SERVICES, and bad settings fail with one clear line."""

import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import ConfigurationError, Env
from config.local_state import prepare
from shared.core.authentication.keys import (
    DEV_KEY_MARKER,
    ensure_dev_keypair,
    generate_rsa_keypair,
)

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "config" / "settings.py"
PRIVATE_PEM, PUBLIC_PEM = generate_rsa_keypair()
SECRET = "a-production-secret-key-long-and-random-enough-for-django-checks"
TOKEN = "a-production-service-credential-of-48-characters"
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": SECRET,
    "INTERNAL_API_TOKEN": TOKEN,
    "JWT_PRIVATE_KEY": PRIVATE_PEM,
}


@pytest.fixture
def load_settings(monkeypatch, tmp_path):
    """Execute config/settings.py afresh under a given environment; returns its namespace.

    Its VAR_DIR holds the development key pair, as `make migrate` leaves it.
    """

    def load(**variables: str) -> dict:
        for name in (
            "SERVICES",
            "DJANGO_ENV",
            "DJANGO_DEBUG",
            "DJANGO_SECRET_KEY",
            "JWT_PRIVATE_KEY",
            "JWT_PRIVATE_KEY_FILE",
            "JWT_PUBLIC_KEY",
            "JWT_PUBLIC_KEY_FILE",
            "USERS_DATABASE_URL",
            "PROJECTS_DATABASE_URL",
            "USERS_SERVICE_URL",
            "SERVICE_TRANSPORT",
            "INTERNAL_API_TOKEN",
            "DJANGO_ALLOWED_HOSTS",
            "TRUST_FORWARDED_HEADERS",
            "JWT_DEV_KEYS_DIR",
            "EVENTS_TRANSPORT",
            "FAULT_RELAY_EXIT_AFTER_PUBLISH",
            "EVENTS_BROKER_URL",
            "EVENTS_BROKER_URL_FILE",
            "EVENTS_MAX_ATTEMPTS",
            "EVENTS_RETENTION_DAYS",
            "EVENTS_RELAY_POLL_SECONDS",
        ):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
        ensure_dev_keypair(tmp_path / "var" / "keys")
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return load


def test_monolith_hosts_both_services_each_with_its_own_database(load_settings, tmp_path):
    settings = load_settings()
    assert settings["SERVICES"] == ["users", "projects"]
    assert settings["AUTH_USER_MODEL"] == "users.User"
    assert settings["DATABASES"]["default"] == {}
    assert settings["DATABASES"]["users"]["NAME"] == str(tmp_path / "var/db/users.sqlite3")
    assert settings["DATABASES"]["projects"]["NAME"] == str(tmp_path / "var/db/projects.sqlite3")
    assert settings["DATABASE_APP_ROUTES"]["auth"] == "users"
    assert settings["SERVICE_CLIENTS"]["users"]["transport"] == "local"
    assert settings["SERVICE_CLIENTS"]["users"]["local"] == (
        "services.users.client.local.LocalUsersClient"
    )
    assert (tmp_path / "var/keys/jwt_private.pem").stat().st_mode & 0o777 == 0o600


def test_projects_alone_installs_neither_users_nor_its_private_key(load_settings):
    settings = load_settings(SERVICES="projects", USERS_SERVICE_URL="http://users:8000")
    assert "services.users" not in settings["INSTALLED_APPS"]
    assert "rest_framework_simplejwt.token_blacklist" not in settings["INSTALLED_APPS"]
    assert settings["AUTH_USER_MODEL"] == "auth.User"
    assert set(settings["DATABASES"]) == {"default", "projects"}
    assert settings["DATABASE_APP_ROUTES"]["auth"] == "projects"
    assert settings["SIMPLE_JWT"]["SIGNING_KEY"] is None
    assert settings["SERVICE_CLIENTS"]["users"]["transport"] == "http"
    assert settings["SERVICE_CLIENTS"]["users"]["url"] == "http://users:8000"


@pytest.mark.parametrize(
    ("variables", "transport"),
    [
        ({}, "local"),
        ({"SERVICE_TRANSPORT": "wsgi"}, "wsgi"),
        ({"SERVICE_TRANSPORT": "http", "USERS_SERVICE_URL": "http://127.0.0.1:8001"}, "http"),
        (
            {"SERVICES": "projects", "SERVICE_TRANSPORT": "wsgi", "USERS_SERVICE_URL": "http://u"},
            "http",
        ),
    ],
)
def test_the_users_transport_follows_the_topology(load_settings, variables, transport):
    assert load_settings(**variables)["SERVICE_CLIENTS"]["users"]["transport"] == transport


def test_events_are_local_by_default_with_each_hosted_outbox_and_consumer(load_settings):
    settings = load_settings()
    assert settings["EVENTS_TRANSPORT"] == "local"
    assert settings["EVENTS_BROKER_URL"] is None
    assert (settings["EVENTS_MAX_ATTEMPTS"], settings["EVENTS_RETENTION_DAYS"]) == (5, 7)
    assert settings["EVENTS_OUTBOXES"] == {
        "users": {"model": "users.OutboxEvent", "database": "users"},
        "projects": {"model": "projects.OutboxEvent", "database": "projects"},
    }
    assert settings["EVENTS_CONSUMERS"] == {
        "projects": {
            "inbox": "projects.InboxEvent",
            "database": "projects",
            "handlers": {
                "user.deleted": "services.projects.services.event_handlers.on_user_deleted"
            },
        }
    }


def test_events_go_through_the_broker_when_their_consumer_is_hosted_elsewhere(load_settings):
    with pytest.raises(ConfigurationError) as error:
        load_settings(SERVICES="users")  # user.deleted would reach no one in-process
    assert str(error.value).startswith(
        "EVENTS_BROKER_URL: required, events have consumers not hosted here "
        "(user.deleted -> projects)"
    )
    url = "amqp://app:secret@broker:5672/%2F"
    assert load_settings(SERVICES="users", EVENTS_BROKER_URL=url)["EVENTS_TRANSPORT"] == "amqp"
    # Projects' events have no consumer yet: projects alone stays local.
    projects = load_settings(SERVICES="projects", USERS_SERVICE_URL="http://users:8000")
    assert projects["EVENTS_TRANSPORT"] == "local"
    # Tests of users alone ask for local delivery explicitly.
    assert load_settings(SERVICES="users", EVENTS_TRANSPORT="local")["EVENTS_TRANSPORT"] == "local"


def test_the_relay_fault_is_refused_in_production(load_settings):
    assert load_settings(FAULT_RELAY_EXIT_AFTER_PUBLISH="true")["FAULT_RELAY_EXIT_AFTER_PUBLISH"]
    with pytest.raises(ConfigurationError, match=r"^FAULT_RELAY_EXIT_AFTER_PUBLISH: a test-only"):
        load_settings(**PRODUCTION, FAULT_RELAY_EXIT_AFTER_PUBLISH="false")


def test_users_alone_over_amqp_relays_its_outbox_and_consumes_nothing(load_settings, tmp_path):
    (tmp_path / "broker").write_text("amqp://app:secret@broker:5672/%2F\n")
    settings = load_settings(
        SERVICES="users", EVENTS_TRANSPORT="amqp", EVENTS_BROKER_URL_FILE=str(tmp_path / "broker")
    )
    assert settings["EVENTS_BROKER_URL"] == "amqp://app:secret@broker:5672/%2F"
    assert set(settings["EVENTS_OUTBOXES"]) == {"users"}
    assert settings["EVENTS_CONSUMERS"] == {}


def test_database_urls_override_the_sqlite_defaults(load_settings):
    settings = load_settings(PROJECTS_DATABASE_URL="postgres://app:secret@db:5432/projects")
    assert settings["DATABASES"]["projects"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings["DATABASES"]["projects"]["HOST"] == "db"


def test_keys_can_come_from_files(load_settings, tmp_path):
    private_pem, public_pem = generate_rsa_keypair()
    (tmp_path / "private.pem").write_text(private_pem)
    settings = load_settings(JWT_PRIVATE_KEY_FILE=str(tmp_path / "private.pem"))
    assert settings["SIMPLE_JWT"]["SIGNING_KEY"] == private_pem
    assert settings["SIMPLE_JWT"]["VERIFYING_KEY"] == public_pem


def test_keys_can_come_from_the_environment(load_settings):
    _, public_pem = generate_rsa_keypair()
    settings = load_settings(
        SERVICES="projects", JWT_PUBLIC_KEY=public_pem, USERS_SERVICE_URL="http://u"
    )
    assert settings["SIMPLE_JWT"]["VERIFYING_KEY"] == public_pem


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"SERVICES": "users,billing"}, "SERVICES"),
        ({"SERVICES": " , "}, "SERVICES"),
        ({"DJANGO_ENV": "staging"}, "DJANGO_ENV"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DJANGO_ENV": "production", "DJANGO_DEBUG": "true"}, "DJANGO_DEBUG"),
        ({"DJANGO_ENV": "production"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": SECRET}, "JWT_PRIVATE_KEY"),
        (
            {"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": SECRET, "SERVICES": "projects"},
            "JWT_PUBLIC_KEY",
        ),
        ({**PRODUCTION, "DJANGO_SECRET_KEY": "s" * 31}, "DJANGO_SECRET_KEY"),
        (
            {
                **PRODUCTION,
                "DJANGO_SECRET_KEY": "dev-only-insecure-secret-key-never-use-in-production",
            },
            "DJANGO_SECRET_KEY",
        ),
        ({**PRODUCTION, "INTERNAL_API_TOKEN": "t" * 31}, "INTERNAL_API_TOKEN"),
        (
            {**PRODUCTION, "INTERNAL_API_TOKEN": "dev-only-internal-token-never-use-in-production"},
            "INTERNAL_API_TOKEN",
        ),
        ({**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "api.example.com,*"}, "DJANGO_ALLOWED_HOSTS"),
        ({**PRODUCTION, "JWT_PRIVATE_KEY": DEV_KEY_MARKER + PRIVATE_PEM}, "JWT_PRIVATE_KEY"),
        ({"SERVICES": "projects", "JWT_PRIVATE_KEY": "x"}, "JWT_PRIVATE_KEY"),
        ({"JWT_PRIVATE_KEY": "not a key"}, "JWT_PRIVATE_KEY"),
        ({"SERVICES": "projects", "JWT_PUBLIC_KEY": "not a key"}, "JWT_PUBLIC_KEY"),
        ({"JWT_PUBLIC_KEY_FILE": "/nonexistent/key.pem"}, "JWT_PUBLIC_KEY_FILE"),
        ({"USERS_DATABASE_URL": "nosuchdb://x"}, "USERS_DATABASE_URL"),
        ({"JWT_ACCESS_TTL_SECONDS": "soon"}, "JWT_ACCESS_TTL_SECONDS"),
        ({"JWT_ACCESS_TTL_SECONDS": "0"}, "JWT_ACCESS_TTL_SECONDS"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"SERVICES": "projects"}, "USERS_SERVICE_URL"),
        ({"SERVICE_TRANSPORT": "http"}, "USERS_SERVICE_URL"),
        ({"SERVICE_TRANSPORT": "carrier-pigeon"}, "SERVICE_TRANSPORT"),
        ({"EVENTS_TRANSPORT": "kafka"}, "EVENTS_TRANSPORT"),
        ({"EVENTS_TRANSPORT": "amqp"}, "EVENTS_BROKER_URL"),
        ({"EVENTS_BROKER_URL": "http://broker"}, "EVENTS_BROKER_URL"),
        ({"EVENTS_MAX_ATTEMPTS": "0"}, "EVENTS_MAX_ATTEMPTS"),
        ({"EVENTS_RETENTION_DAYS": "a week"}, "EVENTS_RETENTION_DAYS"),
        ({"EVENTS_RELAY_POLL_SECONDS": "0"}, "EVENTS_RELAY_POLL_SECONDS"),
        (
            {
                "DJANGO_ENV": "production",
                "DJANGO_SECRET_KEY": SECRET,
                "JWT_PRIVATE_KEY": PRIVATE_PEM,
            },
            "INTERNAL_API_TOKEN",
        ),
    ],
)
def test_bad_settings_fail_naming_the_variable(load_settings, variables, named):
    with pytest.raises(ConfigurationError) as error:
        load_settings(**variables)
    message = str(error.value)
    assert message.startswith(f"{named}:")
    assert "\n" not in message


def test_env_parses_booleans_lists_and_required_values():
    env = Env({"FLAG": "Yes", "OFF": "0", "ITEMS": "a, b,,c", "BLANK": "  "})
    assert env.bool("FLAG", default=False) is True
    assert env.bool("OFF", default=True) is False
    assert env.bool("BLANK", default=True) is True
    assert env.list("ITEMS", default=[]) == ["a", "b", "c"]
    assert env.str("BLANK", "fallback") == "fallback"
    with pytest.raises(ConfigurationError, match=r"^NEEDED: required to run"):
        env.required("NEEDED", "to run")
    assert env.required("ITEMS", "always") == "a, b,,c"


def test_manage_py_reports_a_bad_setting_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SERVICES": "nope", "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "configuration error: SERVICES: unknown service 'nope' (known: users, projects)"
    ]


def test_production_accepts_real_secrets_and_keys(load_settings):
    settings = load_settings(**PRODUCTION, DJANGO_ALLOWED_HOSTS="api.example.com")
    assert settings["SECRET_KEY"] == SECRET
    assert settings["INTERNAL_API_TOKEN"] == TOKEN
    assert settings["SIMPLE_JWT"]["SIGNING_KEY"] == PRIVATE_PEM


def test_production_refuses_a_private_key_file_others_can_read(load_settings, tmp_path):
    key_file = tmp_path / "private.pem"
    key_file.write_text(PRIVATE_PEM)
    key_file.chmod(0o644)
    variables = {**PRODUCTION, "JWT_PRIVATE_KEY": "", "JWT_PRIVATE_KEY_FILE": str(key_file)}
    with pytest.raises(ConfigurationError, match=r"^JWT_PRIVATE_KEY_FILE: .*owner-only"):
        load_settings(**variables)
    key_file.chmod(0o600)
    assert load_settings(**variables)["SIMPLE_JWT"]["SIGNING_KEY"] == PRIVATE_PEM


def test_production_refuses_the_development_key_even_without_its_marker(load_settings, tmp_path):
    dev_private, _ = ensure_dev_keypair(tmp_path / "keys")
    unmarked = dev_private.replace(DEV_KEY_MARKER, "")
    with pytest.raises(ConfigurationError, match=r"^JWT_PRIVATE_KEY: the generated development"):
        load_settings(
            **{
                **PRODUCTION,
                "JWT_PRIVATE_KEY": unmarked,
                "JWT_DEV_KEYS_DIR": str(tmp_path / "keys"),
            }
        )


def test_forwarded_headers_are_trusted_only_when_a_proxy_is_declared(load_settings):
    assert load_settings()["SECURE_PROXY_SSL_HEADER"] is None
    trusted = load_settings(TRUST_FORWARDED_HEADERS="true")
    assert trusted["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_sqlite_writes_wait_for_the_lock_instead_of_failing(load_settings):
    options = load_settings()["DATABASES"]["users"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_local_state_is_readable_by_its_owner_only(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    (var / "db").mkdir(mode=0o755)
    (var / "db" / "users.sqlite3").touch(mode=0o644)
    prepare(Env({"VAR_DIR": str(var)}))
    for folder in (var, var / "db", var / "keys", var / "static"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    for file in (
        var / "db" / "users.sqlite3",
        var / "db" / "projects.sqlite3",
        var / "keys" / "jwt_private.pem",
        var / "keys" / "jwt_public.pem",
    ):
        assert file.stat().st_mode & 0o777 == 0o600, file


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            **PRODUCTION,
            "DJANGO_ALLOWED_HOSTS": "api.example.com",
            "VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_internal_delay_fault_is_off_by_default_and_parsed(load_settings, monkeypatch):
    monkeypatch.delenv("FAULT_INTERNAL_DELAY_SECONDS", raising=False)
    assert load_settings()["FAULT_INTERNAL_DELAY_SECONDS"] == 0
    delayed = load_settings(FAULT_INTERNAL_DELAY_SECONDS=" 2.5 ")
    assert delayed["FAULT_INTERNAL_DELAY_SECONDS"] == 2.5


@pytest.mark.parametrize(
    "variables",
    [
        {"FAULT_INTERNAL_DELAY_SECONDS": "slow"},
        {"FAULT_INTERNAL_DELAY_SECONDS": "-1"},
        {"FAULT_INTERNAL_DELAY_SECONDS": "nan"},
        {"FAULT_INTERNAL_DELAY_SECONDS": "inf"},
        {"FAULT_INTERNAL_DELAY_SECONDS": "61"},
        {**PRODUCTION, "FAULT_INTERNAL_DELAY_SECONDS": "3"},
        {**PRODUCTION, "FAULT_INTERNAL_DELAY_SECONDS": "0"},
    ],
)
def test_the_internal_delay_fault_refuses_bad_values_and_production(load_settings, variables):
    with pytest.raises(ConfigurationError) as error:
        load_settings(**variables)
    assert str(error.value).startswith("FAULT_INTERNAL_DELAY_SECONDS:")
    assert "\n" not in str(error.value)


def test_production_reads_the_secret_key_and_service_credential_from_files(load_settings, tmp_path):
    """Swarm and Kubernetes mount secrets as files: NAME_FILE names one."""
    (tmp_path / "secret-key").write_text(SECRET + "\n")
    (tmp_path / "token").write_text(TOKEN + "\n")
    settings = load_settings(
        **{
            **PRODUCTION,
            "DJANGO_SECRET_KEY": "",
            "DJANGO_SECRET_KEY_FILE": str(tmp_path / "secret-key"),
            "INTERNAL_API_TOKEN": "",
            "INTERNAL_API_TOKEN_FILE": str(tmp_path / "token"),
        },
        DJANGO_ALLOWED_HOSTS="api.example.com",
    )
    assert settings["SECRET_KEY"] == SECRET
    assert settings["INTERNAL_API_TOKEN"] == TOKEN


def test_production_refuses_a_missing_secret_file_naming_the_variable(load_settings, tmp_path):
    variables = {**PRODUCTION, "INTERNAL_API_TOKEN": "", "INTERNAL_API_TOKEN_FILE": "/nonexistent"}
    with pytest.raises(ConfigurationError, match=r"^INTERNAL_API_TOKEN_FILE: cannot read"):
        load_settings(**variables)
