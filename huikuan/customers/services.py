"""Changing customers and their contacts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from huikuan.accounts.models import Company, User
from huikuan.accounts.owners import check_owner, owner_change_data
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_company, require_visible
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.core import money
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.core.locking import for_update
from huikuan.core.numbering import assign_number
from huikuan.customers.errors import CustomerErrorCode
from huikuan.customers.models import Contact, Customer, CustomerStatus, Tag
from huikuan.customers.selectors import customers_visible_to
from huikuan.terms.models import PaymentTerms

EDITABLE_FIELDS = ("name", "tax_id", "address", "owner", "credit_limit", "default_terms", "status", "notes")


def normalize_tax_id(value: str) -> str:
    """The USCC (统一社会信用代码) in compact form, or '' for none. Raises DomainError."""
    value = (value or "").strip().upper()
    if not value:
        return ""
    try:
        return uscc.validate(value)
    except StdnumError as error:
        raise DomainError(
            CustomerErrorCode.INVALID_TAX_ID, _("This is not a valid unified social credit code."), field="tax_id"
        ) from error


def _check_values(
    *, actor: User, company: Company, values: Mapping[str, Any], exclude_pk: int | None = None
) -> dict[str, Any]:
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            raise DomainError(CustomerErrorCode.NAME_REQUIRED, _("Enter the customer's name."), field="name")
    if "tax_id" in cleaned:
        cleaned["tax_id"] = normalize_tax_id(cleaned["tax_id"])
        if cleaned["tax_id"]:
            same_tax_id = Customer.objects.filter(company=company, tax_id=cleaned["tax_id"])
            if exclude_pk is not None:
                same_tax_id = same_tax_id.exclude(pk=exclude_pk)
            clash = same_tax_id.first()
            if clash is not None:
                # A tax id is unique in the company, so a clash cannot be hidden; but only someone
                # who may see the other customer learns which one it is (issue 11, item 9).
                if customers_visible_to(actor).filter(pk=clash.pk).exists():
                    message = _("Customer %(code)s already has this tax id.") % {"code": clash.code}
                else:
                    message = _("Another customer of the company already has this tax id.")
                raise DomainError(CustomerErrorCode.DUPLICATE_TAX_ID, message, field="tax_id")
    if "credit_limit" in cleaned:
        cleaned["credit_limit"] = money.validate_amount(
            Decimal(cleaned["credit_limit"] or 0), company.currency, field="credit_limit", allow_zero=True
        )
    terms = cleaned.get("default_terms")
    if isinstance(terms, PaymentTerms) and terms.company_id != company.pk:
        raise DomainError(
            CustomerErrorCode.INVALID_TERMS, _("The payment terms belong to another company."), field="default_terms"
        )
    if "status" in cleaned and cleaned["status"] not in CustomerStatus.values:
        raise DomainError(CustomerErrorCode.INVALID_STATUS, _("Unknown status."), field="status")
    return cleaned


def _set_tags(customer: Customer, names: Iterable[str]) -> None:
    tags = []
    for name in {n.strip() for n in names if n and n.strip()}:
        tag, _created = Tag.objects.get_or_create(company_id=customer.company_id, name=name[:50])
        tags.append(tag)
    customer.tags.set(tags)


def _set_contacts(customer: Customer, contacts: Iterable[Mapping[str, Any]]) -> None:
    customer.contacts.all().delete()
    for index, data in enumerate(contacts):
        name = (data.get("name") or "").strip()
        if not name:
            raise DomainError(
                CustomerErrorCode.CONTACT_NAME_REQUIRED,
                _("Every contact needs a name."),
                field=f"contacts[{index}].name",
            )
        Contact.objects.create(
            customer=customer,
            name=name,
            role=data.get("role", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            is_primary=bool(data.get("is_primary", False)),
        )


@transaction.atomic
def customer_create(
    *,
    actor: User,
    company: Company,
    name: str,
    owner: User | None = None,
    code: str = "",
    tax_id: str = "",
    address: str = "",
    credit_limit: Decimal = money.ZERO,
    default_terms: PaymentTerms | None = None,
    status: str = CustomerStatus.ACTIVE,
    notes: str = "",
    tags: Iterable[str] = (),
    contacts: Iterable[Mapping[str, Any]] = (),
) -> Customer:
    """Create a customer, its code from the company's pattern unless given. Raises DomainError."""
    require(actor, Perm.CUSTOMER_CHANGE)
    require_company(actor, company.pk)
    owner = owner or actor
    check_owner(actor=actor, owner=owner, company_id=company.pk, creating=True)
    values = _check_values(
        actor=actor,
        company=company,
        values={
            "name": name,
            "tax_id": tax_id,
            "address": address,
            "credit_limit": credit_limit,
            "default_terms": default_terms,
            "status": status,
            "notes": notes,
        },
    )
    code = assign_number(
        model=Customer,
        company=company,
        given=code,
        field="code",
        kind="customer",
        pattern=company.customer_code_pattern,
        on=today(),
    )
    customer = Customer.objects.create(company=company, code=code, owner=owner, **values)
    _set_tags(customer, tags)
    _set_contacts(customer, contacts)
    audit.record(action=AuditAction.CUSTOMER_CREATED, target=customer, actor=actor)
    return customer


