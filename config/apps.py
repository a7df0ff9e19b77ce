from django.apps import AppConfig

from config import pagecache


class FotfesteConfig(AppConfig):
    """Project-wide pieces that hook into Django at start-up."""

    name = "config"
    label = "fotfeste"
    verbose_name = "Fotfeste"

    def ready(self) -> None:
        pagecache.install()
