"""Creating, changing and previewing payment terms templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.accounts.models import Company, User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_company
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.core import money
from huikuan.core.dates import require_business_date
from huikuan.core.errors import DomainError
from huikuan.core.locking import for_update
from huikuan.terms.errors import TermsErrorCode
from huikuan.terms.models import PaymentTerms, PaymentTermsLine
from huikuan.terms.schedule import LineSpec, PlannedInstallment, build_schedule, validate_lines

LINE_FIELDS = tuple(LineSpec.__dataclass_fields__)


def line_specs(lines: Sequence[Mapping[str, Any] | LineSpec]) -> list[LineSpec]:
    """Lines as LineSpec, from mappings (API input) or specs."""
    specs = []
    for line in lines:
        if isinstance(line, LineSpec):
            specs.append(line)
        else:
            specs.append(LineSpec(**{k: v for k, v in line.items() if k in LINE_FIELDS and v is not None}))
    return specs


def terms_lines(terms: PaymentTerms) -> list[LineSpec]:
    return [LineSpec.from_line(line) for line in terms.lines.order_by("sequence")]


def _write_lines(terms: PaymentTerms, specs: Sequence[LineSpec]) -> None:
    terms.lines.all().delete()
    PaymentTermsLine.objects.bulk_create(
        PaymentTermsLine(terms=terms, sequence=index + 1, **{f: getattr(spec, f) for f in LINE_FIELDS})
        for index, spec in enumerate(specs)
    )


def _check_name(company: Company, name: str, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(TermsErrorCode.NAME_REQUIRED, _("Give the template a name."), field="name")
    same_name = PaymentTerms.objects.filter(company=company, name=name)
    if exclude_pk is not None:
        same_name = same_name.exclude(pk=exclude_pk)
    if same_name.exists():
        raise DomainError(TermsErrorCode.DUPLICATE_NAME, _("Another template has this name."), field="name")
    return name


@transaction.atomic
def terms_create(
    *,
    actor: User,
    company: Company,
    name: str,
    lines: Sequence[Mapping[str, Any] | LineSpec],
    description: str = "",
    whole_units: bool = False,
) -> PaymentTerms:
    """Create a template after checking its lines. Raises DomainError."""
    require(actor, Perm.TERMS_CHANGE)
    require_company(actor, company.pk)
    specs = line_specs(lines)
    validate_lines(specs, currency=company.currency)
    terms = PaymentTerms.objects.create(
        company=company, name=_check_name(company, name), description=description, whole_units=whole_units
    )
    _write_lines(terms, specs)
    audit.record(action=AuditAction.TERMS_CREATED, target=terms, actor=actor)
    return terms


@transaction.atomic
def terms_update(
    *,
    actor: User,
    terms: PaymentTerms,
    name: str | None = None,
    lines: Sequence[Mapping[str, Any] | LineSpec] | None = None,
    description: str | None = None,
    whole_units: bool | None = None,
    is_active: bool | None = None,
) -> PaymentTerms:
    """Change a template. Contracts already planned with it keep their installments. Raises DomainError."""
    require(actor, Perm.TERMS_CHANGE)
    terms = for_update(PaymentTerms.objects).get(pk=terms.pk)
    if name is not None:
        terms.name = _check_name(terms.company, name, exclude_pk=terms.pk)
    if description is not None:
        terms.description = description
    if whole_units is not None:
        terms.whole_units = whole_units
    if is_active is not None:
        terms.is_active = is_active
    terms.save()
    if lines is not None:
        specs = line_specs(lines)
        validate_lines(specs, currency=terms.company.currency)
        _write_lines(terms, specs)
    audit.record(action=AuditAction.TERMS_UPDATED, target=terms, actor=actor)
    return terms


def terms_preview(
    *,
    amount: Decimal,
    base_date: dt.date,
    lines: Sequence[Mapping[str, Any] | LineSpec] | None = None,
    terms: PaymentTerms | None = None,
    currency: str | None = None,
    company: Company | None = None,
    whole_units: bool | None = None,
) -> list[PlannedInstallment]:
    """The installments the given lines, or else a template's lines, would make of an amount from
    a base date; writes nothing. The currency defaults to the company's (the template's, else the
    given one), whole-yuan rounding to the template's setting. Raises DomainError."""
    if lines is None:
        if terms is None:
            raise DomainError(TermsErrorCode.TERMS_EMPTY, _("Give the lines or a template id."), field="lines")
        lines = terms_lines(terms)
    if whole_units is None:
        whole_units = terms.whole_units if terms is not None else False
    owner = terms.company if terms is not None else company
    currency = money.validate_currency(currency or (owner.currency if owner is not None else money.DEFAULT_CURRENCY))
    money.validate_amount(amount, currency)
    require_business_date(base_date, field="base_date")
    return build_schedule(
        line_specs(lines), total=amount, currency=currency, base_date=base_date, whole_units=whole_units
    )
