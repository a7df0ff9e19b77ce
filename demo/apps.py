from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The fictional demo world (``seed_demo``) and the large synthetic city (``seed_scale``):
    at the top of the layers, since they build through every app's services."""

    name = "demo"
    verbose_name = "Demo data"
