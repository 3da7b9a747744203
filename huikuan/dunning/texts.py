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
from django.template import Context, Engine
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.core import money
from huikuan.core.capitals import amount_in_words
from huikuan.core.errors import DomainError
from huikuan.dunning.choices import MessageKind, TemplateKey
from huikuan.dunning.errors import DunningErrorCode
from huikuan.dunning.fees import PlannedFee
from huikuan.dunning.models import Message, MessageTemplate
from huikuan.dunning.planning import CustomerPlan

# the engine for the companies' templates: Django's built-in tags and filters, no loaders, no
# autoescaping (plain text), and nothing that reaches files
ENGINE = Engine(autoescape=False, debug=False, loaders=[], libraries={})

VARIABLES: dict[str, Any] = {
    "company": gettext_lazy("our company's name"),
    "customer": gettext_lazy("the customer's name"),
    "customer_code": gettext_lazy("the customer's code"),
    "contact": gettext_lazy("the contact's name (may be empty)"),
    "date": gettext_lazy("the business date, YYYY-MM-DD"),
    "items": gettext_lazy("the installments: contract, label, due_date, days_overdue, overdue, open_amount, currency"),
    "totals": gettext_lazy("per currency: currency, amount, in_words (大写金额)"),
    "overdue": gettext_lazy("true when any item is overdue"),
    "fees": gettext_lazy("fees and interest charged (to be confirmed): name, currency, amount, basis"),
    "statement_link": gettext_lazy("the address of the customer's statement"),
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


def sample_context(company: str) -> dict[str, Any]:
    """Made-up variables for previewing a template (and trying it before it is saved)."""
    return {
        "company": company,
        "customer": "示例客户有限公司",
        "customer_code": "C00001",
        "contact": "王经理",
        "date": "2026-06-30",
        "items": [
            {
                "contract": "HT-2026-00012",
                "label": "验收款",
                "due_date": "2026-05-31",
                "days_overdue": 30,
                "overdue": True,
                "open_amount": "12,000.00",
                "currency": "CNY",
                "installment": 0,
            },
            {
                "contract": "HT-2026-00015",
                "label": "预付款",
                "due_date": "2026-07-05",
                "days_overdue": 0,
                "overdue": False,
                "open_amount": "3,500.00",
                "currency": "CNY",
                "installment": 0,
            },
        ],
        "totals": [{"currency": "CNY", "amount": "15,500.00", "in_words": "壹万伍仟伍佰元整"}],
        "overdue": True,
        "fees": [{"name": "滞纳金", "currency": "CNY", "amount": "177.53", "basis": "年利率 18%"}],
        "statement_link": "http://127.0.0.1:8000/reports/statement/?customer=1",
    }


def compile_template(source: str, *, field: str) -> None:
    """Refuse a template that does not compile, or fails on the sample variables (an include of a
    file, a tag that needs what it is not given). Raises DomainError."""
    try:
        ENGINE.from_string(source).render(Context(sample_context("")))
    except Exception as error:  # whatever a typed template does wrong is its author's to fix, not a crash
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


def totals_text(context: Mapping[str, Any]) -> str:
    return "; ".join(f"{total['currency']} {total['amount']}" for total in context["totals"])


CUSTOMER_KEYS = {"email": TemplateKey.CUSTOMER_EMAIL, "sms": TemplateKey.CUSTOMER_SMS, "letter": TemplateKey.LETTER}


def message_text(message: Message) -> tuple[str, str]:
    """A message's subject and body: as written when it was sent (or made, for the notices that
    carry their text), otherwise its template over its context, in its language."""
    if message.body:
        return message.subject, message.body
    if message.kind == MessageKind.CUSTOMER_REMINDER:
        subject, body = render(
            company_id=message.company_id,
            key=CUSTOMER_KEYS[message.channel],
            language=message.language,
            context=message.context,
        )
        return subject or body[:60], body
    return staff_text(message.kind, message.context, message.language)


def staff_text(kind: str, context: Mapping[str, Any], language: str) -> tuple[str, str]:
    """The notice to an owner, or the escalation to finance, of one customer's run."""
    with translation.override(language_of(language)):
        values = {"customer": context["customer"], "count": len(context["items"]), "total": totals_text(context)}
        if kind == MessageKind.ESCALATION:
            subject = _("Escalated: %(customer)s owes %(total)s") % values
        else:
            subject = _("%(customer)s: %(count)d installments due or overdue, %(total)s") % values
        lines = [
            _("%(contract)s %(label)s: due %(due)s, open %(currency)s %(amount)s, %(days)d days overdue")
            % {
                "contract": item["contract"],
                "label": item["label"],
                "due": item["due_date"],
                "currency": item["currency"],
                "amount": item["open_amount"],
                "days": item["days_overdue"],
            }
            for item in context["items"]
        ]
        steps = _("Steps: %(steps)s") % {"steps": ", ".join(context.get("steps", []))}
        return subject[:300], "\n".join([steps, *lines]) + "\n"
