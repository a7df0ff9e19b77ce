from django.apps import AppConfig


class FotfesteConfig(AppConfig):
    """Project-wide pieces that hook into Django at start-up."""

    name = "config"
    label = "fotfeste"
    verbose_name = "Fotfeste"

    def ready(self) -> None:
        """Nothing to hook in at present; kept as the place for it."""
