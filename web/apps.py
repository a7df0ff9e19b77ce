from django.apps import AppConfig


class WebConfig(AppConfig):
    """The top of the layers: the URL root, the API router and the home page, which gather
    every app below them."""

    name = "web"
    verbose_name = "Fotfeste"
