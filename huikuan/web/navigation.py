"""The sections of the top bar, by role: a section a user may not use is not shown (and its
address answers 403 or 404 by its own view)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm


@dataclass(frozen=True)
class Section:
    url_name: str
    label: Promise
    perm: str | None = None  # None: everyone signed in
    prefix: str | None = None  # the section's addresses, when more than its first page's


SECTIONS = (
    Section("home", _("Home")),
    Section("receivables", _("Receivables")),
    Section("customer_list", _("Customers")),
    Section("contract_list", _("Contracts")),
    Section("receipt_list", _("Receipts")),
    Section("collections_worklist", _("Collections"), prefix="/collections/"),
    Section("report_aging", _("Reports"), prefix="/reports/"),
    Section("bank_review", _("Bank"), perm=Perm.BANK_IMPORT, prefix="/bank/"),
    Section("settings", _("Settings"), perm=Perm.TERMS_CHANGE),
)


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    active: bool


def items_for(user: User, path: str) -> list[NavItem]:
    items = []
    for section in SECTIONS:
        if section.perm and not user.has_perm_code(section.perm):
            continue
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:  # a section whose pages are not installed in this build
            continue
        active = path == url if url == "/" else path.startswith(section.prefix or url)
        items.append(NavItem(url, str(section.label), active))
    return items
