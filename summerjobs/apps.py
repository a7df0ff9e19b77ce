from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config import crypto
from participants import national_id


class SummerjobsConfig(AppConfig):
    name = "summerjobs"
    verbose_name = _("Summer jobs")

    def ready(self) -> None:
        purpose = national_id.PURPOSE
        crypto.register("summerjobs.Application", "national_id_encrypted", purpose=purpose)
        crypto.register("summerjobs.PendingApplication", "data_encrypted", purpose=purpose)
