"""The aging page: figures as the report computes them, drill-down links that find exactly the
installments behind an amount, Excel and PDF of the same figures, refusals on the field, scope."""

import io
from decimal import Decimal as D
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from openpyxl import load_workbook

from huikuan.reports.tests.conftest import AS_OF

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def aging(client, **params):
    return client.get("/reports/aging/", {"as_of": AS_OF.isoformat(), **params})


def test_the_page_shows_totals_and_lines(manager, book):
    response = aging(signed_in(manager))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("东方机电有限公司", "西部贸易有限公司", "南方科技有限公司", "10,500.00", "9,700.00", "800.00"):
        assert text in page
    report = response.context["report"]
    assert report.total_of("CNY").total == D("10500.00")
    assert [row["line"].label for row in response.context["rows"]] == [
        "西部贸易有限公司",
        "东方机电有限公司",
        "南方科技有限公司",
    ]


def test_each_amount_links_to_the_installments_behind_it(manager, book):
    client = signed_in(manager)
    rows = aging(client).context["rows"]
    a = next(row for row in rows if row["line"].customer_id == book.a.pk)
    for column, (amount, link) in enumerate(a["amounts"]):
        listed = client.get(link)
        assert listed.status_code == 200, link
        open_amounts = [row[8] for row in (([c.value for c in r]) for r in listed.context["rows"])]
        assert sum(open_amounts, D("0.00")) == amount, (column, link)
        assert parse_qs(urlparse(link).query)["as_of"] == [AS_OF.isoformat()]


def test_grouping_by_owner_leads_to_their_customers(manager, rep, book):
    client = signed_in(manager)
    rows = aging(client, grouping="owner").context["rows"]
    owner_row = next(row for row in rows if row["line"].owner_id == rep.pk)
    narrowed = client.get("/reports/aging/" + owner_row["link"])
    assert [row["line"].customer_id for row in narrowed.context["rows"]] == [book.a.pk]


def test_the_excel_file_holds_the_pages_figures(manager, book):
    response = aging(signed_in(manager), export="xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="aging-{AS_OF.isoformat()}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Code")
    body = rows[header + 1 :]
    names = [row[1] for row in body]
    assert names[:3] == ["西部贸易有限公司", "东方机电有限公司", "南方科技有限公司"]
    total_cny = next(row for row in body if row[0] == "Total" and row[2] == "CNY")
    # total, unapplied, net are the last three columns
    assert [D(str(v)) for v in total_cny[-3:]] == [D("10500.00"), D("800.00"), D("9700.00")]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"buckets": "60,30"}, "buckets"),
        ({"as_of": "2025-02-30"}, "as_of"),
        ({"currency": "XYZ"}, "currency"),
        ({"grouping": "planet"}, "grouping"),
        ({"sort": "random"}, "sort"),
    ],
)
def test_bad_filters_are_refused_on_their_field(manager, book, params, field):
    response = aging(signed_in(manager), **params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["report"] is None


def test_a_page_past_the_end_is_not_found(manager, book):
    assert aging(signed_in(manager), page="9").status_code == 404
    assert aging(signed_in(manager), page="x").status_code == 404


def test_a_sales_rep_sees_and_exports_only_their_customers(rep, book):
    client = signed_in(rep)
    page = aging(client).content.decode()
    assert "东方机电有限公司" in page
    assert "西部贸易有限公司" not in page
    assert "南方科技有限公司" not in page
    # no owner filter to choose from: they see only their own
    assert "owner" not in aging(client).context["form"].fields
    # another rep's customer by address shows nothing
    assert aging(client, customer=book.b.pk).context["rows"] == []
    exported = load_workbook(io.BytesIO(aging(client, export="xlsx").content)).active
    cells = {str(value) for row in exported.iter_rows(values_only=True) for value in row if value is not None}
    assert "东方机电有限公司" in cells
    assert "西部贸易有限公司" not in cells


def test_the_page_needs_a_sign_in():
    response = Client().get("/reports/aging/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_pdf_holds_the_pages_figures_in_chinese(manager, book):
    from pypdf import PdfReader

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(manager)
    response = aging(client, export="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("账龄", "东方机电有限公司", "西部贸易有限公司", "10,500.00", "9,700.00"):
        assert expected in text, expected
