"""Re-encrypt every stored national ID with the first key in FOTFESTE_NATIONAL_ID_KEYS."""

from django.core.management.base import BaseCommand
from django.db import transaction

from participants import national_id as nid
from participants.models import Participant


class Command(BaseCommand):
    help = "Re-encrypt national IDs with the newest key, so older keys can be removed."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch: int, **options):
        rows = Participant.objects.exclude(national_id_encrypted="").order_by("pk")
        done, last = 0, 0
        while True:
            with transaction.atomic():
                chunk = list(
                    rows.filter(pk__gt=last)
                    .select_for_update()
                    .values_list("pk", "national_id_encrypted")[:batch]
                )
                for pk, token in chunk:
                    Participant.objects.filter(pk=pk).update(
                        national_id_encrypted=nid.reencrypt(token)
                    )
            if not chunk:
                break
            done += len(chunk)
            last = chunk[-1][0]
        self.stdout.write(f"Re-encrypted {done} national IDs with the newest key.")
