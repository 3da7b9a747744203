"""Scoped reads the receipt pages need beyond the plain lists: a customer found from what was typed
(code and name, up to 20 matches for the entry form's suggestions), the receipt list narrowed by
text and by unapplied cash, and the open installments a receipt can be matched to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import F, Q, QuerySet

from huikuan.accounts.models import User
from huikuan.contracts.models import Installment
from huikuan.contracts.selectors import installments_visible_to
from huikuan.core.numbers import NumberFormatError, parse_int
from huikuan.customers.models import Customer
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables.models import Receipt
from huikuan.receivables.selectors import receipt_list

# How a customer is written in a suggestion and read back: "C0001 · 杭州云帆网络科技有限公司"
SEPARATOR = " · "
MAX_TEXT = 100
SUGGESTIONS = 20
# the other open installments offered beside the proposal: a customer may have hundreds
OTHER_INSTALLMENTS = 50


def customer_label(customer: Customer) -> str:
    return f"{customer.code}{SEPARATOR}{customer.name}"


def customer_matches(*, user: User, text: str, limit: int = SUGGESTIONS) -> list[Customer]:
    """Up to ``limit`` customers the user may see whose code starts with, or whose name contains,
    ``text``; codes first. A blank text finds nothing (50,000 customers are not offered)."""
    text = " ".join(text.split())[:MAX_TEXT]
    if not text:
        return []
    code = text.split(SEPARATOR.strip())[0].strip()
    found = customers_visible_to(user).filter(Q(code__istartswith=code) | Q(name__icontains=text))
    return list(found.order_by("code", "pk")[:limit])


def customer_from_text(*, user: User, text: str) -> list[Customer]:
    """The customers the user may see that ``text`` names: a suggestion as written by
    ``customer_label``, a code, an exact name, or an id (what other pages link with,
    ``?customer=12``). One customer when the text is clear; none or several otherwise."""
    text = " ".join(text.split())[:MAX_TEXT]
    if not text:
        return []
    visible = customers_visible_to(user)
    code, _sep, name = text.partition(SEPARATOR.strip())
    code, name = code.strip(), name.strip()
    if name:
        # a suggestion picked from the list: the code within the user's companies, the name to
        # tell apart two companies' customers with the same code
        matches = list(visible.filter(code__iexact=code)[:10])
        if len(matches) > 1:
            matches = [c for c in matches if c.name == name]
        return matches
    try:
        pk = parse_int(text)
    except NumberFormatError:
        pk = None
    if pk is not None:
        by_id = list(visible.filter(pk=pk))
        if by_id:
            return by_id
    by_code = list(visible.filter(code__iexact=text)[:10])
    if by_code:
        return by_code
    return list(visible.filter(name=text)[:10])


def receipt_page_list(
    *, user: User, filters: Mapping[str, Any], text: str = "", unapplied_only: bool = False
) -> QuerySet[Receipt]:
    """``selectors.receipt_list`` (scope and ``ReceiptFilter``) narrowed by a text found in the
    number, the payer or the bank reference, and to receipts with unapplied cash, newest first.
    Raises ValidationError on bad filters."""
    rows = receipt_list(user=user, filters=filters)
    text = " ".join(text.split())[:MAX_TEXT]
    if text:
        rows = rows.filter(
            Q(number__icontains=text) | Q(payer_name__icontains=text) | Q(bank_reference__icontains=text)
        )
    if unapplied_only:
        # compares two stored columns: exact on SQLite too (no arithmetic)
        rows = rows.filter(reversed_on__isnull=True, allocated_amount__lt=F("amount"))
    return rows.order_by("-received_on", "-pk")


def _matchable(user: User, receipt: Receipt) -> QuerySet[Installment]:
    """The open installments of the receipt's customer in its currency, of active contracts,
    that the user may see."""
    return installments_visible_to(user).filter(
        customer_id=receipt.customer_id,
        currency=receipt.currency,
        booked_on__isnull=False,
        open_amount__gt=0,
    )


def other_open_installments(
    *, user: User, receipt: Receipt, exclude: Iterable[int] = (), limit: int = OTHER_INSTALLMENTS
) -> list[Installment]:
    """Up to ``limit`` more installments the receipt could be matched to, oldest due first (those
    waiting on a milestone last), besides those in ``exclude`` (the proposal)."""
    rows = _matchable(user, receipt).exclude(pk__in=list(exclude))
    # NULL due dates last on every database, as matching orders them
    order = (F("due_date").asc(nulls_last=True), "contract__signed_on", "contract_id", "sequence")
    return list(rows.order_by(*order)[:limit])


def installments_by_pk(*, user: User, receipt: Receipt, pks: Iterable[int]) -> dict[int, Installment]:
    """The installments ``pks`` that the user may see and that belong to the receipt's customer
    (rows posted back by the matching panel; any other id is dropped)."""
    wanted = list(pks)
    if not wanted:
        return {}
    rows = installments_visible_to(user).filter(customer_id=receipt.customer_id, pk__in=wanted)
    return {row.pk: row for row in rows}
