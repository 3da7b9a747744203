""" "More rows" in the plan editor: three more blank rows, what was typed kept as it was typed, and
nothing checked: a row with only a label, an amount that cannot be read or a date that is not one
show no error until the plan is saved (then they are refused on their fields, as before)."""

import re
from decimal import Decimal as D

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TYPED = {
    "plan-TOTAL_FORMS": "5",
    "plan-INITIAL_FORMS": "0",
    "plan-0-label": "首付款",
    "plan-0-amount": "600.00",
    "plan-0-due_date": "2025-02-01",
    "plan-1-label": "尾款",
    "plan-1-amount": "300.00",
    "plan-1-milestone": "acceptance",
    "plan-1-offset_months": "12",
    "plan-1-is_retention": "on",
    "plan-3-label": "只有名称",  # a label alone: the amount is required on saving
    "plan-4-amount": "abc",  # cannot be read as a number
    "plan-4-due_date": "2025-02-30",  # not a date
    "plan-4-offset_days": "x",
}


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def value_of(page: str, name: str) -> str | None:
    """The value an input named ``name`` is shown with (None: none, or no such input)."""
    tag = re.search(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert tag, name
    value = re.search(r'\bvalue="([^"]*)"', tag[0])
    return value[1] if value else None


def test_more_rows_keeps_what_was_typed_and_checks_nothing(rep, rep_book):
    draft = rep_book.draft  # 1,000.00, one installment of 1,000.00
    response = signed_in(rep).post(f"/contracts/{draft.pk}/plan/installments/", {**TYPED, "more": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    # three more rows
    assert 'name="plan-TOTAL_FORMS" value="8"' in page
    assert page.count('class="border rounded p-2 mb-2 plan-line"') == 8
    assert value_of(page, "plan-7-amount") is None
    # what was typed, as typed
    assert value_of(page, "plan-0-label") == "首付款"
    assert value_of(page, "plan-0-amount") == "600.00"
    assert value_of(page, "plan-0-due_date") == "2025-02-01"
    assert value_of(page, "plan-1-offset_months") == "12"
    assert re.search(r'<option value="acceptance" selected>', page)
    assert re.search(r'<input type="checkbox" name="plan-1-is_retention"[^>]*\bchecked\b', page)
    assert not re.search(r'<input type="checkbox" name="plan-0-is_retention"[^>]*\bchecked\b', page)
    assert value_of(page, "plan-3-label") == "只有名称"
    assert value_of(page, "plan-4-amount") == "abc"
    assert value_of(page, "plan-4-due_date") == "2025-02-30"
    assert value_of(page, "plan-4-offset_days") == "x"
    # and no error of any kind
    for error in (
        "This field is required.",
        "Enter a number such as 1234.50",
        "Enter a valid date.",
        "Enter a whole number.",
        "invalid-feedback",
        "is-invalid",
        "aria-invalid",
        "alert-danger",
    ):
        assert error not in page, error
    # the sum check counts the amount that cannot be read apart
    assert "The installments add up to 900.00 of 1,000.00 CNY." in page
    assert "1 amount cannot be read as a number." in page
    # nothing saved
    assert list(draft.installments.values_list("amount", flat=True)) == [D("1000.00")]


def test_saving_the_same_rows_refuses_them_on_their_fields(rep, rep_book):
    draft = rep_book.draft
    response = signed_in(rep).post(f"/contracts/{draft.pk}/plan/installments/", TYPED)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_plan-3-amount_error">This field is required.' in page
    assert 'id="id_plan-4-amount_error">Enter a number such as 1234.50' in page
    assert value_of(page, "plan-4-amount") == "abc"
    assert list(draft.installments.values_list("amount", flat=True)) == [D("1000.00")]


@pytest.mark.parametrize("total", ["", "x", "-4", "5000"])
def test_more_rows_with_a_broken_row_count(rep, rep_book, total):
    """A row count that cannot be read counts as none; one past the limit stops at the limit."""
    data = {**TYPED, "plan-TOTAL_FORMS": total, "more": "1"}
    response = signed_in(rep).post(f"/contracts/{rep_book.draft.pk}/plan/installments/", data)
    page = response.content.decode()
    assert response.status_code == 200
    rows = page.count('class="border rounded p-2 mb-2 plan-line"')
    assert rows == (1000 if total == "5000" else 3)
    assert "invalid-feedback" not in page
