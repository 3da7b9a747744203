"""The wording of what customers are sent: the defaults that ship with Huikuan, a company's own
templates (MessageTemplate) in their place, and the variables both may use.

Templates use Django's template syntax over plain strings, lists and dicts only (``context``
below): a template can show what it is given, and nothing else of the system. Autoescaping is off,
since emails, texts and letters are plain text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext as _

from huikuan.core import money
from huikuan.core.capitals import amount_in_words
from huikuan.core.errors import DomainError
from huikuan.dunning.errors import DunningErrorCode
from huikuan.dunning.fees import PlannedFee
from huikuan.dunning.models import MessageTemplate
from huikuan.dunning.planning import CustomerPlan

# the engine for the companies' templates: Django's built-in tags and filters, no loaders, no
# autoescaping (plain text), and nothing that reaches files
ENGINE = Engine(autoescape=False, debug=False, loaders=[], libraries={})

VARIABLES: dict[str, str] = {
    "company": "our company's name",
    "customer": "the customer's name",
    "customer_code": "the customer's code",
    "contact": "the contact's name (may be empty)",
    "date": "the business date, YYYY-MM-DD",
    "items": "the installments: contract, label, due_date, days_overdue, overdue, open_amount, currency",
    "totals": "per currency: currency, amount, in_words (大写金额)",
    "overdue": "true when any item is overdue",
    "fees": "fees and interest charged (to be confirmed): name, currency, amount, basis",
    "statement_link": "the address of the customer's statement",
}

DEFAULTS_FOLDER = Path(__file__).resolve().parent / "default_texts"


@cache
def default_text(key: str, language: str) -> tuple[str, str]:
    """The wording that ships with Huikuan: ``default_texts/<key>.<language>.txt``, the subject
    template, a line of three dashes, then the body template."""
    source = (DEFAULTS_FOLDER / f"{key}.{language}.txt").read_text(encoding="utf-8")
    subject, _line, body = source.partition("\n---\n")
    return subject.strip(), body


def language_of(code: str) -> str:
    """A language we have templates for: ``code`` when known, else the default language."""
    known = {language for language, _name in settings.LANGUAGES}
    return code if code in known else settings.LANGUAGE_CODE


def compile_template(source: str, *, field: str) -> None:
    """Refuse a template that does not compile. Raises DomainError."""
    try:
        ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        raise DomainError(
            DunningErrorCode.INVALID_TEMPLATE, _("The template has an error: %(error)s") % {"error": error}, field=field
        ) from error


def render(*, company_id: int, key: str, language: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """The subject and body of one message: the company's template for the key and language, or
    the default."""
    language = language_of(language)
    own = MessageTemplate.objects.filter(company_id=company_id, key=key, language=language).first()
    subject, body = (own.subject, own.body) if own is not None else default_text(key, language)
    data = Context(dict(context))
    rendered_subject = " ".join(ENGINE.from_string(subject).render(data).split())
    return rendered_subject[:300], ENGINE.from_string(body).render(data).strip() + "\n"


def _amount_words(amount: Decimal, currency: str) -> str:
    # 大写金额 is written for yuan; other currencies show the figure alone
    return amount_in_words(amount) if currency == "CNY" else ""


def customer_context(
    plan: CustomerPlan, *, company: str, as_of: dt.date, statement_link: str, fees: Sequence[PlannedFee] = ()
) -> dict[str, Any]:
    """The variables of a customer's message, as plain JSON-ready values (stored with the message)."""
    items = [
        {
            "contract": item.contract_number,
            "label": item.label,
            "due_date": item.due_date.isoformat(),
            "days_overdue": max(item.days_overdue, 0),
            "overdue": item.days_overdue > 0,
            "open_amount": money.display(item.open_amount),
            "currency": item.currency,
            "installment": item.installment_id,
        }
        for item in plan.items
    ]
    totals = [
        {"currency": currency, "amount": money.display(amount), "in_words": _amount_words(amount, currency)}
        for currency, amount in plan.totals().items()
    ]
    return {
        "company": company,
        "customer": plan.name,
        "customer_code": plan.code,
        "contact": plan.contact_name,
        "date": as_of.isoformat(),
        "items": items,
        "totals": totals,
        "overdue": any(item["overdue"] for item in items),
        # proposed: owed once finance confirms them
        "fees": [
            {"name": fee.step.name, "currency": fee.currency, "amount": money.display(fee.amount), "basis": fee.basis}
            for fee in fees
        ],
        "statement_link": statement_link,
    }
