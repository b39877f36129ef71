"""Replace refresh tokens stored in clear in token_blacklist's OutstandingToken by their digest."""

import hashlib
import re

from django.db import migrations

BATCH = 1000
# What services.users.services.tokens.token_digest writes (a JWT always has dots): kept inline,
# so this migration does not change if that code does.
DIGEST = re.compile(r"[0-9a-f]{64}")


def hash_clear_tokens(apps, schema_editor):
    """Store SHA-256 hex of each clear refresh token; rows already holding a digest stay."""
    manager = apps.get_model("token_blacklist", "OutstandingToken").objects.db_manager(
        schema_editor.connection.alias
    )
    last_id = 0
    # Keyset batches, not one open cursor: SQLite does not isolate a cursor from the updates.
    while batch := list(manager.filter(id__gt=last_id).order_by("id").only("id", "token")[:BATCH]):
        last_id = batch[-1].id
        clear = [row for row in batch if not DIGEST.fullmatch(row.token)]
        for row in clear:
            row.token = hashlib.sha256(row.token.encode()).hexdigest()
        manager.bulk_update(clear, ["token"])


class Migration(migrations.Migration):

    dependencies = [
        ("users", "0001_initial"),
        ("token_blacklist", "0013_alter_blacklistedtoken_options_and_more"),
    ]

    # A digest cannot be turned back into a token: going back leaves the digests in place.
    operations = [migrations.RunPython(hash_clear_tokens, migrations.RunPython.noop)]
