"""Bank lines with known answers, made from a company's open installments: the labelled set the
matching engine is measured on (its tests and ``bench/bank.py``), and the demo's sample statement.

Each line says who really paid for what, and carries the noise real statements have: abbreviated
and misspelt payer names, no reference, several installments paid at once, part payments, a parent
company paying, a payer account the engine learned, and credits that are no customer's payment
(bank interest, a supplier's refund). A customer pays at most once in a set, for its oldest open
installments (or those of the contract its memo names): with one payment per customer, "oldest"
does not depend on whether an earlier line of the set was applied."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from huikuan.accounts.models import User
from huikuan.bank import names
from huikuan.contracts.models import Installment
from huikuan.core import money
from huikuan.customers.models import Customer

# kind: weight
KINDS: dict[str, float] = {
    "reference": 0.24,  # full name, the contract number in the memo
    "no_reference": 0.18,  # full name, a memo of no use
    "several": 0.08,  # the oldest two or three installments at once
    "abbreviated": 0.10,  # the name shortened (华恒智能), the contract number half the time
    "typo": 0.07,  # one character of the name wrong, the contract number half the time
    "partial": 0.08,  # part of the oldest installment
    "parent": 0.06,  # a group company pays, the contract number most of the time
    "other_contract": 0.05,  # a later contract's installment, named in the memo
    "known_account": 0.08,  # a person or a sister company whose account the engine learned
    "not_a_customer": 0.06,  # interest, a supplier's refund: no customer
}
_MEMOS = ("货款", "付货款", "合同款", "支付货款", "转账", "汇款", "服务费", "设备款", "")
_BANKS = ("中国工商银行", "中国建设银行", "招商银行", "中国银行", "交通银行", "中国农业银行", "浦发银行")
_TYPO_CHARS = "华恒鑫永中博天金瑞宏志新万嘉德汇锦联海正盛通达泰丰源安康明光远景祥和信晟昊辰凯弘睿铭航宇润泽诚顺昌隆"


@dataclass(frozen=True)
class LabelledLine:
    kind: str
    booked_on: dt.date
    amount_cents: int
    payer_name: str
    payer_account: str
    memo: str
    reference: str
    customer_id: int | None  # who really paid (None: not a customer's payment)
    allocations: dict[int, int]  # installment pk → cents, as the payer meant it


@dataclass
class LabelledSet:
    lines: list[LabelledLine] = field(default_factory=list)
    # what confirmed matches had taught before the set: (payer account, customer)
    known_accounts: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class _Open:
    pk: int
    contract_id: int
    contract_number: str
    cents: int


def _open_by_customer(company_id: int, currency: str) -> dict[int, list[_Open]]:
    rows = Installment.objects.filter(
        company_id=company_id, currency=currency, booked_on__isnull=False, open_amount__gt=0
    ).values_list("customer_id", "pk", "contract_id", "contract__number", "open_amount", "due_date",
                  "contract__signed_on", "sequence")  # fmt: skip
    ordered = sorted(rows, key=lambda r: (r[0], r[5] or dt.date.max, r[6], r[2], r[7]))
    found: dict[int, list[_Open]] = defaultdict(list)
    for customer_id, pk, contract_id, number, amount, _due, _signed, _seq in ordered:
        found[customer_id].append(_Open(pk, contract_id, number, money.to_cents(amount)))
    return found


def _account(rng: random.Random) -> str:
    return "6222" + "".join(str(rng.randrange(10)) for _ in range(15))


def _abbreviation(rng: random.Random, name: str) -> str:
    core = names.core_key(name)
    return core[:4] if rng.random() < 0.6 or len(core) < 5 else core[: rng.randint(2, 3)] + core[-2:]


def _typo(rng: random.Random, name: str) -> str:
    core = names.core_key(name)
    start = name.find(core) if core in name else 0
    position = start + rng.randrange(min(len(core), 4))
    other = rng.choice([c for c in _TYPO_CHARS if c != name[position]])
    return name[:position] + other + name[position + 1 :]


def labelled_set(*, company_id: int, currency: str, count: int, seed: int, on: dt.date, rounds: int = 1) -> LabelledSet:
    """Up to ``count`` labelled credit lines booked on ``on`` (fewer when the book has fewer
    customers with open installments). With ``rounds`` above one, customers pay again, each round
    for the installments the rounds before did not name: more lines than customers (the benchmark),
    labelled as if the earlier rounds were all matched."""
    rng = random.Random(seed)
    by_customer = _open_by_customer(company_id, currency)
    customer_names = dict(Customer.objects.filter(pk__in=list(by_customer)).values_list("pk", "name"))
    customers = sorted(by_customer)
    rng.shuffle(customers)
    kinds, weights = list(KINDS), list(KINDS.values())
    result = LabelledSet()
    serial = 0
    for _round in range(rounds):
        for customer_id in customers:
            items = by_customer[customer_id]
            if len(result.lines) >= count:
                return result
            if not items:
                continue
            kind = rng.choices(kinds, weights)[0]
            serial += 1
            reference = f"CB{on:%Y%m%d}{serial:08d}"
            line = _line(rng, kind, customer_id, customer_names[customer_id], items, on, reference)
            if line is None:
                continue
            if kind == "known_account":
                result.known_accounts.append((line.payer_account, customer_id))
            result.lines.append(line)
            # the next round pays what this one did not name (a part payment's installment too)
            named = set(line.allocations)
            by_customer[customer_id] = [item for item in items if item.pk not in named]
    return result


def _line(
    rng: random.Random, kind: str, customer_id: int, name: str, items: list[_Open], on: dt.date, reference: str
) -> LabelledLine | None:
    oldest = items[0]
    memo = rng.choice(_MEMOS)
    payer, account = name, _account(rng)
    target = [oldest]
    cents = oldest.cents
    if kind == "not_a_customer":
        payer, memo = rng.choice([(rng.choice(_BANKS), "利息收入"), ("上海远景包装材料有限公司", "退货退款")])
        return LabelledLine(kind, on, rng.randrange(100, 500_000), payer, "", memo, reference, None, {})
    if kind == "reference":
        memo = f"{memo}{oldest.contract_number}" if rng.random() < 0.5 else f"{oldest.contract_number} {memo}"
    elif kind == "several":
        if len(items) < 2:
            return None
        target = items[: rng.randint(2, min(3, len(items)))]
        cents = sum(item.cents for item in target)
    elif kind == "abbreviated":
        payer = _abbreviation(rng, name)
        memo = f"{memo} {oldest.contract_number}" if rng.random() < 0.5 else memo
    elif kind == "typo":
        payer = _typo(rng, name)
        memo = f"{memo} {oldest.contract_number}" if rng.random() < 0.5 else memo
    elif kind == "partial":
        cents = oldest.cents * rng.randint(20, 80) // 100
        if cents <= 0:
            return None
    elif kind == "parent":
        payer = names.core_key(name)[:2] + "控股集团有限公司"
        memo = f"代付 {oldest.contract_number}" if rng.random() < 0.7 else "代付货款"
    elif kind == "other_contract":
        later = next((item for item in items if item.contract_id != oldest.contract_id), None)
        if later is None:
            return None
        target, cents = [later], later.cents
        memo = f"{memo}{later.contract_number}"
    elif kind == "known_account":
        payer = rng.choice(["张伟", "李娜", "王芳", "刘强", names.core_key(name)[:2] + "贸易有限公司"])
    return LabelledLine(
        kind=kind,
        booked_on=on,
        amount_cents=cents,
        payer_name=payer,
        payer_account=account,
        memo=memo.strip(),
        reference=reference,
        customer_id=customer_id,
        allocations={item.pk: item.cents for item in target} if kind != "partial" else {oldest.pk: cents},
    )


def as_csv(lines: list[LabelledLine], *, account_name: str = "") -> str:
    """The lines as a bank's CSV export (Chinese headers), as a clerk would download it."""
    rows = ["交易日期,收入金额,支出金额,对方户名,对方账号,摘要,交易流水号"]
    for line in lines:
        payer = line.payer_name.replace(",", " ")
        memo = line.memo.replace(",", " ")
        rows.append(
            f"{line.booked_on:%Y-%m-%d},{money.from_cents(line.amount_cents)},,{payer},{line.payer_account},{memo},"
            f"{line.reference}"
        )
    return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class DemoBank:
    lines: int
    applied: int
    for_review: int


def create_bank(company_id: int, finance: User, clerk: User, *, seed: int, on: dt.date, count: int = 40) -> DemoBank:
    """The demo's bank account and one statement imported into it by the clerk: most lines matched
    on their own, the rest waiting in the review queue."""
    from huikuan.accounts.models import Company
    from huikuan.bank.models import KnownPayer
    from huikuan.bank.services.accounts import bank_account_create
    from huikuan.bank.services.matching import statement_import_and_match

    company = Company.objects.get(pk=company_id)
    account = bank_account_create(
        actor=finance, company=company, name="招商银行基本户", bank_name="招商银行", number="7559 1234 5610 001"
    )
    labels = labelled_set(company_id=company_id, currency=company.currency, count=count, seed=seed, on=on)
    for payer_account, customer_id in labels.known_accounts:
        KnownPayer.objects.create(
            company=company, kind="account", key=names.account_key(payer_account), customer_id=customer_id
        )
    data = as_csv(labels.lines).encode()
    result, summary = statement_import_and_match(
        actor=clerk, account=account, data=data, file_name=f"招商银行流水{on:%Y%m%d}.csv"
    )
    return DemoBank(result.new, summary.applied, summary.for_review + summary.no_proposal + summary.failed)
