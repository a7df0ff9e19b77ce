from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from participants.models import reach_register
        from placements.scoping import SUPERVISION

        reach_register(SUPERVISION)
