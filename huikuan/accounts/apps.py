from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "huikuan.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Registers the security checks.
        from huikuan.accounts import checks  # noqa: F401
