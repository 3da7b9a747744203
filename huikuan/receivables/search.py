"""The top bar's search: customers by name, code or tax id, contracts by number, receipts by
number or bank reference, all within what the user may see.

Numbers are matched from their start (``HT-2026-004`` finds HT-2026-00467) and bank references
exactly, so that each is an index range of the company's (company, number) or reference index:
a search for text inside every one of a million numbers would read them all (3 s at the bench
size). Customer names, a few thousand rows, are matched anywhere in the name."""

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
# above every character: the end of the range of strings that start with a prefix
_LAST = "\U0010ffff"


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


def _starts_with(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``: a range the column's index answers, and the exact test
    (under some PostgreSQL collations a range alone would let in other strings)."""
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + _LAST, f"{field}__startswith": prefix})


def search_records(*, user: User, text: str, limit: int = 20) -> SearchResults:
    """Up to ``limit`` records of each kind matching ``text`` (trimmed, at most MAX_QUERY
    characters); a blank text finds nothing."""
    text = " ".join(text.split())[:MAX_QUERY]
    if not text:
        return SearchResults(text, [], [], [], limit)
    number = text.upper()  # numbers are made upper-case from their patterns (HT-, SK-)
    customers = list(
        customers_visible_to(user)
        .filter(Q(name__icontains=text) | Q(code__iexact=text) | Q(tax_id=number))
        .order_by("name", "pk")[:limit]
    )
    contracts = list(contracts_visible_to(user).filter(_starts_with("number", number)).order_by("number", "pk")[:limit])
    # two index ranges, merged here: one query with OR and the list's order would walk the whole
    # (company, received_on) index looking for matches (SQLite: 1.6 s at the bench size)
    visible = receipts_visible_to(user)
    by_number = visible.filter(_starts_with("number", number)).order_by("number", "pk")[:limit]
    # "not blank" as the partial index of references says it, so that the database uses that index
    by_reference = visible.filter(bank_reference=text).exclude(bank_reference="").order_by("pk")[:limit]
    found = {receipt.pk: receipt for receipt in [*by_number, *by_reference]}
    receipts = sorted(found.values(), key=lambda r: (r.received_on, r.pk), reverse=True)[:limit]
    return SearchResults(text, customers, contracts, receipts, limit)
