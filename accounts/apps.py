from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config import crypto


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Imported here: the module reads the models, which are loaded only now.
        from accounts import identity

        crypto.register(
            "accounts.IdentityProvider",
            "client_secret_encrypted",
            purpose=identity.SECRET_PURPOSE,
        )
