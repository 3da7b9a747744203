"""Matching imported lines: sure proposals applied as receipts at once, the rest for review;
what a clerk does with them; what confirmed matches teach."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.audit.models import AuditEvent
from huikuan.bank.errors import BankErrorCode
from huikuan.bank.models import BankLine, KnownPayer, LineStatus, MatchedBy
from huikuan.bank.selectors import line_list, review_queue
from huikuan.bank.services.accounts import bank_account_update
from huikuan.bank.services.imports import statement_import
from huikuan.bank.services.matching import (
    line_accept,
    line_assign,
    line_ignore,
    line_reject,
    line_reopen,
    line_unmatch,
    lines_accept,
    lines_match,
)
from huikuan.bank.tests.conftest import csv_file
from huikuan.core.errors import DomainError
from huikuan.receivables.models import Receipt

pytestmark = pytest.mark.django_db


def import_and_match(actor, account, *rows):
    result = statement_import(actor=actor, account=account, data=csv_file(*rows), file_name="s.csv")
    summary = lines_match(actor=actor, company_id=account.company_id, line_ids=result.new_line_ids)
    return summary, list(BankLine.objects.filter(pk__in=result.new_line_ids).order_by("pk"))


def test_a_sure_match_becomes_a_receipt_allocated_at_once(clerk, account, contract, customer):
    first, second, _third = contract.installments.order_by("sequence")
    # when
    summary, [line] = import_and_match(
        clerk, account, f"2026-11-02,8000.00,,杭州云帆网络科技有限公司,6222020200112233,货款 {contract.number},"
    )
    # then: the named contract's oldest two together
    assert (summary.applied, summary.for_review) == (1, 0)
    line.refresh_from_db()
    assert (line.status, line.matched_by, line.customer) == (LineStatus.MATCHED, MatchedBy.AUTO, customer)
    receipt = line.receipt
    assert (receipt.amount, receipt.allocated_amount, receipt.received_on) == (
        D("8000.00"),
        D("8000.00"),
        dt.date(2026, 11, 2),
    )
    assert receipt.payer_name == "杭州云帆网络科技有限公司"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.open_amount, second.open_amount) == (D("0.00"), D("0.00"))
    assert AuditEvent.objects.filter(action="bank.line_matched").count() == 1
    assert line.confidence >= 90


def test_an_unsure_match_waits_for_review_and_changes_nothing(clerk, account, contract):
    # when: part of the oldest installment, from an abbreviated name
    summary, [line] = import_and_match(clerk, account, "2026-11-02,1000.00,,云帆网络,,货款,")
    # then
    assert (summary.applied, summary.for_review) == (0, 1)
    line.refresh_from_db()
    assert line.status == LineStatus.OPEN
    assert line.receipt is None
    assert line.proposals[0]["confidence"] < 90
    assert not Receipt.objects.exists()
    assert list(review_queue(user=clerk)) == [line]


def test_accepting_a_proposal_applies_it_and_teaches_the_payer(clerk, account, contract, customer):
    _summary, [line] = import_and_match(clerk, account, "2026-11-02,3000.00,,张伟,6222 0000 9999 1111,,")
    assert line.proposals == []  # a person's name: nobody in sight
    # when: the clerk assigns it by hand
    first = contract.installments.order_by("sequence").first()
    line = line_assign(actor=clerk, line=line, customer=customer, allocations=[(first, D("3000.00"))])
    # then
    assert (line.status, line.matched_by) == (LineStatus.MATCHED, MatchedBy.USER)
    assert KnownPayer.objects.filter(kind="account", key="6222000099991111", customer=customer).exists()
    assert KnownPayer.objects.filter(kind="name", key="张伟", customer=customer).exists()
    # and the next payment from that account is applied on its own
    summary, [later] = import_and_match(clerk, account, "2026-11-03,5000.00,,张伟,6222000099991111,,")
    assert summary.applied == 1
    later.refresh_from_db()
    assert later.customer == customer
    assert later.matched_by == MatchedBy.AUTO


def test_accept_reject_ignore_and_reopen(clerk, account, contract):
    _summary, [line, other] = import_and_match(
        clerk, account, "2026-11-02,1000.00,,云帆网络,,货款,", "2026-11-02,66.00,,工商银行,,利息,"
    )
    # reject: the proposals go, the line stays open
    line = line_reject(actor=clerk, line=line)
    assert (line.status, line.proposals, line.customer) == (LineStatus.OPEN, [], None)
    # ignore needs a reason
    with pytest.raises(DomainError):
        line_ignore(actor=clerk, line=other, reason="  ")
    other = line_ignore(actor=clerk, line=other, reason="利息收入")
    assert (other.status, other.note) == (LineStatus.IGNORED, "利息收入")
    assert list(review_queue(user=clerk)) == [line]
    other = line_reopen(actor=clerk, line=other)
    assert other.status == LineStatus.OPEN
    with pytest.raises(DomainError) as caught:
        line_accept(actor=clerk, line=line)
    assert caught.value.code == BankErrorCode.NO_PROPOSAL


def test_a_line_is_applied_once_however_often_it_is_accepted(clerk, account, contract):
    _summary, [line] = import_and_match(clerk, account, "2026-11-02,1000.00,,云帆网络,,货款,")
    stale = BankLine.objects.get(pk=line.pk)
    line_accept(actor=clerk, line=line)
    # when: a second accept from a page loaded before
    with pytest.raises(DomainError) as caught:
        line_accept(actor=clerk, line=stale)
    # then
    assert caught.value.code == BankErrorCode.LINE_NOT_OPEN
    assert Receipt.objects.count() == 1


def test_bulk_accept_goes_on_past_a_refused_line(clerk, account, contract):
    _summary, lines = import_and_match(
        clerk, account, "2026-11-02,1000.00,,云帆网络,,货款,", "2026-11-03,500.00,,云帆网络,,货款,"
    )
    line_accept(actor=clerk, line=BankLine.objects.get(pk=lines[0].pk))
    # when
    result = lines_accept(actor=clerk, lines=lines)
    # then
    assert [line.pk for line in result.accepted] == [lines[1].pk]
    assert len(result.refused) == 1


def test_undoing_a_match_reverses_the_receipt_and_reopens_the_line(clerk, account, contract):
    _summary, [line] = import_and_match(
        clerk, account, f"2026-11-02,3000.00,,杭州云帆网络科技有限公司,,{contract.number},"
    )
    line.refresh_from_db()
    first = contract.installments.order_by("sequence").first()
    # when
    line = line_unmatch(actor=clerk, line=line, reason="付款人弄错")
    # then
    assert (line.status, line.receipt) == (LineStatus.OPEN, None)
    assert Receipt.objects.get().is_reversed
    first.refresh_from_db()
    assert first.open_amount == D("3000.00")


def test_a_receipt_reversed_elsewhere_shows_its_line_open_again(clerk, account, contract):
    from huikuan.receivables.services.receipts import receipt_reverse

    _summary, [line] = import_and_match(
        clerk, account, f"2026-11-02,3000.00,,杭州云帆网络科技有限公司,,{contract.number},"
    )
    receipt_reverse(actor=clerk, receipt=Receipt.objects.get(), reason="退票")
    assert line_list(user=clerk).get(pk=line.pk).current == LineStatus.OPEN


def test_more_than_is_open_leaves_the_rest_unapplied_and_the_line_partly_matched(clerk, account, contract, customer):
    _summary, [line] = import_and_match(clerk, account, "2026-11-02,12000.00,,杭州云帆网络科技有限公司,,,")
    line.refresh_from_db()
    assert line.status == LineStatus.OPEN  # overpaid: for review
    line = line_accept(actor=clerk, line=line)
    assert line.status == LineStatus.PARTLY_MATCHED
    assert line.receipt.unallocated_amount == D("2000.00")
    assert line_list(user=clerk).get(pk=line.pk).current == LineStatus.PARTLY_MATCHED


def test_assigning_more_than_the_line_is_refused(clerk, account, contract, customer):
    _summary, [line] = import_and_match(clerk, account, "2026-11-02,100.00,,张三,,,")
    first = contract.installments.order_by("sequence").first()
    with pytest.raises(DomainError) as caught:
        line_assign(actor=clerk, line=line, customer=customer, allocations=[(first, D("100.01"))])
    assert caught.value.code == BankErrorCode.ALLOCATIONS_EXCEED_LINE
    assert not Receipt.objects.exists()


def test_a_line_in_a_closed_month_is_left_for_review_with_the_reason(clerk, manager, account, contract):
    from huikuan.periods.services import period_close

    period_close(actor=manager, company=account.company, month=dt.date(2026, 10, 1))
    summary, [line] = import_and_match(
        clerk, account, f"2026-10-20,3000.00,,杭州云帆网络科技有限公司,,{contract.number},"
    )
    assert (summary.applied, summary.failed) == (0, 1)
    line.refresh_from_db()
    assert line.status == LineStatus.OPEN
    assert line.note.startswith("Not applied")
    assert line.proposals
    assert not Receipt.objects.exists()


def test_a_threshold_of_101_applies_nothing_on_its_own(clerk, manager, account, contract):
    bank_account_update(
        actor=manager, account=account, name=account.name, bank_name=account.bank_name, auto_threshold=101
    )
    summary, _lines = import_and_match(
        clerk, account, f"2026-11-02,3000.00,,杭州云帆网络科技有限公司,,{contract.number},"
    )
    assert (summary.applied, summary.for_review) == (0, 1)


def test_a_sales_rep_sees_no_bank_line(rep, clerk, account, contract):
    import_and_match(clerk, account, "2026-11-02,1000.00,,云帆网络,,货款,")
    assert not line_list(user=rep).exists()
    assert not review_queue(user=rep).exists()
