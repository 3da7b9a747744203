"""A Chinese user sees the admin in Chinese: every change list, add page and record page,
rendered in zh-hans for a superuser, shows none of the English strings that third-party apps and
our own columns used to leave untranslated, and no raw audit action codes."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from huikuan.audit.actions import AuditAction

pytestmark = pytest.mark.django_db

KNOWN_UNTRANSLATED = [
    "Task Results",
    "Task Result",
    "Tasks Database Backend",
    "Ready",
    "Running",
    "Failed",
    "Successful",
    "Task name",
    "Traceback",
    "Run after",
    "Enqueued at",
    "Started at",
    "Finished at",
    "Priority",
    "Queue name",
    "priority",
    "queue name",
    "Recorded by",
    "Customer",
    "Model name",
    "Add link",
    "Change or view list link",
    "After you’ve created a user, you’ll be able to edit more user options.",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
]
ACTION_CODES = re.compile("|".join(re.escape(str(code)) for code in AuditAction.values))


class VisibleText(HTMLParser):
    """The text a reader sees (and the tooltips and placeholders), without scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in ("title", "placeholder") and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def admin_pages() -> list[str]:
    pages = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        pages += [
            reverse("admin:app_list", args=[meta.app_label]),
            reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
            reverse(f"admin:{meta.app_label}_{meta.model_name}_add"),
        ]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
    return sorted(set(pages))


def english_left(text: list[str]) -> set[str]:
    found = set()
    for part in text:
        found |= {s for s in KNOWN_UNTRANSLATED if re.search(rf"(?<![A-Za-z]){re.escape(s)}(?![A-Za-z])", part)}
        found |= set(ACTION_CODES.findall(part))
    return found


def test_the_chinese_admin_shows_no_known_english(client, make_user, rep_book):
    # given: every kind of record, a background task result, and a superuser reading in Chinese
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        task_path="huikuan.demo.tasks.nothing",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now() + dt.timedelta(days=1),
    )
    client.force_login(make_user("root", "admin", is_superuser=True, is_staff=True))
    # when
    left: dict[str, set[str]] = {}
    for page in admin_pages():
        response = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code == 403:  # the add page of a read-only admin
            continue
        assert response.status_code == 200, page
        parser = VisibleText()
        parser.feed(response.content.decode())
        for string in english_left(parser.parts):
            left.setdefault(string, set()).add(page)
    # then
    assert sorted(left) == []
