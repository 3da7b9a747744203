"""The bank pages through Django's client: importing a file, the review queue and its actions,
matching by hand, statements and accounts; refusals that change nothing; roles and addresses."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from huikuan.accounts.models import Company
from huikuan.accounts.roles import Role
from huikuan.bank.models import BankAccount, BankLine, BankStatement, LineStatus
from huikuan.bank.services.accounts import bank_account_create
from huikuan.bank.services.imports import statement_import
from huikuan.bank.services.matching import lines_match
from huikuan.bank.tests.conftest import csv_file
from huikuan.core import dates
from huikuan.receivables.models import Receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in():
    def sign_in(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return sign_in


def upload(client, account, data, name="statement.csv", format="auto"):
    return client.post(
        reverse("bank_import"),
        {"account": str(account.pk), "format": format, "file": SimpleUploadedFile(name, data, "text/csv")},
    )


@pytest.fixture
def queued(clerk, account, contract):
    """Two lines in the queue: one with a proposal (an abbreviated name), one with none."""
    result = statement_import(
        actor=clerk,
        account=account,
        data=csv_file("2026-11-02,1000.00,,云帆网络,,货款,", "2026-11-03,66.00,,工商银行,,利息,"),
        file_name="s.csv",
    )
    lines_match(actor=clerk, company_id=account.company_id, line_ids=result.new_line_ids)
    return list(BankLine.objects.order_by("pk"))


def test_importing_a_file_matches_it_and_says_what_happened(signed_in, clerk, account, contract):
    data = csv_file(
        f"2026-11-02,3000.00,,杭州云帆网络科技有限公司,,货款{contract.number},13000.00",
        "2026-11-03,1000.00,,云帆网络,,货款,14000.00",
        "2026-11-04,,200.00,某物流公司,,运费,13800.00",
    )
    page = signed_in(clerk).post(
        reverse("bank_import"),
        {"account": str(account.pk), "format": "auto", "file": SimpleUploadedFile("工行.csv", data)},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "3 lines read: 3 new, 0 already imported." in text
    assert "1 matched automatically, 1 left for review, 1 money out (ignored)." in text
    assert "the balances agree" in text
    assert Receipt.objects.count() == 1


def test_a_bad_file_shows_every_bad_row_and_stores_nothing(signed_in, clerk, account):
    data = csv_file("2026-11-02,oops,,甲,,货款,", "2026-11-31,100.00,,乙,,货款,")
    page = upload(signed_in(clerk), account, data)
    assert page.status_code == 400
    rejected = page.content.decode()
    assert "Nothing was stored" in rejected
    assert rejected.count("<tr><td>2</td>") == 1
    assert rejected.count("<tr><td>3</td>") == 1
    assert not BankStatement.objects.exists()


def test_an_upload_without_a_file_or_with_another_companys_account_is_refused(signed_in, clerk, manager, account):
    client = signed_in(clerk)
    assert client.post(reverse("bank_import"), {"account": str(account.pk), "format": "auto"}).status_code == 400
    other = Company.objects.create(code="OT", name="别家公司")
    from huikuan.accounts.models import User

    boss = User.objects.create_user("boss", password="x-pass-123", role=Role.FINANCE_MANAGER, company=other)
    theirs = bank_account_create(actor=boss, company=other, name="别家户", bank_name="工行", number="99998888777")
    page = upload(client, theirs, csv_file("2026-11-02,1.00,,甲,,,"))
    assert page.status_code == 400  # not among the choices
    assert not BankLine.objects.exists()


def test_the_queue_shows_proposals_with_reasons_and_accepts_in_one_click(signed_in, clerk, queued):
    client = signed_in(clerk)
    page = client.get(reverse("bank_review"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "杭州云帆网络科技有限公司" in text
    assert "payer name may abbreviate the customer&#x27;s name" in text
    assert "No proposal: match by hand or ignore." in text
    # when
    done = client.post(reverse("bank_line_accept", args=[queued[0].pk]), {"proposal": "0"}, follow=True)
    # then
    assert "Matched: receipt" in done.content.decode()
    queued[0].refresh_from_db()
    assert queued[0].status == LineStatus.MATCHED


def test_bulk_accept_takes_the_ticked_lines(signed_in, clerk, queued):
    page = signed_in(clerk).post(reverse("bank_bulk_accept"), {"line": [str(queued[0].pk)]}, follow=True)
    assert "1 line matched." in page.content.decode()
    assert BankLine.objects.filter(status=LineStatus.MATCHED).count() == 1


def test_matching_by_hand_and_refusals_keep_what_was_typed(signed_in, clerk, queued, customer, contract):
    client = signed_in(clerk)
    line = queued[1]
    page = client.get(reverse("bank_line", args=[line.pk]), {"customer": customer.code})
    assert page.status_code == 200
    first, second, _third = contract.installments.order_by("sequence")
    # more than the line: refused, nothing stored, the amounts typed still there
    refused = client.post(
        reverse("bank_line_assign", args=[line.pk]),
        {"customer": customer.code, f"amount_{first.pk}": "60.00", f"amount_{second.pk}": "6.01"},
    )
    assert refused.status_code == 400
    assert "more than the line" in refused.content.decode()
    assert 'value="6.01"' in refused.content.decode()
    bad = client.post(
        reverse("bank_line_assign", args=[line.pk]), {"customer": customer.code, f"amount_{first.pk}": "1e3"}
    )
    assert bad.status_code == 400
    assert not Receipt.objects.exists()
    # right
    done = client.post(
        reverse("bank_line_assign", args=[line.pk]), {"customer": customer.code, f"amount_{first.pk}": "66.00"}
    )
    assert done.status_code == 302
    line.refresh_from_db()
    assert line.receipt.allocated_amount == D("66.00")


def test_ignoring_needs_a_reason_and_undoing_a_match_reverses_the_receipt(signed_in, clerk, queued):
    client = signed_in(clerk)
    line, interest = queued
    client.post(reverse("bank_line_ignore", args=[interest.pk]), {"ignore-reason": ""})
    interest.refresh_from_db()
    assert interest.status == LineStatus.OPEN
    client.post(reverse("bank_line_ignore", args=[interest.pk]), {"ignore-reason": "利息收入"})
    interest.refresh_from_db()
    assert interest.status == LineStatus.IGNORED
    client.post(reverse("bank_line_accept", args=[line.pk]), {"proposal": "0"})
    client.post(reverse("bank_line_unmatch", args=[line.pk]), {"undo-reason": "客户弄错"})
    line.refresh_from_db()
    assert line.status == LineStatus.OPEN
    assert Receipt.objects.get().is_reversed


def test_statements_show_balances_and_reconciliation(signed_in, clerk, queued):
    client = signed_in(clerk)
    statement = BankStatement.objects.get()
    listing = client.get(reverse("bank_statements")).content.decode()
    assert "0 matched · 0 partly · 2 open · 0 ignored" in listing
    page = client.get(reverse("bank_statement", args=[statement.pk]), {"state": "open"})
    assert page.status_code == 200
    assert "云帆网络" in page.content.decode()


def test_accounts_show_numbers_masked_and_only_finance_sets_them_up(signed_in, clerk, manager, account):
    listing = signed_in(clerk).get(reverse("bank_accounts")).content.decode()
    assert "**** 0123" in listing
    assert "6222021234567890123" not in listing
    assert signed_in(clerk).get(reverse("bank_account_create")).status_code == 403
    client = signed_in(manager)
    bad = client.post(
        reverse("bank_account_create"),
        {"name": "建行", "bank_name": "建设银行", "number": "12", "currency": "CNY", "auto_threshold": "90"},
    )
    assert bad.status_code == 400
    assert "4 to 34 letters and digits" in bad.content.decode()
    made = client.post(
        reverse("bank_account_create"),
        {
            "name": "建行",
            "bank_name": "建设银行",
            "number": "4367 4200 1234",
            "currency": "CNY",
            "auto_threshold": "95",
        },
    )
    assert made.status_code == 302
    assert BankAccount.objects.get(name="建行").auto_threshold == 95


def test_sales_reps_and_auditors_see_no_bank_page_and_no_line_by_address(signed_in, rep, auditor, queued):
    for user in (rep, auditor):
        client = signed_in(user)
        for name in ("bank_review", "bank_import", "bank_statements", "bank_accounts"):
            assert client.get(reverse(name)).status_code == 403, name
        assert client.get(reverse("bank_line", args=[queued[0].pk])).status_code == 403
        assert client.post(reverse("bank_line_accept", args=[queued[0].pk]), {"proposal": "0"}).status_code == 403
    assert not Receipt.objects.exists()


def test_a_line_of_another_company_is_a_404(signed_in, make_user, queued):
    other = Company.objects.create(code="OT", name="别家公司")
    outsider = make_user("outsider", Role.AR_CLERK, company=other)
    client = signed_in(outsider)
    assert client.get(reverse("bank_line", args=[queued[0].pk])).status_code == 404
    assert client.post(reverse("bank_line_accept", args=[queued[0].pk]), {"proposal": "0"}).status_code == 404
    assert "云帆网络" not in client.get(reverse("bank_review")).content.decode()
    assert not Receipt.objects.exists()


def test_the_top_bar_offers_the_bank_to_those_who_import(signed_in, clerk, rep):
    assert reverse("bank_review") in signed_in(clerk).get(reverse("home")).content.decode()
    assert reverse("bank_review") not in signed_in(rep).get(reverse("home")).content.decode()


def test_a_line_dated_today_is_taken(clerk, account, contract):
    today = dates.today()
    result = statement_import(
        actor=clerk, account=account, data=csv_file(f"{today:%Y-%m-%d},5.00,,甲,,,"), file_name="t.csv"
    )
    assert result.new == 1


ODD = (
    "Posting day,Money,Who,Note\n2026-11-02,3000.00,杭州云帆网络科技有限公司,货款\n2026-11-03,-20.00,某银行,手续费\n"
).encode()


def test_a_file_whose_columns_are_not_recognised_is_read_once_they_are_named(signed_in, clerk, account):
    client = signed_in(clerk)
    refused = upload(client, account, ODD)
    assert refused.status_code == 400
    assert reverse("bank_mapping", args=[account.pk]) in refused.content.decode()
    # an incomplete mapping is refused on its field
    bad = client.post(reverse("bank_mapping", args=[account.pk]), {"date": "Posting day"})
    assert bad.status_code == 400
    assert "Name the amount column" in bad.content.decode()
    # when
    saved = client.post(
        reverse("bank_mapping", args=[account.pk]),
        {"date": "Posting day", "amount": "Money", "payer_name": "Who", "memo": "Note"},
    )
    assert saved.status_code == 302
    page = upload(client, account, ODD)
    # then
    assert page.status_code == 200
    assert "2 lines read: 2 new" in page.content.decode()
    line = BankLine.objects.get(amount=D("3000.00"))
    assert (line.payer_name, line.memo) == ("杭州云帆网络科技有限公司", "货款")
    # the page shows the saved columns
    assert 'value="Posting day"' in client.get(reverse("bank_mapping", args=[account.pk])).content.decode()


def test_saved_columns_that_do_not_fit_a_file_give_way_to_recognising_it(signed_in, clerk, account):
    client = signed_in(clerk)
    client.post(reverse("bank_mapping", args=[account.pk]), {"date": "Posting day", "amount": "Money"})
    page = upload(client, account, csv_file("2026-11-02,5.00,,甲,,货款,"))
    assert page.status_code == 200
    assert BankLine.objects.count() == 1


def test_an_upload_over_the_limit_is_refused_unread(signed_in, clerk, account, settings):
    settings.HUIKUAN_BANK_FILE_MAX_BYTES = 1024
    page = upload(signed_in(clerk), account, csv_file("2026-11-02,5.00,,甲,,货款,") + b" " * 2000)
    assert page.status_code == 400
    assert "larger than 1 MB" in page.content.decode()
    assert not BankStatement.objects.exists()
