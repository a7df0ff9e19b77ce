from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummerjobsConfig(AppConfig):
    name = "summerjobs"
    verbose_name = _("Summer jobs")
