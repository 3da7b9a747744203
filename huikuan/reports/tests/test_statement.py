"""The customer statement on the hand-built company (conftest.py), worked out by hand, and its
properties on random books: a period's closing balance is the next one's opening, and closing plus
what is booked but not yet due is the customer's balance (rule 6)."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from huikuan.core.errors import DomainError
from huikuan.receivables import figures
from huikuan.receivables.services.adjustments import adjustment_create, adjustment_reverse
from huikuan.receivables.services.allocations import allocation_create
from huikuan.receivables.services.receipts import receipt_create, receipt_reverse
from huikuan.reports.statement import LineKind, customer_statement, ledger_balance

pytestmark = pytest.mark.django_db
Z = D("0.00")


def test_a_month_of_customer_a(book):
    # opening on 31 May 2025: A1's 3,000.00 (due 15 Apr) and A2's 500.00 (due 1 May 2024) had
    # fallen due, nothing was paid: 3,500.00. In June: 2,000.00 due on the 1st (5,500.00), 2,500.00
    # received on the 10th (3,000.00), 1,000.00 due on the 30th (4,000.00).
    statement = customer_statement(customer=book.a, currency="CNY", start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30))
    assert statement.opening == D("3500.00")
    assert [(line.on, line.kind, line.charge, line.credit, line.balance) for line in statement.lines] == [
        (dt.date(2025, 6, 1), LineKind.DUE, D("2000.00"), Z, D("5500.00")),
        (dt.date(2025, 6, 10), LineKind.RECEIPT, Z, D("2500.00"), D("3000.00")),
        (dt.date(2025, 6, 30), LineKind.DUE, D("1000.00"), Z, D("4000.00")),
    ]
    assert statement.lines[1].reference == book.receipt_a.number
    assert statement.lines[0].reference.startswith(book.a1.number)
    assert (statement.charges, statement.credits, statement.closing) == (D("3000.00"), D("2500.00"), D("4000.00"))
    # nothing booked is still to fall due; the balance agrees with the aging's net for A (4,000.00)
    assert (statement.not_yet_due, statement.unapplied, statement.balance) == (Z, D("500.00"), D("4000.00"))


def test_customer_b_over_two_quarters(book):
    # Q1: 7,000.00 due 1 Feb, 1,000.00 discount 1 Mar: 6,000.00. Q2: a 300.00 advance: 5,700.00.
    first = customer_statement(customer=book.b, currency="CNY", start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31))
    assert first.opening == Z
    assert [(line.kind, line.charge, line.credit) for line in first.lines] == [
        (LineKind.DUE, D("7000.00"), Z),
        (LineKind.ADJUSTMENT, Z, D("1000.00")),
    ]
    assert first.closing == D("6000.00")
    second = customer_statement(customer=book.b, currency="CNY", start=dt.date(2025, 4, 1), end=dt.date(2025, 6, 30))
    assert second.opening == first.closing
    assert second.closing == D("5700.00")
    assert second.balance == figures.customer_balance(book.b.pk, dt.date(2025, 6, 30)).balance


def test_installments_not_yet_due_are_below_the_ledger(book):
    # on 30 Apr 2025 A's 2,000.00 and 1,000.00 are booked (signed in January) but not yet due
    statement = customer_statement(customer=book.a, currency="CNY", start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 30))
    assert statement.closing == D("3500.00")
    assert statement.not_yet_due == D("3000.00")
    assert statement.balance == figures.customer_balance(book.a.pk, dt.date(2025, 4, 30)).balance == D("6500.00")


def test_reversals_are_charged_back(manager, book):
    receipt = receipt_create(actor=manager, customer=book.b, received_on=dt.date(2025, 7, 2), amount=D("1000.00"))
    receipt_reverse(actor=manager, receipt=receipt, reason="退票", reversed_on=dt.date(2025, 7, 5))
    adjustment = book.b1.installments.get().adjustments.get()
    adjustment_reverse(actor=manager, adjustment=adjustment, reason="折让取消", reversed_on=dt.date(2025, 7, 8))
    statement = customer_statement(customer=book.b, currency="CNY", start=dt.date(2025, 7, 1), end=dt.date(2025, 7, 31))
    assert [(line.kind, line.charge, line.credit, line.balance) for line in statement.lines] == [
        (LineKind.RECEIPT, Z, D("1000.00"), D("4700.00")),
        (LineKind.RECEIPT_REVERSED, D("1000.00"), Z, D("5700.00")),
        (LineKind.ADJUSTMENT_REVERSED, D("1000.00"), Z, D("6700.00")),
    ]
    assert "退票" in statement.lines[1].description


def test_another_currency_has_its_own_statement(book):
    usd = customer_statement(customer=book.c, currency="USD", start=dt.date(2025, 7, 1), end=dt.date(2025, 7, 31))
    assert [(line.kind, line.charge) for line in usd.lines] == [(LineKind.DUE, D("100.00"))]
    cny = customer_statement(customer=book.c, currency="CNY", start=dt.date(2025, 7, 1), end=dt.date(2025, 7, 31))
    assert (cny.lines, cny.closing) == ([], Z)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(2025, 6, 30), dt.date(2025, 6, 1), "end"),
        (dt.date(1980, 1, 1), dt.date(2025, 6, 1), "start"),
        (dt.date(2000, 1, 1), dt.date(2025, 6, 1), "end"),
    ],
)
def test_bad_periods_are_refused(book, start, end, field):
    with pytest.raises(DomainError) as refused:
        customer_statement(customer=book.a, currency="CNY", start=start, end=end)
    assert refused.value.field == field


START = dt.date(2025, 1, 10)
DAYS = st.integers(min_value=0, max_value=200)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["receive", "allocate", "reverse", "adjust", "unadjust"]),
            DAYS,
            st.integers(min_value=0, max_value=5),
            st.decimals(min_value=D("0.01"), max_value=D("5000.00"), places=2),
        ),
        max_size=10,
    ),
    cuts=st.lists(DAYS, min_size=2, max_size=4, unique=True),
)
def test_statements_chain_and_agree_with_the_balance(manager, make_customer, make_contract, steps, cuts):
    with transaction.atomic():
        customer = make_customer(name="随机客户有限公司")
        contract = make_contract(
            customer,
            [("3000.00", dt.date(2025, 2, 1)), ("4000.00", dt.date(2025, 4, 1)), ("5000.00", dt.date(2025, 9, 1))],
        )
        installments = list(contract.installments.order_by("sequence"))
        receipts = []
        for action, day, pick, amount in steps:
            on = START + dt.timedelta(days=day)
            try:
                if action == "receive":
                    receipts.append(receipt_create(actor=manager, customer=customer, received_on=on, amount=amount))
                elif action == "allocate" and receipts:
                    receipt = receipts[pick % len(receipts)]
                    allocation_create(
                        actor=manager,
                        receipt=receipt,
                        installment=installments[pick % 3],
                        amount=amount,
                        effective_on=max(on, receipt.received_on),
                    )
                elif action == "reverse" and receipts:
                    receipt = receipts[pick % len(receipts)]
                    receipt_reverse(
                        actor=manager, receipt=receipt, reason="r", reversed_on=max(on, receipt.received_on)
                    )
                elif action == "adjust":
                    adjustment_create(
                        actor=manager,
                        installment=installments[pick % 3],
                        kind="discount",
                        amount=amount,
                        reason="a",
                        effective_on=on,
                    )
                elif action == "unadjust":
                    live = list(installments[pick % 3].adjustments.filter(reversed_on__isnull=True))
                    if live:
                        adjustment_reverse(
                            actor=manager, adjustment=live[0], reason="u", reversed_on=max(on, live[0].effective_on)
                        )
            except DomainError:
                pass
        days = sorted(START + dt.timedelta(days=d) for d in cuts)
        previous = None
        for start, end in zip(days, days[1:], strict=False):
            statement = customer_statement(
                customer=customer, currency="CNY", start=start + dt.timedelta(days=1), end=end
            )
            if previous is not None:
                assert statement.opening == previous.closing
            assert statement.opening == ledger_balance(customer.pk, "CNY", start)
            assert statement.closing == ledger_balance(customer.pk, "CNY", end)
            assert statement.balance == figures.customer_balance(customer.pk, end).balance
            previous = statement
        transaction.set_rollback(True)


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_the_page_and_its_pdf(manager, book):
    client = signed_in(manager)
    params = {"customer": book.a.pk, "start": "2025-06-01", "end": "2025-06-30"}
    page = client.get("/reports/statement/", params)
    assert page.status_code == 200
    assert page.context["statement"].closing == D("4000.00")
    assert "4,000.00" in page.content.decode()
    pdf = client.get("/reports/statement/", {**params, "export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    # the customer's Chinese name and the closing balance in capitals (大写金额)
    assert "东方机电有限公司" in text
    assert "肆仟元整" in text
    assert "4,000.00" in text
    book_xlsx = load_workbook(io.BytesIO(client.get("/reports/statement/", {**params, "export": "xlsx"}).content))
    values = list(book_xlsx.active.iter_rows(values_only=True))
    assert any(row[2] == "期末余额" and D(str(row[5])) == D("4000.00") for row in values if len(row) > 5)


def test_the_page_refuses_bad_periods_on_their_field(manager, book):
    response = signed_in(manager).get(
        "/reports/statement/", {"customer": book.a.pk, "start": "2025-06-30", "end": "2025-06-01"}
    )
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    assert response.context["statement"] is None


def test_another_reps_customer_is_not_found(rep, book):
    client = signed_in(rep)
    assert client.get("/reports/statement/", {"customer": book.a.pk}).status_code == 200
    for export in ("", "pdf", "xlsx"):
        assert client.get("/reports/statement/", {"customer": book.b.pk, "export": export}).status_code == 404
    assert client.get("/reports/statement/").status_code == 404
    assert client.get("/reports/statement/", {"customer": "x"}).status_code == 404
