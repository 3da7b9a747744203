from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "huikuan.audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # The admin app (first in INSTALLED_APPS) has discovered every admin module by now.
        from django.contrib import admin

        from huikuan.audit import signins  # noqa: F401 - registers the lockout receiver
        from huikuan.audit.admin_recording import audit_every_admin

        audit_every_admin(admin.site)
