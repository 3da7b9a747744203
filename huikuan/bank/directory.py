"""What the matching engine reads, once per batch of lines: the company's customers, contract
numbers and known payers (``Directory``), and the open installments of the customers in question
(``OpenBook``). Plain tuples from the database, no model instances: a batch may cover most of a
large book."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from huikuan.bank.matching import Directory, OpenBook, OpenItem
from huikuan.bank.models import KnownPayer
from huikuan.contracts.models import Contract, Installment
from huikuan.core import money
from huikuan.customers.models import Customer

_CHUNK = 2000
_LAST = dt.date.max


def directory_for(company_id: int) -> Directory:
    directory = Directory()
    customers = Customer.objects.filter(company_id=company_id).values_list("pk", "name")
    for pk, name in customers.iterator(chunk_size=10000):
        directory.add_customer(pk, name)
    contracts = Contract.objects.filter(company_id=company_id).exclude(number="")
    for pk, number, customer_id in contracts.values_list("pk", "number", "customer_id").iterator(chunk_size=10000):
        directory.add_contract(pk, number, customer_id)
    for kind, key, customer_id in KnownPayer.objects.filter(company_id=company_id).values_list(
        "kind", "key", "customer_id"
    ):
        directory.learn(kind, key, customer_id)
    return directory


def open_book(company_id: int, customer_ids: Iterable[int]) -> OpenBook:
    """The customers' open installments (of active contracts) in matching order: oldest due first,
    those waiting on a milestone last, then by signing date, contract and sequence, as
    ``receivables.services.allocations`` suggests."""
    book = OpenBook()
    wanted = sorted(set(customer_ids))
    rows: list[tuple] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = Installment.objects.filter(
            company_id=company_id, customer_id__in=chunk, booked_on__isnull=False, open_amount__gt=0
        ).annotate(open_cents=money.Cents("open_amount"))
        rows.extend(
            query.values_list(
                "customer_id",
                "pk",
                "contract_id",
                "currency",
                "due_date",
                "open_cents",
                "contract__signed_on",
                "sequence",
            )
        )
    rows.sort(key=lambda r: (r[0], r[4] or _LAST, r[6], r[2], r[7]))
    for customer_id, pk, contract_id, currency, due_date, cents, _signed, _sequence in rows:
        book.add(customer_id, OpenItem(pk, contract_id, currency, due_date, int(cents)))
    return book
