"""Customer arrears on the hand-built company (conftest.py): ranked by overdue or balance, with the
oldest overdue item, the credit limit and the last payment; page, files, API and scope."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.test import Client
from openpyxl import load_workbook

from huikuan.core.dates import today
from huikuan.customers.models import Customer
from huikuan.receivables.services.allocations import allocation_create
from huikuan.receivables.services.receipts import receipt_create
from huikuan.reports.arrears import ArrearsSort, arrears_ranking, describe
from huikuan.reports.tests.conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_ranked_by_overdue_with_details(manager, book):
    Customer.objects.filter(pk=book.b.pk).update(credit_limit=D("5000.00"))
    lines, totals = arrears_ranking(user=manager, as_of=AS_OF)
    rows = describe(lines, as_of=AS_OF)
    # B: 6,000.00 overdue since 1 Feb 2025 (149 days), balance 5,700.00, limit 5,000.00 (700.00
    # over), last paid 20 Jun; A: 3,500.00 overdue, oldest due 1 May 2024 (425 days), balance
    # 4,000.00, last paid 10 Jun; C: nothing overdue
    assert [(r.rank, r.customer_id) for r in rows] == [(1, book.b.pk), (2, book.a.pk), (3, book.c.pk)]
    b, a, c = rows
    assert (b.aging.overdue, b.days_overdue, b.aging.net, b.over_limit, b.last_payment) == (
        D("6000.00"),
        149,
        D("5700.00"),
        D("700.00"),
        dt.date(2025, 6, 20),
    )
    assert (a.aging.overdue, a.days_overdue, a.aging.net, a.over_limit, a.last_payment) == (
        D("3500.00"),
        425,
        D("4000.00"),
        D("0"),
        dt.date(2025, 6, 10),
    )
    assert a.overdue_share == D("77.8")  # 3,500.00 of 4,500.00
    assert (c.aging.overdue, c.days_overdue, c.last_payment) == (D("0"), None, None)
    assert [t.currency for t in totals] == ["CNY", "USD"]
    by_balance = [line.customer_id for line in arrears_ranking(user=manager, as_of=AS_OF, sort=ArrearsSort.BALANCE)[0]]
    assert by_balance == [book.b.pk, book.a.pk, book.c.pk]


def test_a_paid_item_is_no_longer_the_oldest_but_was_on_the_day(manager, book):
    # A2's 500.00 (due 1 May 2024) is paid on 1 Aug 2025: today A's oldest overdue item is A1's
    # 3,000.00 due 15 Apr 2025; on 30 Jun 2025 it was still the 500.00
    receipt = receipt_create(actor=manager, customer=book.a, received_on=dt.date(2025, 8, 1), amount=D("500.00"))
    allocation_create(actor=manager, receipt=receipt, installment=book.a2.installments.get(), amount=D("500.00"))
    owner = book.a.owner_id
    [now] = describe(arrears_ranking(user=manager, as_of=today(), owner_id=owner)[0], as_of=today())
    assert now.oldest_due == dt.date(2025, 4, 15)
    [then] = describe(arrears_ranking(user=manager, as_of=AS_OF, owner_id=owner)[0], as_of=AS_OF)
    assert then.oldest_due == dt.date(2024, 5, 1)


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_page_and_excel(manager, book):
    client = signed_in(manager)
    page = client.get("/reports/arrears/", {"as_of": AS_OF.isoformat()})
    assert page.status_code == 200
    assert [row.customer_id for row in page.context["rows"]] == [book.b.pk, book.a.pk, book.c.pk]
    assert "/reports/statement/?customer=" in page.content.decode()
    sheet = load_workbook(
        io.BytesIO(client.get("/reports/arrears/", {"as_of": AS_OF.isoformat(), "export": "xlsx"}).content)
    ).active
    names = [row[2] for row in sheet.iter_rows(values_only=True)]
    assert names.index("西部贸易有限公司") < names.index("东方机电有限公司")
    assert client.get("/reports/arrears/", {"as_of": "2025-13-01"}).context["form"].errors["as_of"]


def test_the_api(api_client, manager, rep, book):
    body = api_client(manager).get("/api/v1/reports/arrears/", {"as_of": AS_OF.isoformat()}).json()
    assert [(r["rank"], r["customer"], r["overdue"], r["days_overdue"]) for r in body["results"]] == [
        (1, book.b.pk, "6000.00", 149),
        (2, book.a.pk, "3500.00", 425),
        (3, book.c.pk, "0.00", None),
    ]
    mine = api_client(rep).get("/api/v1/reports/arrears/", {"as_of": AS_OF.isoformat()}).json()
    assert [r["customer"] for r in mine["results"]] == [book.a.pk]
    refused = api_client(manager).get("/api/v1/reports/arrears/", {"sort": "x"})
    assert refused.status_code == 400
    assert "sort" in refused.json()["fields"]


def test_a_sales_rep_sees_only_their_customers(rep, book):
    client = signed_in(rep)
    page = client.get("/reports/arrears/", {"as_of": AS_OF.isoformat()}).content.decode()
    assert "东方机电有限公司" in page
    assert "西部贸易有限公司" not in page
    exported = client.get("/reports/arrears/", {"as_of": AS_OF.isoformat(), "export": "xlsx"}).content
    cells = {str(v) for row in load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True) for v in row}
    assert "西部贸易有限公司" not in cells
