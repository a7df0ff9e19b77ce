from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A person's rights over what is held on them: the right-of-access export and erasure
    (by request and after the retention period). Both span every app that holds personal
    data, so they sit above reporting in the layers; their records (the export rows, the
    change history) live in audit."""

    name = "privacy"
    verbose_name = _("Privacy")
