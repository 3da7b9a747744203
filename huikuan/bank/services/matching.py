"""Matching bank lines to customers and installments, and what a clerk does with the proposals.

``lines_match`` runs the engine (``bank/matching.py``) over open credit lines: a proposal at least as
sure as the account's threshold becomes a receipt allocated as proposed, at once; the others keep
their proposals for the review queue. A clerk accepts a proposal, assigns the line by hand, rejects
the proposals, or ignores the line (not a customer payment). What a person confirms teaches the
engine: the payer's account, and a payer name that is not the customer's own, point to the customer
from then on (``KnownPayer``).

Sure matches are written 1,000 lines to a transaction: the lines are claimed (locked, and kept only if
still open), then recorded by ``receivables.services.batch.receipts_record_allocated``, the rules of
``receipt_create`` and ``allocations_create`` in a few statements. A clerk's action is one line in a
transaction of its own, through those single services. Either way a line is never applied twice,
and a refusal (a closed month, an installment paid meanwhile) leaves the line open with the reason
and its proposals, for review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.accounts.models import Company, User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_company, require_visible
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.bank import names
from huikuan.bank.directory import directory_for, open_book
from huikuan.bank.errors import BankErrorCode as Code
from huikuan.bank.matching import Directory, Identity, Line, OpenBook, Proposal, identify, propose
from huikuan.bank.models import BankAccount, BankLine, KnownPayer, LineStatus, MatchedBy, PayerKind
from huikuan.bank.services.imports import ImportResult, statement_import
from huikuan.contracts.models import Installment
from huikuan.core import money, rows
from huikuan.core.errors import DomainError, require_reason
from huikuan.core.locking import for_update
from huikuan.customers.models import Customer
from huikuan.receivables.models import Receipt
from huikuan.receivables.services.allocations import AllocationLine, allocations_create
from huikuan.receivables.services.batch import NewReceipt, receipts_record_allocated
from huikuan.receivables.services.receipts import receipt_create, receipt_reverse

_BATCH = 2000
_WRITE_BATCH = 1000  # sure matches written per transaction: a writer holds SQLite for a second or so


@dataclass
class MatchSummary:
    lines: int = 0
    applied: int = 0  # became receipts on their own
    for_review: int = 0  # proposals waiting for a person
    no_proposal: int = 0  # no customer in sight: for review, to assign by hand
    failed: int = 0  # a proposal sure enough, refused when applied (left for review with the reason)
    applied_ids: list[int] = field(default_factory=list)


def _engine_line(line: BankLine) -> Line:
    return Line(
        amount_cents=money.to_cents(line.amount),
        currency=line.currency,
        payer_name=line.payer_name,
        payer_account=line.payer_account,
        memo=line.memo,
        reference=line.reference,
    )


def lines_match(*, actor: User, company_id: int, line_ids: list[int] | None = None, apply: bool = True) -> MatchSummary:
    """Propose matches for the open credit lines (those of ``line_ids`` only, when given) and apply
    each proposal at least as sure as its account's threshold. Lines already matched, ignored or
    handled by someone meanwhile are left alone. Returns what happened."""
    require(actor, Perm.BANK_IMPORT)
    require_company(actor, company_id)
    summary = MatchSummary()
    lines = _open_lines(company_id, line_ids)
    if not lines:
        return summary
    directory = directory_for(company_id)
    thresholds = dict(BankAccount.objects.filter(company_id=company_id).values_list("pk", "auto_threshold"))
    lines.sort(key=lambda line: (line.booked_on, line.pk))
    # who each line may be from, first: the open installments of every customer in sight are then
    # read at once (a large statement names most of a book's customers)
    engine_lines = {line.pk: _engine_line(line) for line in lines}
    identities = {pk: identify(engine_line, directory) for pk, engine_line in engine_lines.items()}
    book = open_book(company_id, {customer for identity in identities.values() for customer in identity[0]})
    for start in range(0, len(lines), _BATCH):
        _match_batch(
            actor=actor,
            lines=lines[start : start + _BATCH],
            engine_lines=engine_lines,
            identities=identities,
            directory=directory,
            book=book,
            thresholds=thresholds,
            apply=apply,
            summary=summary,
        )
    return summary


def _open_lines(company_id: int, line_ids: list[int] | None) -> list[BankLine]:
    """The open credit lines of the company, of ``line_ids`` only when given. Those are read by
    ranges of ids (a statement's lines are stored one after the other) and picked out here: an
    ``IN`` list of thousands of ids against a freshly filled table made PostgreSQL check the
    list row by row, a second per query. Ids far apart are still asked for by list."""
    query = BankLine.objects.filter(company_id=company_id, status=LineStatus.OPEN, amount__gt=0, receipt__isnull=True)
    if line_ids is None:
        return list(query.order_by("pk"))
    wanted = sorted(set(line_ids))
    lines: list[BankLine] = []
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start : start + _BATCH]
        keep = set(chunk)
        if chunk[-1] - chunk[0] < 4 * len(chunk):
            found = query.filter(pk__gte=chunk[0], pk__lte=chunk[-1]).order_by("pk")
        else:  # ids far apart: the range would read mostly other lines
            found = query.filter(pk__in=chunk).order_by("pk")
        lines.extend(line for line in found if line.pk in keep)
    return lines


def statement_import_and_match(
    *, actor: User, account: BankAccount, data: bytes, file_name: str, format: str = "auto", match: bool = True
) -> tuple[ImportResult, MatchSummary]:
    """Import a statement file, then match its new lines (unless ``match`` is off): what the import
    page, the command and the demo do. The import is whole or nothing; the matching commits line
    batch by batch after it. Raises DomainError (StatementRejected for a bad file)."""
    result = statement_import(actor=actor, account=account, data=data, file_name=file_name, format=format)
    if not match:
        return result, MatchSummary()
    return result, lines_match(actor=actor, company_id=account.company_id, line_ids=result.new_line_ids)


def _match_batch(
    *,
    actor: User,
    lines: list[BankLine],
    engine_lines: dict[int, Line],
    identities: dict[int, Identity],
    directory: Directory,
    book: OpenBook,
    thresholds: dict[int, int],
    apply: bool,
    summary: MatchSummary,
) -> None:
    picks: list[tuple[BankLine, Proposal, list[Proposal]]] = []
    proposed: list[BankLine] = []
    for line in lines:
        summary.lines += 1
        proposals = propose(engine_lines[line.pk], directory, book, identity=identities[line.pk])
        best = proposals[0] if proposals else None
        if apply and best is not None and best.confidence >= thresholds.get(line.account_id, 101):
            _keep_proposals(line, proposals)  # for review, should the write refuse it
            picks.append((line, best, proposals))
            book.take(best.lines)  # a later line of the batch is not proposed what this one takes
            continue
        _keep_proposals(line, proposals)
        proposed.append(line)
    for start in range(0, len(picks), _WRITE_BATCH):
        for line, error in _apply_many(actor=actor, picks=picks[start : start + _WRITE_BATCH], summary=summary):
            line.note = _truncated_note(error)
            proposed.append(line)
    for line in proposed:
        if line.proposals:
            summary.for_review += 1
        else:
            summary.no_proposal += 1
    _save_proposals(proposed)


def _keep_proposals(line: BankLine, proposals: list[Proposal]) -> None:
    best = proposals[0] if proposals else None
    line.proposals = [p.as_json() for p in proposals]
    line.confidence = best.confidence if best else 0
    line.customer_id = best.customer_id if best else None


def _save_proposals(lines: list[BankLine]) -> None:
    """Write the lines' proposals; only lines nobody handled meanwhile get them (those are read
    under lock first: a clerk's action is never overwritten)."""
    if not lines:
        return
    with transaction.atomic():
        # by key alone: with the state in the query too, PostgreSQL may check the list row by row
        found = for_update(BankLine.objects).filter(pk__in=[line.pk for line in lines]).order_by("pk")
        still_open = {
            pk
            for pk, status, receipt in found.values_list("pk", "status", "receipt")
            if status == LineStatus.OPEN and receipt is None
        }
        rows.update_many(
            [line for line in lines if line.pk in still_open], ["proposals", "confidence", "customer", "note"]
        )


# what applying a match writes on its line, one line or a batch of them
_MATCHED = [
    "receipt",
    "customer",
    "status",
    "matched_by",
    "matched_at",
    "handled_by",
    "confidence",
    "proposals",
    "note",
]


@transaction.atomic
def _apply_many(
    *, actor: User, picks: list[tuple[BankLine, Proposal, list[Proposal]]], summary: MatchSummary
) -> list[tuple[BankLine, DomainError]]:
    """Apply sure proposals as receipts in one transaction (``receipts_record_allocated``); a line
    whose receipt the batch leaves to the single services is applied by ``_apply``. Returns the
    lines refused, with the refusal, for review."""
    wanted = {line.pk: (line, best, proposals) for line, best, proposals in picks}
    claimed = list(
        for_update(BankLine.objects)
        .filter(pk__in=list(wanted), status=LineStatus.OPEN, receipt__isnull=True, amount__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not claimed:
        return []
    company = Company.objects.get(pk=wanted[claimed[0]][0].company_id)
    items = []
    for pk in claimed:
        line, best, _proposals = wanted[pk]
        items.append(
            NewReceipt(
                customer_id=best.customer_id,
                received_on=line.booked_on,
                amount=line.amount,
                currency=line.currency,
                allocations=[(installment, money.from_cents(cents)) for installment, cents in best.lines],
                payer_name=line.payer_name,
                bank_reference=line.reference,
                memo=line.memo,
            )
        )
    outcome = receipts_record_allocated(actor=actor, company=company, items=items)
    refused = [(wanted[claimed[index]][0], error) for index, error in outcome.refused.items()]
    now = timezone.now()
    matched = []
    for index, receipt in outcome.receipts.items():
        line, best, proposals = wanted[claimed[index]]
        line.receipt, line.customer_id = receipt, receipt.customer_id
        whole = receipt.allocated_amount == receipt.amount
        line.status = LineStatus.MATCHED if whole else LineStatus.PARTLY_MATCHED
        line.matched_by, line.matched_at, line.handled_by = MatchedBy.AUTO, now, actor
        line.confidence, line.note = best.confidence, ""
        line.proposals = [p.as_json() for p in proposals]
        matched.append(line)
    rows.update_many(matched, _MATCHED)
    audit.record_many(
        [
            audit.Event(
                AuditAction.BANK_LINE_MATCHED,
                line,
                actor,
                data={"receipt": line.receipt.number if line.receipt else "", "by": MatchedBy.AUTO,
                      "confidence": line.confidence, "customer": line.customer_id},
            )
            for line in matched
        ]
    )  # fmt: skip
    summary.applied += len(matched)
    summary.applied_ids.extend(line.pk for line in matched)
    for index in outcome.single:
        line, best, proposals = wanted[claimed[index]]
        try:
            _apply(actor=actor, line=line, proposal=best, by=MatchedBy.AUTO, proposals=proposals)
        except DomainError as error:
            refused.append((line, error))
        else:
            summary.applied += 1
            summary.applied_ids.append(line.pk)
    summary.failed += len(refused)
    return refused


def _truncated_note(error: DomainError) -> str:
    return (_("Not applied: %(reason)s") % {"reason": error.message})[:300]


def _locked_open_line(line: BankLine) -> BankLine:
    locked = for_update(BankLine.objects).get(pk=line.pk)
    if locked.status != LineStatus.OPEN or locked.receipt_id is not None:
        raise DomainError(Code.LINE_NOT_OPEN, _("The line was handled meanwhile."), field="line")
    if locked.amount <= 0:
        raise DomainError(Code.LINE_NOT_CREDIT, _("Money out cannot be a customer's payment."), field="line")
    return locked


def _learn(line: BankLine, customer: Customer) -> None:
    """A person confirmed that this payer paid for this customer: remember its account, and its
    name when it is not the customer's own."""
    learned = []
    account = names.account_key(line.payer_account)
    if len(account) >= 6:
        learned.append((PayerKind.ACCOUNT, account))
    name = names.full_key(line.payer_name)
    if name and name != names.full_key(customer.name):
        learned.append((PayerKind.NAME, name[:200]))
    for kind, key in learned:
        known, created = KnownPayer.objects.get_or_create(
            company_id=line.company_id, kind=kind, key=key, customer=customer
        )
        if not created:
            KnownPayer.objects.filter(pk=known.pk).update(times=F("times") + 1, last_confirmed_at=timezone.now())


@transaction.atomic
def _apply(
    *,
    actor: User,
    line: BankLine,
    proposal: Proposal,
    by: str,
    proposals: list[Proposal] | None = None,
    customer: Customer | None = None,
    allocations: list[tuple[int, Decimal]] | None = None,
) -> BankLine:
    locked = _locked_open_line(line)
    customer = customer or Customer.objects.get(pk=proposal.customer_id, company_id=locked.company_id)
    receipt = receipt_create(
        actor=actor,
        customer=customer,
        received_on=locked.booked_on,
        amount=locked.amount,
        currency=locked.currency,
        payer_name=locked.payer_name,
        bank_reference=locked.reference,
        memo=locked.memo,
    )
    if allocations is None:
        allocations = [(pk, money.from_cents(cents)) for pk, cents in proposal.lines]
    if allocations:
        installments = Installment.objects.in_bulk([pk for pk, _amount in allocations])
        allocations_create(
            actor=actor,
            receipt=receipt,
            lines=[AllocationLine(installments[pk], amount) for pk, amount in allocations if pk in installments],
        )
        receipt.refresh_from_db(fields=["allocated_amount"])
    locked.receipt = receipt
    locked.customer = customer
    locked.status = LineStatus.MATCHED if receipt.allocated_amount == receipt.amount else LineStatus.PARTLY_MATCHED
    locked.matched_by = by
    locked.matched_at = timezone.now()
    locked.handled_by = actor
    locked.confidence = proposal.confidence
    locked.proposals = [p.as_json() for p in proposals] if proposals is not None else locked.proposals
    locked.note = ""
    locked.save(update_fields=_MATCHED)
    if by == MatchedBy.USER:
        _learn(locked, customer)
    audit.record(
        action=AuditAction.BANK_LINE_MATCHED,
        target=locked,
        actor=actor,
        data={"receipt": receipt.number, "by": by, "confidence": proposal.confidence, "customer": customer.pk},
    )
    line.__dict__.update(locked.__dict__)
    return line


def _require_line(actor: User, line: BankLine) -> None:
    require(actor, Perm.BANK_IMPORT)
    require_company(actor, line.company_id)


def line_accept(*, actor: User, line: BankLine, proposal: int = 0) -> BankLine:
    """Apply one of the line's proposals as it stands (a receipt allocated as proposed) and learn
    from it. Raises DomainError."""
    _require_line(actor, line)
    try:
        data = line.proposals[proposal]
    except (IndexError, TypeError) as error:
        raise DomainError(Code.NO_PROPOSAL, _("The line has no such proposal."), field="proposal") from error
    chosen = Proposal(
        int(data["customer"]), [(int(pk), int(c)) for pk, c in data["lines"]], int(data["confidence"]), []
    )
    return _apply(actor=actor, line=line, proposal=chosen, by=MatchedBy.USER)


@dataclass
class AcceptResult:
    accepted: list[BankLine] = field(default_factory=list)
    refused: list[tuple[BankLine, str]] = field(default_factory=list)


def lines_accept(*, actor: User, lines: list[BankLine]) -> AcceptResult:
    """Accept the best proposal of each line, each on its own: one refused (a month closed, an
    installment paid meanwhile) does not hold back the others."""
    result = AcceptResult()
    for line in lines:
        try:
            result.accepted.append(line_accept(actor=actor, line=line))
        except DomainError as error:
            result.refused.append((line, str(error.message)))
    return result


def line_assign(
    *,
    actor: User,
    line: BankLine,
    customer: Customer,
    allocations: list[tuple[Installment, Decimal]],
) -> BankLine:
    """Match a line by hand: a receipt of ``customer`` for the line's amount, allocated as given
    (the rest stays unapplied). Learns the payer. Raises DomainError."""
    _require_line(actor, line)
    require_company(actor, customer.company_id)
    require_visible(actor, customer, owner="owner")
    total = sum((amount for _i, amount in allocations), Decimal(0))
    if total > line.amount:
        raise DomainError(
            Code.ALLOCATIONS_EXCEED_LINE,
            _("The allocations add up to %(total)s, more than the line's %(amount)s.")
            % {"total": money.display(total), "amount": money.display(line.amount)},
            field="lines",
        )
    chosen = Proposal(customer.pk, [], 100, [])
    return _apply(
        actor=actor,
        line=line,
        proposal=chosen,
        by=MatchedBy.USER,
        customer=customer,
        allocations=[(installment.pk, amount) for installment, amount in allocations],
    )


@transaction.atomic
def line_reject(*, actor: User, line: BankLine) -> BankLine:
    """Drop the line's proposals: it stays open for a match by hand."""
    _require_line(actor, line)
    locked = _locked_open_line(line)
    locked.proposals, locked.confidence, locked.customer = [], 0, None
    locked.note = _("Proposals rejected.")
    locked.handled_by = actor
    locked.save(update_fields=["proposals", "confidence", "customer", "note", "handled_by"])
    audit.record(action=AuditAction.BANK_PROPOSAL_REJECTED, target=locked, actor=actor)
    return locked


@transaction.atomic
def line_ignore(*, actor: User, line: BankLine, reason: str) -> BankLine:
    """Mark an open line as no customer payment (a refund, interest, a transfer between own
    accounts), with the reason."""
    _require_line(actor, line)
    reason = require_reason(reason)
    locked = for_update(BankLine.objects).get(pk=line.pk)
    if locked.status != LineStatus.OPEN or locked.receipt_id is not None:
        raise DomainError(Code.LINE_NOT_OPEN, _("Only an open line can be ignored."), field="line")
    locked.status, locked.note, locked.handled_by = LineStatus.IGNORED, reason[:300], actor
    locked.save(update_fields=["status", "note", "handled_by"])
    audit.record(action=AuditAction.BANK_LINE_IGNORED, target=locked, actor=actor, reason=reason)
    return locked


@transaction.atomic
def line_reopen(*, actor: User, line: BankLine) -> BankLine:
    """Take an ignored line back into the queue."""
    _require_line(actor, line)
    locked = for_update(BankLine.objects).get(pk=line.pk)
    if locked.status != LineStatus.IGNORED:
        raise DomainError(Code.LINE_NOT_OPEN, _("Only an ignored line can be reopened."), field="line")
    locked.status, locked.note, locked.handled_by = LineStatus.OPEN, "", actor
    locked.save(update_fields=["status", "note", "handled_by"])
    audit.record(action=AuditAction.BANK_LINE_REOPENED, target=locked, actor=actor)
    return locked


@transaction.atomic
def line_unmatch(*, actor: User, line: BankLine, reason: str, reversed_on: dt.date | None = None) -> BankLine:
    """Undo a match: the line's receipt is reversed (with its allocations) and the line is open
    again. Raises DomainError."""
    _require_line(actor, line)
    locked = for_update(BankLine.objects).get(pk=line.pk)
    if locked.receipt_id is None:
        raise DomainError(Code.LINE_NOT_MATCHED, _("The line is not matched."), field="line")
    receipt = Receipt.objects.get(pk=locked.receipt_id)
    if not receipt.is_reversed:
        receipt_reverse(actor=actor, receipt=receipt, reason=reason, reversed_on=reversed_on)
    locked.receipt, locked.status, locked.matched_by, locked.matched_at = None, LineStatus.OPEN, "", None
    locked.handled_by, locked.note = actor, ""
    locked.save(update_fields=["receipt", "status", "matched_by", "matched_at", "handled_by", "note"])
    audit.record(
        action=AuditAction.BANK_LINE_UNMATCHED,
        target=locked,
        actor=actor,
        reason=reason,
        data={"receipt": receipt.number},
    )
    return locked
