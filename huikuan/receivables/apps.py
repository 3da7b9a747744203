from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "huikuan.receivables"
    verbose_name = _("Receivables")
