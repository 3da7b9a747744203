"""The cash forecast page on the hand-built company of test_forecast.py: the report's figures,
drill-down links that list the installments and receipts behind an amount, Excel and PDF of the
same figures, refusals on the field, scope."""

import io
from decimal import Decimal as D
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from openpyxl import load_workbook

from huikuan.reports.tests.test_forecast import AS_OF, _forecast_book  # noqa: F401  # the fixture forecast_book

pytestmark = pytest.mark.django_db
URL = "/reports/forecast/"


def signed_in(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def forecast(client, **params):
    headers = {key: params.pop(key) for key in list(params) if key.startswith("HTTP_")}
    return client.get(URL, {"as_of": AS_OF.isoformat(), **params}, **headers)


def open_listed(client, link) -> D:
    """The open amounts the worklist lists at a link (the "Open" column)."""
    listed = client.get(link)
    assert listed.status_code == 200, link
    return sum((row[8] for row in ([cell.value for cell in r] for r in listed.context["rows"])), D("0.00"))


def test_the_page_shows_the_totals(manager, forecast_book):
    response = forecast(signed_in(manager))
    assert response.status_code == 200
    page = response.content.decode()
    # CNY: week 0 1,300.00, week 7 10,515.38, later 5,000.00; expected 19,115.38, open 21,233.33
    for text in ("1,300.00", "10,515.38", "5,000.00", "19,115.38", "617.95", "21,233.33", "06-30"):
        assert text in page, text
    assert 'aria-current="page" href="/reports/forecast/"' in page
    assert 'data-testid="forecast-drill-note"' in page
    assert [row["line"].currency for row in response.context["totals"]] == ["CNY", "USD"]
    # the past weeks are a second forecast: the page asks for them after itself
    assert response.context["past"] is None
    assert 'hx-get="?as_of=2025-07-02&amp;part=past"' in page


def test_the_past_weeks_forecast_and_received(manager, forecast_book):
    response = forecast(signed_in(manager), part="past", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.context["report"] is None
    page = response.content.decode()
    assert 'id="forecast-past"' in page
    # from 31 Mar: 900.00 and 1,200.00 forecast; 1,200.00, 1,000.00, 400.00 received
    [cny] = response.context["past_rows"]
    received = [(week.actual, link) for week, link in cny["weeks"] if week.actual]
    assert [amount for amount, _link in received] == [D("1200.00"), D("1000.00"), D("400.00")]
    assert parse_qs(urlparse(received[0][1]).query) == {
        "received_from": ["2025-04-28"],
        "received_to": ["2025-05-04"],
        "currency": ["CNY"],
    }
    listed = signed_in(manager).get(received[0][1])
    assert [row[0].value for row in listed.context["rows"]] != []
    assert response.context["chart"]["forecast"][:5] == ["900.00", "0.00", "0.00", "0.00", "1200.00"]
    assert "forecast-chart" in page
    assert "2,100.00" in page
    assert "2,600.00" in page


def test_the_months(manager, forecast_book):
    response = forecast(signed_in(manager), view="months")
    cny = response.context["totals"][0]
    amounts = [amount for amount, _link in cny["amounts"]]
    # July 3,300.00, August 10,515.38, September 300.00, October 5,000.00; nothing after June 2026
    assert amounts[:4] == [D("3300.00"), D("10515.38"), D("300.00"), D("5000.00")]
    assert amounts[-1] == D("0.00")
    assert response.context["columns"][0][0] == "2025-07"


def test_each_amount_of_a_customer_links_to_the_installments_behind_it(manager, forecast_book):
    client = signed_in(manager)
    rows = forecast(client, grouping="customer").context["rows"]
    a = next(row for row in rows if row["line"].customer_id == forecast_book.a.pk)
    b = next(row for row in rows if row["line"].customer_id == forecast_book.b.pk)
    linked = 0
    # A never left anything unpaid: the installments listed are the amount
    for amount, link in a["amounts"]:
        if amount:
            assert open_listed(client, link) == amount, link
            assert parse_qs(urlparse(link).query)["as_of"] == [AS_OF.isoformat()]
            linked += 1
    # B is expected to pay 90% of what it owes
    for amount, link in b["amounts"]:
        if amount:
            assert (open_listed(client, link) * D("0.9")).quantize(D("0.01")) == amount, link
            linked += 1
    assert linked == 6  # A: weeks 0, 1 and later; B: weeks 0, 7 and 9
    # A's week 1 is its 2,000.00 due 1 Jul: expected on the 11th, listed by the due dates 27 Jun–3 Jul
    week_1 = parse_qs(urlparse(a["amounts"][1][1]).query)
    assert (week_1["due_from"], week_1["due_to"]) == (["2025-06-27"], ["2025-07-03"])


def test_a_total_links_by_the_periods_own_due_dates(manager, forecast_book):
    client = signed_in(manager)
    cny = forecast(client).context["totals"][0]
    amount, link = cny["amounts"][0]
    query = parse_qs(urlparse(link).query)
    assert "due_from" not in query  # the first week reaches back to everything overdue
    assert query["due_to"] == ["2025-07-06"]


def test_grouping_by_owner_leads_to_their_customers(manager, rep, forecast_book):
    client = signed_in(manager)
    rows = forecast(client, grouping="owner").context["rows"]
    owner_row = next(row for row in rows if row["line"].owner_id == rep.pk)
    assert all(link is None for _amount, link in owner_row["amounts"])  # the worklist knows no owner
    narrowed = client.get(URL + owner_row["link"])
    assert [row["line"].customer_id for row in narrowed.context["rows"]] == [forecast_book.a.pk]


def test_the_excel_file_holds_the_pages_figures(manager, forecast_book):
    response = forecast(signed_in(manager), export="xlsx", grouping="customer")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="forecast-{AS_OF.isoformat()}.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["13 weeks", "12 months", "Past weeks"]
    rows = [list(row) for row in book["13 weeks"].iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Code")
    assert rows[header][3] == "2025-06-30"
    body = rows[header + 1 :]
    assert [row[1] for row in body[:3]] == ["南方科技有限公司", "东方机电有限公司", "西部贸易有限公司"]
    b = body[2]
    # week 0, 7 and 9, later, expected, never paid, not dated, open; days late, shift, share
    assert [D(str(b[3 + k])) for k in (0, 7, 9)] == [D("900.00"), D("900.00"), D("300.00")]
    assert [D(str(v)) for v in b[17:21]] == [D("2100.00"), D("233.33"), D("0.00"), D("2333.33")]
    assert (D(str(b[21])), b[22], D(str(b[23]))) == (D("32.9"), 33, D("0.1"))
    total_cny = next(row for row in body if row[0] == "Total" and row[2] == "CNY")
    assert D(str(total_cny[20])) == D("21233.33")
    past = [list(row) for row in book["Past weeks"].iter_rows(values_only=True)]
    total_past = next(row for row in past if row[0] == "Total")
    assert [D(str(v)) for v in total_past[3:6]] == [D("2100.00"), D("2600.00"), D("500.00")]


def test_the_pdf_holds_the_figures_in_chinese(manager, forecast_book):
    from pypdf import PdfReader

    response = forecast(signed_in(manager, "zh-hans"), export="pdf", grouping="customer")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # never paid in total: 617.95
    for expected in ("东方机电有限公司", "西部贸易有限公司", "9,615.38", "617.95", "06-30"):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"as_of": "2025-02-30"}, "as_of"),
        ({"currency": "XYZ"}, "currency"),
        ({"grouping": "contract"}, "grouping"),
        ({"lookback_days": "0"}, "lookback_days"),
        ({"lookback_days": "99999"}, "lookback_days"),
        ({"view": "days"}, "view"),
    ],
)
def test_bad_filters_are_refused_on_their_field(manager, forecast_book, params, field):
    response = forecast(signed_in(manager), **params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["report"] is None


def test_a_page_past_the_end_is_not_found(manager, forecast_book):
    assert forecast(signed_in(manager), grouping="customer", page="9").status_code == 404


def test_a_sales_rep_sees_and_exports_only_their_customers(rep, forecast_book):
    client = signed_in(rep)
    response = forecast(client, grouping="customer")
    page = response.content.decode()
    assert "东方机电有限公司" in page
    assert "西部贸易有限公司" not in page
    assert "南方科技有限公司" not in page
    assert "owner" not in response.context["form"].fields
    # another rep's customer by address shows nothing
    assert forecast(client, customer=forecast_book.b.pk).context["totals"] == []
    # the past weeks: A's 1,200.00 forecast and received, and its 400.00; not B's 1,000.00
    [cny] = forecast(client, part="past").context["past_rows"]
    assert [week.actual for week, _link in cny["weeks"] if week.actual] == [D("1200.00"), D("400.00")]
    for fmt in ("xlsx",):
        exported = load_workbook(io.BytesIO(forecast(client, grouping="customer", export=fmt).content))
        cells = {str(v) for sheet in exported for row in sheet.iter_rows(values_only=True) for v in row if v}
        assert "东方机电有限公司" in cells
        assert "西部贸易有限公司" not in cells
        assert "南方科技有限公司" not in cells


def test_the_page_needs_a_sign_in():
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_page_in_chinese(manager, forecast_book):
    response = forecast(signed_in(manager, "zh-hans"))
    assert response.status_code == 200
    assert "现金流预测" in response.content.decode()