@transaction.atomic
def customer_update(
    *,
    actor: User,
    customer: Customer,
    tags: Iterable[str] | None = None,
    contacts: Iterable[Mapping[str, Any]] | None = None,
    **changes: Any,
) -> Customer:
    """Change a customer's details; ``tags`` and ``contacts``, when given, replace the old ones.
    Raises DomainError."""
    require(actor, Perm.CUSTOMER_CHANGE)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(CustomerErrorCode.NOT_EDITABLE, _("This field cannot be changed."), field=sorted(unknown)[0])
    require_visible(actor, customer, owner="owner")
    customer = for_update(Customer.objects).get(pk=customer.pk)
    previous_owner = customer.owner if "owner" in changes else None
    if previous_owner is not None:
        check_owner(actor=actor, owner=changes["owner"], company_id=customer.company_id, keeps=previous_owner)
    values = _check_values(actor=actor, company=customer.company, values=changes, exclude_pk=customer.pk)
    before = {field: getattr(customer, field) for field in values}
    for field, value in values.items():
        setattr(customer, field, value)
    customer.save()
    if tags is not None:
        _set_tags(customer, tags)
    if contacts is not None:
        _set_contacts(customer, contacts)
    audit.record(
        action=AuditAction.CUSTOMER_UPDATED,
        target=customer,
        actor=actor,
        data={"before": {k: str(v) for k, v in before.items()}, "after": {k: str(v) for k, v in values.items()}},
    )
    if previous_owner is not None and customer.owner_id != previous_owner.pk:
        audit.record(
            action=AuditAction.CUSTOMER_OWNER_CHANGED,
            target=customer,
            actor=actor,
            data=owner_change_data(before=previous_owner, after=customer.owner),
        )
    return customer


def customers_hold(
    *, customer_ids: Iterable[int], actor: User | None, reason: str, by: Model | None = None
) -> list[int]:
    """Put active customers on credit hold (a dunning step does this, as the system when ``actor`` is
    None), in the caller's transaction, which must already hold their locks. Customers already on
    hold or closed are left as they are. Each customer changed gets its audit event; given ``by``
    (a dunning run holding hundreds at once), one event on it lists them instead. Returns the ids
    changed."""
    ids = sorted(
        Customer.objects.filter(pk__in=list(customer_ids), status=CustomerStatus.ACTIVE).values_list("pk", flat=True)
    )
    if not ids:
        return []
    Customer.objects.filter(pk__in=ids).update(status=CustomerStatus.ON_HOLD, updated_at=timezone.now())
    change = {"before": CustomerStatus.ACTIVE, "after": CustomerStatus.ON_HOLD}
    if by is not None:
        audit.record(
            action=AuditAction.CUSTOMER_CREDIT_HOLD,
            target=by,
            actor=actor,
            reason=reason,
            data=change | {"customers": ids},
        )
        return ids
    for customer in Customer.objects.filter(pk__in=ids).order_by("pk"):
        audit.record(action=AuditAction.CUSTOMER_CREDIT_HOLD, target=customer, actor=actor, reason=reason, data=change)
    return ids
