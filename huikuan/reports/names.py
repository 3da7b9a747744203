"""The names on a report's lines, read for the lines shown only (a page of 100, or every line for a
file), 500 ids per query (far below SQLite's parameter limit): a report at 50,000 customers keeps ids
on its lines and names only what it shows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar

from huikuan.accounts.models import User
from huikuan.contracts.models import Contract
from huikuan.customers.models import Customer

CHUNK = 500


class Named(Protocol):
    currency: str
    customer_id: int | None
    code: str
    label: str


L = TypeVar("L", bound=Named)


def ids_present(lines: Iterable[Any], attribute: str) -> list[int]:
    return sorted({getattr(line, attribute) for line in lines if getattr(line, attribute, None) is not None})


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def owners_of(customer_ids: list[int]) -> dict[int, int]:
    """Customer id to the id of its owner."""
    owners: dict[int, int] = {}
    for chunk in _chunks(customer_ids):
        owners.update(Customer.objects.filter(pk__in=chunk).values_list("pk", "owner_id"))
    return owners


def name_lines(lines: Sequence[L], grouping: str) -> Sequence[L]:
    """Fill ``code`` and ``label`` of lines grouped by ``grouping``: a customer's code and name, an
    owner's username and full name, a contract's number and its customer's name (and the line's
    customer id), otherwise (a currency, a total) the currency."""
    if grouping == "customer":
        customers: dict[int, tuple[str, str]] = {}
        for chunk in _chunks(ids_present(lines, "customer_id")):
            customers.update(
                (pk, (code, name))
                for pk, code, name in Customer.objects.filter(pk__in=chunk).values_list("pk", "code", "name")
            )
        for line in lines:
            line.code, line.label = customers.get(line.customer_id or 0, ("", ""))
    elif grouping == "owner":
        owners: dict[int, tuple[str, str]] = {}
        for chunk in _chunks(ids_present(lines, "owner_id")):
            owners.update(
                (user.pk, (user.username, user.get_full_name() or user.username))
                for user in User.objects.filter(pk__in=chunk)
            )
        for line in lines:
            line.code, line.label = owners.get(getattr(line, "owner_id", None) or 0, ("", ""))
    elif grouping == "contract":
        contracts: dict[int, tuple[str, int, str]] = {}
        for chunk in _chunks(ids_present(lines, "contract_id")):
            rows = Contract.objects.filter(pk__in=chunk).values_list("pk", "number", "customer_id", "customer__name")
            contracts.update((pk, (number, customer, name)) for pk, number, customer, name in rows)
        for line in lines:
            number, customer, name = contracts.get(getattr(line, "contract_id", None) or 0, ("", None, ""))
            line.code, line.label = number, name
            line.customer_id = customer
    else:
        for line in lines:
            line.code = line.label = line.currency
    return lines
