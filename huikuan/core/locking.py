"""Row locks for services.

``FOR NO KEY UPDATE OF <table>`` rather than a bare ``FOR UPDATE``: a bare one also locks every
select_related row (the customer, the company) and blocks other transactions' foreign-key
checks against them, which deadlocks two services that touch one customer. SQLite ignores
row locks; its IMMEDIATE transactions serialize writers instead."""

from typing import TypeVar

from django.db.models import Manager, Model, QuerySet

M = TypeVar("M", bound=Model)


def for_update(queryset: QuerySet[M] | Manager[M]) -> QuerySet[M]:
    return queryset.select_for_update(of=("self",), no_key=True)
