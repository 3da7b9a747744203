"""Reading bank accounts, statements and lines.

A statement shows every payer's money and the company's own outgoings, so it is for those who
import and match (Perm.BANK_IMPORT) and see their companies whole: a sales rep who sees only their
own customers sees no bank line, whatever their role says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.utils.translation import pgettext

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import restrict, sees_whole_companies
from huikuan.bank.models import BankAccount, BankLine, BankStatement, LineStatus
from huikuan.bank.reasons import reasons_text
from huikuan.contracts.models import Installment
from huikuan.core import money
from huikuan.customers.models import Customer


def may_see_bank(user: User) -> bool:
    return user.has_perm_code(Perm.BANK_IMPORT) and sees_whole_companies(user)


def _visible(queryset: QuerySet[Any], user: User) -> QuerySet[Any]:
    if not may_see_bank(user):
        return queryset.none()
    return restrict(queryset, user, owner=None)


def accounts_visible_to(user: User) -> QuerySet[BankAccount]:
    return _visible(BankAccount.objects.all(), user)


def statements_visible_to(user: User) -> QuerySet[BankStatement]:
    return _visible(BankStatement.objects.all(), user)


def lines_visible_to(user: User) -> QuerySet[BankLine]:
    return _visible(BankLine.objects.all(), user)


def reconciliation_state() -> Case:
    """A line's state now: a matched line whose receipt was reversed (on the receipts page, say) is
    open again; one whose receipt is not wholly allocated is partly matched."""
    return Case(
        When(receipt__reversed_on__isnull=False, then=Value(LineStatus.OPEN)),
        When(
            receipt__isnull=False,
            receipt__allocated_amount__lt=F("receipt__amount"),
            then=Value(LineStatus.PARTLY_MATCHED),
        ),
        When(receipt__isnull=False, then=Value(LineStatus.MATCHED)),
        default=F("status"),
        output_field=CharField(),
    )


def line_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[BankLine]:
    """Lines the user may see with their state now, newest first; ``filters``: account, statement,
    state, q (payer, memo or reference), min_confidence / max_confidence (percent), direction ('in')."""
    filters = filters or {}
    lines = (
        lines_visible_to(user)
        .select_related("account", "customer", "receipt")
        .alias(state=reconciliation_state())
        .annotate(current=reconciliation_state())
    )
    if filters.get("account"):
        lines = lines.filter(account_id=filters["account"])
    if filters.get("statement"):
        lines = lines.filter(statement_id=filters["statement"])
    if filters.get("state"):
        lines = lines.filter(state=filters["state"])
    if filters.get("direction") == "in":
        lines = lines.filter(amount__gt=0)
    if filters.get("q"):
        q = str(filters["q"]).strip()
        lines = lines.filter(Q(payer_name__icontains=q) | Q(memo__icontains=q) | Q(reference__icontains=q))
    if filters.get("min_confidence") is not None:
        lines = lines.filter(confidence__gte=filters["min_confidence"])
    if filters.get("max_confidence") is not None:
        lines = lines.filter(confidence__lte=filters["max_confidence"])
    return lines.order_by("-booked_on", "-pk")


def review_queue(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[BankLine]:
    """Money in that no one has matched or ignored: the surest proposals first, those with none
    last; then the oldest first."""
    lines = line_list(user=user, filters={**(filters or {}), "state": LineStatus.OPEN, "direction": "in"})
    return lines.order_by("-confidence", "booked_on", "pk")


def statement_list(*, user: User, account: int | None = None) -> QuerySet[BankStatement]:
    """Statements with how many of their lines are in each state now."""
    statements = statements_visible_to(user).select_related("account", "imported_by")
    if account:
        statements = statements.filter(account_id=account)
    live = Q(lines__receipt__isnull=False, lines__receipt__reversed_on__isnull=True)
    whole = Q(lines__receipt__allocated_amount__gte=F("lines__receipt__amount"))
    unmatched = Q(lines__receipt__isnull=True) | Q(lines__receipt__reversed_on__isnull=False)
    counts = {
        "open_count": Count("lines", filter=unmatched & ~Q(lines__status=LineStatus.IGNORED)),
        "matched_count": Count("lines", filter=live & whole),
        "partly_count": Count("lines", filter=live & ~whole),
        "ignored_count": Count("lines", filter=unmatched & Q(lines__status=LineStatus.IGNORED)),
    }
    return statements.annotate(**counts).order_by("-imported_at", "-pk")


@dataclass(frozen=True)
class ProposalView:
    index: int
    customer: Customer | None
    lines: list[tuple[Installment | None, Decimal]]
    confidence: int
    reasons: list[str]
    unapplied: Decimal

    @property
    def reasons_text(self) -> str:
        return pgettext("list separator", "; ").join(self.reasons)


def proposals_of(line: BankLine) -> list[ProposalView]:
    """A line's proposals with their customers and installments, the reasons in words."""
    data = line.proposals or []
    customer_ids = {int(p["customer"]) for p in data}
    installment_ids = {int(pk) for p in data for pk, _cents in p["lines"]}
    customers = Customer.objects.in_bulk(customer_ids)
    installments = Installment.objects.select_related("contract").in_bulk(installment_ids)
    views = []
    for index, proposal in enumerate(data):
        lines = [(installments.get(int(pk)), money.from_cents(int(cents))) for pk, cents in proposal["lines"]]
        allocated = sum((amount for _i, amount in lines), Decimal(0))
        views.append(
            ProposalView(
                index=index,
                customer=customers.get(int(proposal["customer"])),
                lines=lines,
                confidence=int(proposal["confidence"]),
                reasons=reasons_text(proposal["reasons"]),
                unapplied=line.amount - allocated,
            )
        )
    return views


def open_installments_of(customer: Customer, currency: str) -> QuerySet[Installment]:
    """What a line may be allocated to by hand: the customer's open installments in matching order."""
    return (
        Installment.objects.filter(customer=customer, currency=currency, booked_on__isnull=False, open_amount__gt=0)
        .select_related("contract")
        .order_by(F("due_date").asc(nulls_last=True), "contract__signed_on", "contract_id", "sequence")
    )
