from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The workbench pages' shared parts: sign-in, the top bar, home, search, exports, static files."""

    name = "huikuan.web"
    label = "web"
    verbose_name = _("Workbench")
