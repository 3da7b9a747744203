"""How third-party apps appear in our admin: names and columns they leave untranslated get
translatable ones here (their Chinese is in our catalog, which takes precedence)."""

from datetime import datetime

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

# A plain string in django-tasks-db's AppConfig, so no catalog can translate it.
apps.get_app_config("django_tasks_database").verbose_name = _("Background tasks")


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's admin with translated labels for its computed columns."""

    list_display = (
        "id",
        "task_name_display",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )

    @admin.display(description=_("task"))
    def task_name_display(self, result: DBTaskResult) -> str:
        return result.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, result: DBTaskResult) -> str:
        return super().formatted_traceback(result)

    @admin.display(description=_("run after"))
    def display_run_after(self, result: DBTaskResult) -> datetime | str:
        return super().display_run_after(result)
