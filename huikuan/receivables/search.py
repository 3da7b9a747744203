"""The top bar's search: customers by name, code or tax id, contracts by number or title,
receipts by number or bank reference, all within what the user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from huikuan.accounts.models import User
from huikuan.contracts.models import Contract
from huikuan.contracts.selectors import contracts_visible_to
from huikuan.customers.models import Customer
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables.models import Receipt
from huikuan.receivables.selectors import receipts_visible_to

MAX_QUERY = 100


@dataclass(frozen=True)
class SearchResults:
    text: str
    customers: list[Customer]
    contracts: list[Contract]
    receipts: list[Receipt]
    limit: int

    @property
    def empty(self) -> bool:
        return not (self.customers or self.contracts or self.receipts)


def search_records(*, user: User, text: str, limit: int = 20) -> SearchResults:
    """Up to ``limit`` records of each kind matching ``text`` (trimmed, at most MAX_QUERY
    characters); a blank text finds nothing."""
    text = " ".join(text.split())[:MAX_QUERY]
    if not text:
        return SearchResults(text, [], [], [], limit)
    customers = list(
        customers_visible_to(user)
        .filter(Q(name__icontains=text) | Q(code__iexact=text) | Q(tax_id__iexact=text.upper()))
        .order_by("name", "pk")[:limit]
    )
    contracts = list(
        contracts_visible_to(user)
        .filter(Q(number__icontains=text) | Q(title__icontains=text))
        .order_by("-signed_on", "-pk")[:limit]
    )
    receipts = list(
        receipts_visible_to(user)
        .filter(Q(number__icontains=text) | Q(bank_reference__icontains=text))
        .order_by("-received_on", "-pk")[:limit]
    )
    return SearchResults(text, customers, contracts, receipts, limit)
