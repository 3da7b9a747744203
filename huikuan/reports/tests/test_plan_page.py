"""The plan vs actual page on the hand-built company (plan_book.py): the figures the report
computes, drill-down links that list exactly the installments and receipts behind an amount,
Excel and PDF of the same figures, refusals on the field, scope."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.test import Client
from openpyxl import load_workbook

from huikuan.core.dates import today
from huikuan.reports.tests.plan_book import build

pytestmark = pytest.mark.django_db
URL = "/reports/plan/"
YEAR = {"first_month": "2025-01", "last_month": "2025-12"}


@pytest.fixture
def plan_book(manager, rep, other_rep, make_user, team, make_customer, make_contract):
    return build(manager, rep, other_rep, make_user, team, make_customer, make_contract)


def signed_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def plan(client, **params):
    return client.get(URL, {**YEAR, **params})


def column(listed, key: str) -> list:
    """The values of one column of a list page (the worklist, the receipts)."""
    index = [c.key for c in listed.context["columns"]].index(key)
    return [row[index].value for row in listed.context["rows"]]


def test_the_page_shows_owners_with_targets_by_default(manager, rep, other_rep, plan_book):
    response = signed_in(manager).get(URL)
    assert response.status_code == 200
    report = response.context["report"]
    # without filters: the twelve months of this year, by month, by owner
    assert (report.grouping, report.period, len(report.periods)) == ("owner", "month", 12)
    assert report.first_month == dt.date(today().year, 1, 1)
    page = plan(signed_in(manager)).content.decode()
    # the year's CNY totals: 16,000.00 planned, 7,200.00 collected, 11,000.00 targeted
    for text in ("16,000.00", "7,200.00", "11,000.00", "45.0%", "2025-01", "third_rep"):
        assert text in page, text


def test_each_customer_amount_links_to_what_is_behind_it(manager, plan_book):
    client = signed_in(manager)
    rows = plan(client, grouping="customer").context["rows"]
    a = next(row for row in rows if row["line"].customer_id == plan_book.a.pk)
    followed = 0
    for cell, planned_link, collected_link in a["cells"]:
        if cell.planned:
            listed = client.get(planned_link)
            assert listed.status_code == 200, planned_link
            assert sum(column(listed, "amount"), D("0.00")) == cell.planned, planned_link
            followed += 1
        if cell.collected:
            listed = client.get(collected_link)
            assert listed.status_code == 200, collected_link
            assert sum(column(listed, "amount"), D("0.00")) == cell.collected, collected_link
            followed += 1
    # planned in Jan, Feb and Apr; collected in Jan (two receipts: R1 and R0) and Apr
    assert followed == 5
    january = a["cells"][0]
    assert "status=all" in january[1]
    assert "due_from=2025-01-01" in january[1]
    assert "due_to=2025-01-31" in january[1]
    assert "received_to=2025-01-31" in january[2]
    # February's R2 was reversed: nothing collected, no link to follow
    assert a["cells"][1][0].collected == D("0.00")


def test_contract_lines_link_their_installments(manager, plan_book):
    client = signed_in(manager)
    rows = plan(client, grouping="contract").context["rows"]
    a1 = next(row for row in rows if row["line"].contract_id == plan_book.a1.pk)
    cell, planned_link, collected_link = a1["cells"][3]  # April: A1 #3
    assert cell.planned == D("3000.00")
    assert sum(column(client.get(planned_link), "amount"), D("0.00")) == D("3000.00")
    assert collected_link is None
    page = plan(client, grouping="contract").content.decode()
    assert "the totals count every receipt" in page


def test_grouping_by_owner_leads_to_their_customers(manager, rep, plan_book):
    client = signed_in(manager)
    rows = plan(client).context["rows"]
    owner_row = next(row for row in rows if row["line"].owner_id == rep.pk and row["line"].currency == "CNY")
    narrowed = client.get(URL + owner_row["link"])
    assert {row["line"].customer_id for row in narrowed.context["rows"]} == {plan_book.a.pk, plan_book.c.pk}


def test_quarters_and_totals(manager, plan_book):
    report = plan(signed_in(manager), period="quarter", grouping="total").context["report"]
    assert [p.label for p in report.periods] == ["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4"]
    assert [c.planned for c in report.total_of("CNY").cells] == [D("7000.00"), D("9000.00"), D(0), D(0)]


def test_the_excel_file_holds_the_pages_figures(manager, rep, plan_book):
    response = plan(signed_in(manager), export="xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="plan-2025-01-2025-12.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Owner")
    headers = rows[header_at]
    assert headers[2:7] == [
        "2025-01 Planned",
        "2025-01 Collected",
        "2025-01 Rate %",
        "2025-01 Target",
        "2025-01 Attainment %",
    ]
    body = rows[header_at + 1 :]
    mine = next(row for row in body if row[0] == "rep" and row[1] == "CNY")
    # January: 1,000.00 planned, 2,200.00 collected (220%), 3,000.00 target (73.33%)
    assert [D(str(v)) for v in mine[2:7]] == [D("1000"), D("2200"), D("220"), D("3000"), D("73.33")]
    # the whole range: the last five columns
    assert [D(str(v)) for v in mine[-5:]] == [D("6000"), D("4200"), D("70"), D("5000"), D("84")]
    total = next(row for row in body if row[0] == "Total" and row[1] == "CNY")
    assert [D(str(v)) for v in total[-5:-3]] == [D("16000"), D("7200")]


def test_the_pdf_holds_the_pages_figures_in_chinese(manager, plan_book):
    from pypdf import PdfReader

    response = plan(signed_in(manager, "zh-hans"), export="pdf", grouping="customer")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("东方机电有限公司", "西部贸易有限公司", "南方科技有限公司", "16,000.00", "7,200.00"):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"first_month": "2025-13"}, "first_month"),
        ({"last_month": "yesterday"}, "last_month"),
        ({"first_month": "2025-06", "last_month": "2025-01"}, "last_month"),
        ({"first_month": "2022-01", "last_month": "2025-12"}, "last_month"),
        ({"first_month": "1980-01", "last_month": "1980-02"}, "first_month"),
        ({"currency": "XYZ"}, "currency"),
        ({"grouping": "planet"}, "grouping"),
        ({"period": "week"}, "period"),
    ],
)
def test_bad_filters_are_refused_on_their_field(manager, plan_book, params, field):
    response = plan(signed_in(manager), **params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["report"] is None


def test_a_page_past_the_end_is_not_found(manager, plan_book):
    assert plan(signed_in(manager), page="9").status_code == 404
    assert plan(signed_in(manager), page="x").status_code == 404


def test_a_sales_rep_sees_and_exports_only_their_customers(rep, plan_book):
    client = signed_in(rep)
    page = plan(client, grouping="customer").content.decode()
    assert "东方机电有限公司" in page
    assert "西部贸易有限公司" not in page
    # no owner filter to choose from: they see only their own
    assert "owner" not in plan(client).context["form"].fields
    # another rep's customer by address shows nothing
    assert plan(client, customer=plan_book.b.pk).context["rows"] == []
    for grouping in ("customer", "contract", "owner"):
        exported = load_workbook(io.BytesIO(plan(client, export="xlsx", grouping=grouping).content)).active
        cells = {str(value) for row in exported.iter_rows(values_only=True) for value in row if value is not None}
        assert "西部贸易有限公司" not in cells
        assert plan_book.b1.number not in cells
        assert "other_rep" not in cells
        assert "third_rep" not in cells


def test_the_page_needs_a_sign_in():
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
