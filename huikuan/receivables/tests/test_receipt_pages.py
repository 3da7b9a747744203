"""The receipt pages: the list (filters, paging, export exactly as shown, scope), entry (refusals on
their fields with what was typed kept), the matching panel (the proposal, edited amounts, all or
nothing) and reversals, and what each role may reach."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal as D

import pytest
from django.test import Client
from openpyxl import load_workbook

from huikuan.accounts.roles import Role
from huikuan.core.dates import today
from huikuan.receivables.models import Allocation, Receipt
from huikuan.receivables.services.allocations import allocation_create

# customer_detail and contract_detail may not exist yet: stand-ins for the links (see the module)
pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2025, 2, 10)


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def listed(response) -> list[int]:
    """The receipts a list page shows, in order (their links)."""
    return [int(pk) for pk in re.findall(r'href="/receipts/(\d+)/"', text(response))]


def field_value(response, name: str) -> str | None:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', text(response))
    return match[1] if match else None


@pytest.fixture
def collector(make_user):
    return make_user("collector", Role.COLLECTOR)


@pytest.fixture
def other_customer(make_customer, other_rep):
    return make_customer(owner=other_rep, name="宁波海川贸易有限公司")


@pytest.fixture
def books(receive, customer, other_customer, installments, clerk):
    """Three receipts of the rep's customer (one fully allocated), one of the other rep's."""
    first = receive("3000.00", on=RECEIVED, payer_name="杭州云帆", bank_reference="BR-0001")
    allocation_create(actor=clerk, receipt=first, installment=installments[0], amount=D("3000.00"))
    second = receive("500.00", on=dt.date(2025, 3, 5), method="cash", payer_name="张三")
    third = receive("800.00", on=dt.date(2025, 3, 20), bank_reference="BR-0003")
    foreign = receive("700.00", on=dt.date(2025, 3, 1), customer=other_customer, bank_reference="BR-0099")
    return {"first": first, "second": second, "third": third, "foreign": foreign}


# ---------------------------------------------------------------------------------------------
# the list


def test_the_list_shows_every_receipt_in_scope_newest_first_with_its_figures(clerk, books):
    response = signed_in(clerk).get("/receipts/")
    assert response.status_code == 200
    assert listed(response) == [books[k].pk for k in ("third", "second", "foreign", "first")]
    page = text(response)
    assert "Fully allocated" in page
    assert "Unapplied" in page
    assert "3,000.00" in page
    assert "BR-0001" in page
    assert "4 rows" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("method=cash", ["second"]),
        ("received_from=2025-03-01&received_to=2025-03-10", ["second", "foreign"]),
        ("q=br-000", ["third", "first"]),
        ("q=br-0099", ["foreign"]),
        ("q=张三", ["second"]),
        ("unapplied=on", ["third", "second", "foreign"]),
        ("currency=USD", []),
    ],
)
def test_the_list_filters(clerk, books, query, expected):
    response = signed_in(clerk).get(f"/receipts/?{query}")
    assert response.status_code == 200
    assert listed(response) == [books[k].pk for k in expected]


def test_the_list_filters_by_customer_by_id_or_by_what_was_typed(clerk, books, customer):
    client = signed_in(clerk)
    by_id = client.get(f"/receipts/?customer={customer.pk}")
    assert listed(by_id) == [books[k].pk for k in ("third", "second", "first")]
    # the box then shows the customer by code and name
    assert field_value(by_id, "customer") == f"{customer.code} · {customer.name}"
    by_label = client.get("/receipts/", {"customer": f"{customer.code} · {customer.name}"})
    assert listed(by_label) == listed(by_id)
    unknown = client.get("/receipts/", {"customer": "nobody at all"})
    assert listed(unknown) == []
    assert "No customer matches this" in text(unknown)


def test_reversed_receipts_are_found_by_the_reversed_filter(clerk, books):
    client = signed_in(clerk)
    client.post(f"/receipts/{books['second'].pk}/reverse/", {"reason": "录错"})
    assert listed(client.get("/receipts/?is_reversed=true")) == [books["second"].pk]
    assert books["second"].pk not in listed(client.get("/receipts/?is_reversed=false"))


def test_the_list_pages_by_fifty(clerk, receive):
    made = [receive("1.00", on=RECEIVED) for _n in range(51)]
    client = signed_in(clerk)
    first = client.get("/receipts/")
    assert "51 rows" in text(first)
    assert listed(first) == [r.pk for r in reversed(made)][:50]
    second = client.get("/receipts/?page=2")
    assert listed(second) == [made[0].pk]
    assert client.get("/receipts/?page=3").status_code == 404


def test_the_export_holds_exactly_the_rows_shown(clerk, books):
    client = signed_in(clerk)
    query = "received_from=2025-03-01"
    shown = [Receipt.objects.get(pk=pk).number for pk in listed(client.get(f"/receipts/?{query}"))]
    assert len(shown) == 3

    xlsx = client.get(f"/receipts/?{query}&export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Number", "Received on")
    assert [row[0] for row in rows[1:]] == shown
    third = next(row for row in rows if row[0] == books["third"].number)
    assert D(str(third[4])) == D("800.00")  # amounts stay numbers

    response = client.get(f"/receipts/?{query}&export=csv")
    assert response.status_code == 200
    body = response.content.decode("utf-8").lstrip("\ufeff")
    table = list(csv.reader(io.StringIO(body)))
    assert table[0][0] == "Number"
    assert [row[0] for row in table[1:]] == shown


def test_a_too_long_export_is_refused_with_its_message(clerk, books, monkeypatch):
    from huikuan.web import exports

    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    response = signed_in(clerk).get("/receipts/?export=xlsx")
    assert response.status_code == 200
    assert "narrow the filters to export it" in text(response)


def test_a_sales_rep_sees_only_their_customers_receipts_on_the_list_the_export_and_by_address(rep, books):
    client = signed_in(rep)
    assert listed(client.get("/receipts/")) == [books[k].pk for k in ("third", "second", "first")]
    csv_body = client.get("/receipts/?export=csv").content.decode("utf-8")
    assert books["foreign"].number not in csv_body
    assert books["first"].number in csv_body
    assert client.get(f"/receipts/{books['foreign'].pk}/").status_code == 404
    assert client.get(f"/receipts/{books['first'].pk}/").status_code == 200
    # nor through the customer filter or the suggestions
    assert listed(client.get(f"/receipts/?customer={books['foreign'].customer_id}")) == []
    options = text(client.get("/receipts/customers/", {"customer": "宁波"}))
    assert "宁波" not in options
    # nor by reversing or matching by address
    assert client.post(f"/receipts/{books['foreign'].pk}/reverse/", {"reason": "x"}).status_code == 404
    assert client.post(f"/receipts/{books['foreign'].pk}/allocate/", {}).status_code == 404


def test_the_customer_box_suggests_up_to_twenty_customers_in_scope(clerk, make_customer, customer):
    for n in range(25):
        make_customer(name=f"温州{n:02d}电子有限公司")
    client = signed_in(clerk)
    options = re.findall(r'<option value="([^"]*)"', text(client.get("/receipts/customers/", {"customer": "温州"})))
    assert len(options) == 20
    found = text(client.get("/receipts/customers/", {"customer": "云帆"}))
    assert f"{customer.code} · {customer.name}" in found
    assert text(client.get("/receipts/customers/", {"customer": " "})).strip() == ""


# ---------------------------------------------------------------------------------------------
# entry


def entry(who, **changes):
    data = {
        "customer": f"{who.code} · {who.name}",
        "received_on": "2025-02-10",
        "amount": "1200.00",
        "currency": "CNY",
        "method": "bank_transfer",
        "bill_maturity_date": "",
        "payer_name": "杭州云帆网络科技",
        "bank_reference": "BR-7788",
        "memo": "",
        "number": "",
    }
    data.update(changes)
    return data


def test_the_entry_form_defaults_to_today_the_company_currency_and_a_preselected_customer(clerk, customer):
    client = signed_in(clerk)
    page = client.get(f"/receipts/new/?customer={customer.pk}")
    assert page.status_code == 200
    assert field_value(page, "received_on") == today().isoformat()
    assert field_value(page, "customer") == f"{customer.code} · {customer.name}"
    assert re.search(r'<option value="CNY" selected>', text(page))


def test_entering_a_receipt_records_it_and_opens_its_matching_panel(clerk, customer, make_contract):
    named = make_contract(customer, [("1200.00", dt.date(2025, 6, 1))], signed_on=dt.date(2025, 1, 20))
    older = make_contract(customer, [("1200.00", dt.date(2025, 2, 1))])
    client = signed_in(clerk)
    response = client.post("/receipts/new/", entry(customer, memo=f"付{named.number}首付款"))
    receipt = Receipt.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/receipts/{receipt.pk}/")
    assert (receipt.amount, receipt.bank_reference, receipt.created_by) == (D("1200.00"), "BR-7788", clerk)
    detail = client.get(response["Location"])
    page = text(detail)
    assert "recorded" in page
    assert 'data-testid="matching-panel"' in page
    # the contract named in the memo is proposed, prefilled with the whole amount; the older one is
    # offered with an empty amount
    named_row = named.installments.get()
    older_row = older.installments.get()
    assert field_value(detail, f"amount_{named_row.pk}") == "1200.00"
    assert field_value(detail, f"amount_{older_row.pk}") in (None, "")
    assert f'name="amount_{older_row.pk}"' in page
    assert page.index(named.number) < page.index(older.number)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"received_on": (today() + dt.timedelta(days=1)).isoformat()}, "received_on", "cannot be in the future"),
        ({"amount": "0"}, "amount", "The amount must be positive."),
        ({"amount": "12.345"}, "amount", "at most 2 decimal places"),
        ({"amount": "1e3"}, "amount", "Enter a number such as 1234.50"),
        ({"method": "bank_acceptance"}, "bill_maturity_date", "needs its maturity date"),
        ({"customer": "no such customer"}, "customer", "No customer matches this"),
    ],
)
def test_refused_entries_show_the_message_on_the_field_and_keep_what_was_typed(
    clerk, customer, changes, field, message
):
    response = signed_in(clerk).post("/receipts/new/", entry(customer, **changes))
    assert response.status_code == 200
    assert not Receipt.objects.exists()
    page = text(response)
    assert re.search(rf'id="id_{field}_error">[^<]*{re.escape(message)}', page), page
    assert re.search(rf'name="{field}"[^>]*is-invalid|is-invalid[^>]*name="{field}"', page)
    assert field_value(response, "payer_name") == "杭州云帆网络科技"
    assert field_value(response, "bank_reference") == "BR-7788"


def test_a_bill_with_its_maturity_date_is_recorded(clerk, customer):
    data = entry(customer, method="commercial_acceptance", bill_maturity_date="2025-08-10")
    response = signed_in(clerk).post("/receipts/new/", data)
    assert response.status_code == 302
    assert Receipt.objects.get().bill_maturity_date == dt.date(2025, 8, 10)


def test_a_rep_cannot_enter_a_receipt_for_another_reps_customer(rep, other_customer):
    response = signed_in(rep).post("/receipts/new/", entry(other_customer))
    assert response.status_code == 200
    assert "No customer matches this" in text(response)
    assert not Receipt.objects.exists()


# ---------------------------------------------------------------------------------------------
# matching


def panel(client, receipt) -> tuple[list[str], dict[str, str]]:
    """The rows the panel shows (installment ids) and the prefilled amounts, as the browser would
    post them back."""
    response = client.get(f"/receipts/{receipt.pk}/")
    page = text(response)
    rows = re.findall(r'name="row" value="(\d+)"', page)
    proposed = re.findall(r'name="proposed" value="(\d+)"', page)
    amounts = {f"amount_{pk}": field_value(response, f"amount_{pk}") or "" for pk in rows}
    return rows, {"row": rows, "proposed": proposed, **amounts}


def test_accepting_the_proposal_allocates_it_and_the_unapplied_amount_drops(clerk, receive, installments):
    receipt = receive("4000.00")
    client = signed_in(clerk)
    rows, form = panel(client, receipt)
    assert rows == [str(i.pk) for i in installments]  # oldest due first
    assert form[f"amount_{installments[0].pk}"] == "3000.00"
    assert form[f"amount_{installments[1].pk}"] == "1000.00"
    assert form[f"amount_{installments[2].pk}"] == ""
    response = client.post(f"/receipts/{receipt.pk}/allocate/", form)
    assert (response.status_code, response["Location"]) == (302, f"/receipts/{receipt.pk}/")
    receipt.refresh_from_db()
    assert receipt.allocated_amount == D("4000.00")
    assert {(a.installment_id, a.amount) for a in Allocation.objects.all()} == {
        (installments[0].pk, D("3000.00")),
        (installments[1].pk, D("1000.00")),
    }
    detail = text(client.get(f"/receipts/{receipt.pk}/"))
    assert "4,000.00 CNY allocated to 2 installments." in detail
    assert 'data-testid="matching-panel"' not in detail  # nothing left to match
    assert re.search(r'data-testid="unapplied">0\.00<', detail)


def test_the_clerk_can_change_the_amounts_before_confirming(clerk, receive, installments):
    receipt = receive("4000.00")
    client = signed_in(clerk)
    _rows, form = panel(client, receipt)
    form[f"amount_{installments[0].pk}"] = ""
    form[f"amount_{installments[1].pk}"] = "2500.00"
    form[f"amount_{installments[2].pk}"] = "500"
    response = client.post(f"/receipts/{receipt.pk}/allocate/", form)
    assert response.status_code == 302
    assert {(a.installment_id, a.amount) for a in Allocation.objects.all()} == {
        (installments[1].pk, D("2500.00")),
        (installments[2].pk, D("500.00")),
    }
    receipt.refresh_from_db()
    assert receipt.unallocated_amount == D("1000.00")
    # what is left is matched again from the same panel
    rows, form = panel(client, receipt)
    assert form[f"amount_{installments[0].pk}"] == "1000.00"


def test_more_than_an_installment_has_open_is_refused_on_its_row_and_nothing_is_saved(clerk, receive, installments):
    receipt = receive("4000.00")
    client = signed_in(clerk)
    _rows, form = panel(client, receipt)
    form[f"amount_{installments[0].pk}"] = "1000.00"
    form[f"amount_{installments[1].pk}"] = ""
    form[f"amount_{installments[2].pk}"] = "2500.00"  # 2,000.00 open
    response = client.post(f"/receipts/{receipt.pk}/allocate/", form)
    assert response.status_code == 200
    assert not Allocation.objects.exists()
    page = text(response)
    refusal = rf'id="id_amount_{installments[2].pk}_error">Only 2,000.00 of the installment is open.'
    assert re.search(refusal, page), page
    # what was typed is kept
    assert field_value(response, f"amount_{installments[0].pk}") == "1000.00"
    assert field_value(response, f"amount_{installments[1].pk}") in (None, "")
    assert field_value(response, f"amount_{installments[2].pk}") == "2500.00"


def test_more_than_the_receipt_has_unapplied_is_refused_and_nothing_is_saved(clerk, receive, installments):
    receipt = receive("4000.00")
    client = signed_in(clerk)
    _rows, form = panel(client, receipt)
    form[f"amount_{installments[2].pk}"] = "2000.00"  # 6,000.00 in all
    response = client.post(f"/receipts/{receipt.pk}/allocate/", form)
    assert response.status_code == 200
    assert not Allocation.objects.exists()
    assert re.search(
        rf'id="id_amount_{installments[2].pk}_error">Only [0-9,.]+ of the receipt is unallocated.', text(response)
    )
    # the running total says so too
    assert "More than the receipt has unapplied." in text(response)


def test_an_unreadable_or_empty_panel_is_refused(clerk, receive, installments):
    receipt = receive("4000.00")
    client = signed_in(clerk)
    _rows, form = panel(client, receipt)
    form[f"amount_{installments[0].pk}"] = "abc"
    response = client.post(f"/receipts/{receipt.pk}/allocate/", form)
    assert "Enter a number such as 1234.50" in text(response)
    for key in list(form):
        if key.startswith("amount_"):
            form[key] = ""
    response = client.post(f"/receipts/{receipt.pk}/allocate/", form)
    assert response.status_code == 200
    assert "Choose at least one installment." in text(response)
    assert not Allocation.objects.exists()


def test_the_running_total_is_computed_on_the_server(clerk, receive, installments):
    receipt = receive("4000.00")
    client = signed_in(clerk)
    query = {f"amount_{installments[0].pk}": "1000.10", f"amount_{installments[1].pk}": "0.20", "row": "x"}
    partial = text(client.get(f"/receipts/{receipt.pk}/allocate/total/", query))
    assert "To apply: 1,000.30 · unapplied after: 2,999.70 CNY" in partial
    over = text(client.get(f"/receipts/{receipt.pk}/allocate/total/", {f"amount_{installments[0].pk}": "4000.01"}))
    assert "More than the receipt has unapplied." in over


def test_a_receipt_with_nothing_open_to_match_says_so(clerk, receive, make_customer):
    lonely = make_customer(name="无合同客户有限公司")
    receipt = receive("100.00", customer=lonely)
    page = text(signed_in(clerk).get(f"/receipts/{receipt.pk}/"))
    assert 'data-testid="nothing-open"' in page


# ---------------------------------------------------------------------------------------------
# reversals


def test_an_allocation_is_reversed_only_with_a_reason_and_shows_who_when_and_why(clerk, receive, installments):
    receipt = receive("3000.00")
    allocation = allocation_create(actor=clerk, receipt=receipt, installment=installments[0], amount=D("3000.00"))
    client = signed_in(clerk)
    address = f"/receipts/{receipt.pk}/allocations/{allocation.pk}/reverse/"
    detail = text(client.get(f"/receipts/{receipt.pk}/"))
    assert address in detail
    assert client.get(address).status_code == 200

    refused = client.post(address, {"reason": "  ", "reversed_on": ""})
    assert refused.status_code == 200
    assert re.search(r'id="id_reason_error">Give a reason.', text(refused))
    allocation.refresh_from_db()
    assert not allocation.is_reversed

    done = client.post(address, {"reason": "客户付错合同", "reversed_on": ""})
    assert (done.status_code, done["Location"]) == (302, f"/receipts/{receipt.pk}/")
    allocation.refresh_from_db()
    receipt.refresh_from_db()
    assert allocation.is_reversed
    assert receipt.unallocated_amount == D("3000.00")
    detail = text(client.get(f"/receipts/{receipt.pk}/"))
    assert "<del>3,000.00</del>" in detail
    assert "客户付错合同" in detail
    assert f"Reversed on {today().isoformat()} by clerk" in detail
    assert address not in detail  # a reversed allocation has no reverse button
    assert 'data-testid="matching-panel"' in detail  # the cash can be matched again


def test_an_allocation_of_another_receipt_is_not_found_under_this_one(clerk, receive, installments):
    receipt = receive("3000.00")
    other = receive("1000.00")
    allocation = allocation_create(actor=clerk, receipt=other, installment=installments[0], amount=D("1000.00"))
    response = signed_in(clerk).post(f"/receipts/{receipt.pk}/allocations/{allocation.pk}/reverse/", {"reason": "x"})
    assert response.status_code == 404


def test_a_receipt_is_reversed_with_a_reason_and_a_date(clerk, receive, installments):
    receipt = receive("3000.00")
    allocation_create(actor=clerk, receipt=receipt, installment=installments[0], amount=D("1000.00"))
    client = signed_in(clerk)
    address = f"/receipts/{receipt.pk}/reverse/"
    refused = client.post(address, {"reason": "", "reversed_on": "2025-02-15"})
    assert "Give a reason." in text(refused)
    assert field_value(refused, "reversed_on") == "2025-02-15"
    assert not Receipt.objects.get().is_reversed
    early = client.post(address, {"reason": "退票", "reversed_on": "2025-01-01"})
    assert early.status_code == 200
    assert 'id="id_reversed_on_error"' in text(early)
    done = client.post(address, {"reason": "退票", "reversed_on": "2025-02-15"})
    assert done.status_code == 302
    receipt.refresh_from_db()
    assert (receipt.reversed_on, receipt.reversal_reason) == (dt.date(2025, 2, 15), "退票")
    assert all(a.is_reversed for a in Allocation.objects.all())
    detail = text(client.get(f"/receipts/{receipt.pk}/"))
    assert 'data-testid="reversed-badge"' in detail
    assert "on 2025-02-15 by clerk" in detail
    assert 'data-testid="reverse-receipt"' not in detail
    assert 'data-testid="matching-panel"' not in detail


# ---------------------------------------------------------------------------------------------
# roles


@pytest.mark.parametrize("role_user", ["collector", "auditor"])
def test_read_only_roles_see_no_buttons_and_get_403_on_every_write_address(
    request, role_user, clerk, receive, installments
):
    user = request.getfixturevalue(role_user)
    receipt = receive("4000.00")
    allocation = allocation_create(actor=clerk, receipt=receipt, installment=installments[0], amount=D("1000.00"))
    client = signed_in(user)
    listing = client.get("/receipts/")
    assert listing.status_code == 200
    assert listed(listing) == [receipt.pk]
    assert 'data-testid="enter-receipt"' not in text(listing)
    detail = client.get(f"/receipts/{receipt.pk}/")
    assert detail.status_code == 200
    page = text(detail)
    for marker in ('data-testid="matching-panel"', 'data-testid="reverse-receipt"', 'data-testid="reverse-allocation"'):
        assert marker not in page
    writes = [
        ("get", "/receipts/new/", {}),
        ("post", "/receipts/new/", {}),
        ("get", f"/receipts/{receipt.pk}/reverse/", {}),
        ("post", f"/receipts/{receipt.pk}/reverse/", {"reason": "x"}),
        (
            "post",
            f"/receipts/{receipt.pk}/allocate/",
            {"row": [installments[1].pk], f"amount_{installments[1].pk}": "1"},
        ),
        ("get", f"/receipts/{receipt.pk}/allocate/total/", {}),
        ("get", f"/receipts/{receipt.pk}/allocations/{allocation.pk}/reverse/", {}),
        ("post", f"/receipts/{receipt.pk}/allocations/{allocation.pk}/reverse/", {"reason": "x"}),
    ]
    for method, address, data in writes:
        assert getattr(client, method)(address, data).status_code == 403, address
    assert Allocation.objects.count() == 1
    assert not Receipt.objects.get().is_reversed


def test_a_sales_rep_records_and_matches_receipts_of_their_own_customers(rep, customer, installments):
    client = signed_in(rep)
    response = client.post("/receipts/new/", entry(customer, amount="3000.00"))
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    _rows, form = panel(client, receipt)
    assert client.post(f"/receipts/{receipt.pk}/allocate/", form).status_code == 302
    assert Allocation.objects.get().installment == installments[0]


def test_an_effective_date_before_the_receipt_is_refused_on_its_field(clerk, receive, installments):
    receipt = receive("4000.00")
    client = signed_in(clerk)
    _rows, form = panel(client, receipt)
    response = client.post(f"/receipts/{receipt.pk}/allocate/", {**form, "effective_on": "2025-02-01"})
    assert response.status_code == 200
    assert re.search(r'id="id_effective_on_error">An allocation cannot take effect before', text(response))
    assert field_value(response, "effective_on") == "2025-02-01"
    assert not Allocation.objects.exists()


def test_the_pages_render_in_chinese_too(clerk, books):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(clerk)
    for address in (
        "/receipts/",
        f"/receipts/{books['third'].pk}/",
        "/receipts/new/",
        f"/receipts/{books['third'].pk}/reverse/",
    ):
        response = client.get(address)
        assert response.status_code == 200
        assert '<html lang="zh-hans">' in text(response)
