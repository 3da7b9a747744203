"""KPIs on the hand-built company (conftest.py), worked out by hand."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client

from huikuan.receivables.services.adjustments import adjustment_create
from huikuan.reports.kpis import countback, kpis, trend

pytestmark = pytest.mark.django_db
Z = D("0.00")


def test_the_first_quarter(manager, book):
    # AR on 31 Dec 2024: A2's 500.00 (booked Jan 2024, overdue since May): 500.00, none current.
    # Sales Q1: A1 6,000.00 and B1 7,000.00 booked 10 Jan: 13,000.00. B1's 1,000.00 discount 1 Mar.
    # AR on 31 Mar: 500 + 13,000 − 1,000 = 12,500.00; current (due 31 Mar or later): A1's 1,000 +
    # 2,000 + 3,000 = 6,000.00; overdue 6,500.00.
    q1 = kpis(user=manager, start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31), currency="CNY")
    assert (q1.ar_start.total, q1.ar_start.current) == (D("500.00"), Z)
    assert (q1.ar_end.total, q1.ar_end.current, q1.ar_end.overdue) == (D("12500.00"), D("6000.00"), D("6500.00"))
    assert (q1.sales, q1.collected, q1.written_off) == (D("13000.00"), Z, Z)
    # CEI = (500 + 13,000 − 12,500) / (500 + 13,000 − 6,000) = 1,000 / 7,500 = 13.3 %
    assert q1.cei == D("13.3")
    # DSO: March 31 days and February 28 without sales, then 12,500 / 13,000 of January's 31 days
    # = 29.8: 88.8 days; best possible from the 6,000.00 current: 59 + 14.3 = 73.3; delinquent 15.5
    assert (q1.dso, q1.best_dso, q1.average_days_delinquent) == (D("88.8"), D("73.3"), D("15.5"))
    assert q1.dso_capped is False
    # turnover 13,000 / ((500 + 12,500) / 2) = 2.00 in 90 days: 45.0 days
    assert (q1.turnover, q1.turnover_days) == (D("2.00"), D("45.0"))
    assert (q1.overdue_share, q1.bad_debt_rate, q1.days_to_pay) == (D("52.0"), D("0.0"), None)


def test_june(manager, book):
    # AR on 31 May: 13,500 booked − 1,000 discount = 12,500.00; on 30 Jun 10,500.00 after the
    # 2,000.00 allocated on 10 Jun, of which current only A1's 1,000.00 due 30 Jun. No sales.
    june = kpis(user=manager, start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30), currency="CNY")
    assert (june.ar_start.total, june.ar_end.total, june.ar_end.current) == (
        D("12500.00"),
        D("10500.00"),
        D("1000.00"),
    )
    assert (june.sales, june.collected) == (Z, D("2800.00"))  # 2,500.00 from A, 300.00 from B
    assert june.cei == D("17.4")  # 2,000 / 11,500
    # 150 days (Feb–Jun) without sales, then 10,500 / 13,000 of January: 175.0; best 152.4
    assert (june.dso, june.best_dso, june.average_days_delinquent) == (D("175.0"), D("152.4"), D("22.6"))
    assert (june.turnover, june.turnover_days, june.bad_debt_rate) == (D("0.00"), None, None)
    assert june.overdue_share == D("90.5")  # 9,500 / 10,500
    # the 2,000.00 allocated on 10 Jun to the installment due 1 Jun: 9 days late
    assert june.days_to_pay == D("9.0")
    assert [(p.name, p.amount, p.days) for p in june.payers] == [("东方机电有限公司", D("2000.00"), D("9.0"))]


def test_write_offs_make_the_bad_debt_rate(manager, book):
    adjustment_create(
        actor=manager,
        installment=book.a2.installments.get(),
        kind="write_off",
        amount=D("500.00"),
        reason="无法收回",
        effective_on=dt.date(2025, 2, 15),
    )
    q1 = kpis(user=manager, start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31), currency="CNY")
    assert q1.written_off == D("500.00")
    assert q1.bad_debt_rate == D("3.8")  # 500 / 13,000


def test_countback_runs_out_of_months():
    days, capped = countback(D("100.00"), dt.date(2025, 6, 30), {})
    assert capped is True
    assert days > 700
    assert countback(Z, dt.date(2025, 6, 30), {}) == (D(0), False)


def test_the_trend_chains_month_ends(manager, book):
    months = trend(user=manager, end=dt.date(2025, 6, 30), currency="CNY", months=6)
    assert [m.month for m in months] == [dt.date(2025, m, 1) for m in range(1, 7)]
    for before, after in zip(months, months[1:], strict=False):
        assert after.kpis.ar_start == before.kpis.ar_end
    assert months[-1].kpis.dso == D("175.0")
    assert sum((m.kpis.collected for m in months), Z) == D("2800.00")


def test_a_sales_rep_gets_their_customers_kpis(rep, book):
    june = kpis(user=rep, start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30), currency="CNY")
    # A only: 4,500.00 open on 30 Jun, 2,500.00 received
    assert (june.ar_end.total, june.collected) == (D("4500.00"), D("2500.00"))


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_page_its_trend_and_files(manager, book):
    client = signed_in(manager)
    params = {"start": "2025-06-01", "end": "2025-06-30"}
    page = client.get("/reports/kpis/", params)
    assert page.status_code == 200
    assert page.context["kpis"].dso == D("175.0")
    cards = {str(label): value for label, value, _unit, _hint in page.context["kpi_cards"]}
    assert (cards["DSO"], cards["CEI"], cards["Overdue share"]) == (D("175.0"), D("17.4"), D("90.5"))
    trend_part = client.get("/reports/kpis/trend/", params)
    assert len(trend_part.context["months"]) == 12
    assert "2025-06" in trend_part.content.decode()
    import io

    from openpyxl import load_workbook

    book_xlsx = load_workbook(io.BytesIO(client.get("/reports/kpis/", {**params, "export": "xlsx"}).content))
    assert book_xlsx.sheetnames == ["KPIs", "Receivable", "Twelve months"]
    pdf = client.get("/reports/kpis/", {**params, "export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2025-06-30", "end": "2025-06-01"}, "end"),
        ({"start": "2025-06-01", "end": "2099-01-01"}, "end"),
        ({"start": "x", "end": "2025-06-01"}, "start"),
        ({"currency": "QQQ"}, "currency"),
    ],
)
def test_bad_periods_are_refused_on_the_page_and_in_the_api(manager, api_client, book, params, field):
    page = signed_in(manager).get("/reports/kpis/", params)
    assert page.status_code == 200
    assert field in page.context["form"].errors
    assert page.context["kpis"] is None
    if field != "end" or params["end"] != "2099-01-01":
        response = api_client(manager).get(
            "/api/v1/reports/kpis/", {"start": "2025-06-01", "end": "2025-06-30", **params}
        )
        assert response.status_code == 400
        assert field in response.json()["fields"]


def test_the_api(api_client, manager, rep, book):
    body = (
        api_client(manager)
        .get("/api/v1/reports/kpis/", {"start": "2025-06-01", "end": "2025-06-30", "trend": "true"})
        .json()
    )
    assert (body["kpis"]["dso"], body["kpis"]["cei"], body["kpis"]["average_days_to_pay"]) == ("175.0", "17.4", "9.0")
    assert body["kpis"]["ar_end"] == {"total": "10500.00", "not_overdue": "1000.00", "overdue": "9500.00"}
    assert len(body["trend"]) == 12
    mine = api_client(rep).get("/api/v1/reports/kpis/", {"start": "2025-06-01", "end": "2025-06-30"}).json()
    assert mine["kpis"]["ar_end"]["total"] == "4500.00"
    assert mine["trend"] is None
