"""``manage.py migrate_all``: migrations on every configured database alias."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(databases=["default", "testapp"], transaction=True)


def test_migrates_each_configured_database(settings):
    # Only the command reads the extra aliases; Django's connections never see them.
    with pytest.warns(UserWarning, match="DATABASES"):
        settings.DATABASES = {
            **settings.DATABASES,
            "unconfigured": {},
            "placeholder": {"ENGINE": "django.db.backends.dummy"},
        }
    output = io.StringIO()

    call_command("migrate_all", stdout=output)

    lines = [line for line in output.getvalue().splitlines() if line.startswith("Migrating")]
    assert lines == ["Migrating database 'default'", "Migrating database 'testapp'"]


def test_quiet_run_prints_nothing():
    output = io.StringIO()

    call_command("migrate_all", verbosity=0, stdout=output)

    assert output.getvalue() == ""
