from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config import crypto
from participants import national_id


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self) -> None:
        crypto.register(
            "participants.Participant", "national_id_encrypted", purpose=national_id.PURPOSE
        )
