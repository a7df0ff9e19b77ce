"""Re-encrypt every value kept encrypted at rest with the first key in FOTFESTE_NATIONAL_ID_KEYS:
the columns each app registered with ``config.crypto.register`` (national IDs of participants
and summer-job applicants, waiting applications, identity providers' client secrets)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from config import crypto


def rotate_column(column: crypto.EncryptedColumn, batch: int) -> int:
    """Re-encrypt one column in batches of ``batch`` rows, each batch locked and committed on
    its own; returns how many values it re-encrypted. A value no listed key reads stops it."""
    model = apps.get_model(column.model)
    rows = model._base_manager.exclude(**{column.field: ""}).order_by("pk")
    done, last = 0, 0
    while True:
        with transaction.atomic():
            chunk = list(
                rows.filter(pk__gt=last).select_for_update().values_list("pk", column.field)[:batch]
            )
            for pk, token in chunk:
                fresh = crypto.reencrypt(token, purpose=column.purpose)
                model._base_manager.filter(pk=pk).update(**{column.field: fresh})
        if not chunk:
            return done
        done += len(chunk)
        last = chunk[-1][0]


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the newest key, so older keys can be removed."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch: int, **options):
        for column in crypto.registered():
            try:
                done = rotate_column(column, batch)
            except crypto.UnreadableError:
                self.stderr.write(
                    f"{column.model}.{column.field}: a value no listed key can read; keep the "
                    "old key in FOTFESTE_NATIONAL_ID_KEYS until it is found."
                )
                raise SystemExit(1) from None
            self.stdout.write(f"{column.model}.{column.field}: re-encrypted {done}.")
