"""Previewing a template: the same schedule the contract would get, and nothing written."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.core.errors import DomainError
from huikuan.terms.models import PaymentTerms
from huikuan.terms.services import terms_create, terms_preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def halves(company, manager):
    return terms_create(
        actor=manager,
        company=company,
        name="两期",
        whole_units=True,
        lines=[
            {"amount_kind": "percent", "percent": D("50"), "due_rule": "after_base"},
            {"amount_kind": "remainder", "due_rule": "end_of_month", "days": 30},
        ],
    )


def test_a_template_preview_takes_its_rounding_and_the_company_currency(halves):
    # when
    planned = terms_preview(terms=halves, amount=D("1001.01"), base_date=dt.date(2025, 1, 15))
    # then: whole yuan from the template, the rest on the last installment
    assert [(p.amount, p.due_date) for p in planned] == [
        (D("501"), dt.date(2025, 1, 15)),
        (D("500.01"), dt.date(2025, 3, 2)),
    ]
    assert PaymentTerms.objects.count() == 1


def test_a_preview_needs_lines_or_a_template():
    with pytest.raises(DomainError) as error:
        terms_preview(amount=D("1.00"), base_date=dt.date(2025, 1, 1))
    assert (error.value.code, error.value.field) == ("terms_empty", "lines")
