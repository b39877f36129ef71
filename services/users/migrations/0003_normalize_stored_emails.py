"""Store existing emails in the canonical form every lookup now uses (normalize_email)."""

from django.db import migrations

from shared.kit.errors import ValidationError
from shared.core.utils.validators import normalize_email

BATCH = 1000


def normalize_stored_emails(apps, schema_editor):
    """Rewrite each email to its canonical form, unless that is refused or already taken.

    Lookups normalise what they are given, so an account stored as bob@bücher.example could no
    longer log in. Rows whose address is now refused (invisible characters, quoted local part)
    or whose canonical form belongs to another account are left as they are: which account
    keeps a mailbox is for a person to decide.
    """
    manager = apps.get_model("users", "User").objects.db_manager(schema_editor.connection.alias)
    last_id = 0
    # Keyset batches, not one open cursor: SQLite does not isolate a cursor from the updates.
    while batch := list(manager.filter(id__gt=last_id).order_by("id").only("id", "email")[:BATCH]):
        last_id = batch[-1].id
        for user in batch:
            try:
                canonical = normalize_email(user.email)
            except ValidationError:
                continue
            if canonical == user.email or manager.filter(email=canonical).exists():
                continue
            manager.filter(id=user.id).update(email=canonical)


class Migration(migrations.Migration):

    dependencies = [
        ("users", "0002_hash_outstanding_refresh_tokens"),
    ]

    # The canonical form is as good an address going back: nothing to undo.
    operations = [migrations.RunPython(normalize_stored_emails, migrations.RunPython.noop)]
