"""The older name of ``rotate_encryption_keys``, kept for the runbooks that use it."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the newest key (rotate_encryption_keys)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch: int, **options):
        call_command("rotate_encryption_keys", batch=batch, stdout=self.stdout, stderr=self.stderr)
