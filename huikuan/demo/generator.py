"""The service-driven demo: customers, contracts, milestones, receipts, allocations, adjustments
and reversals, all written through the real services so the demo proves them.

The story is planned first (pure Python, from one seeded ``random.Random``), as dated events;
the events then run in date order, because the services refuse future dates and hand out
document numbers in the order they are called."""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from huikuan.accounts.models import Company
from huikuan.contracts.choices import ContractStatus
from huikuan.contracts.models import Contract, Installment
from huikuan.contracts.services import (
    contract_activate,
    contract_cancel,
    contract_create,
    contract_set_installments,
    contract_terminate,
    milestone_record,
)
from huikuan.core import money
from huikuan.core.dates import today
from huikuan.customers.models import Customer
from huikuan.customers.services import customer_create
from huikuan.demo import names
from huikuan.demo.company import Staff
from huikuan.receivables.choices import AdjustmentKind, PaymentMethod
from huikuan.receivables.models import Receipt
from huikuan.receivables.services.adjustments import adjustment_create
from huikuan.receivables.services.allocations import allocation_create, allocation_reverse, receipt_auto_allocate
from huikuan.receivables.services.receipts import receipt_create, receipt_reverse
from huikuan.terms.choices import MilestoneKind
from huikuan.terms.models import PaymentTerms
from huikuan.terms.schedule import LineSpec, build_schedule, due_after_milestone
from huikuan.terms.services import terms_lines

DAY = dt.timedelta(days=1)
TAGS = ("重点客户", "国企", "外资", "上市公司", "新客户", "政府项目", "经销商", "长期合作", "集团客户")
PRODUCTS = (
    "工业机器人",
    "自动化生产线",
    "数控机床",
    "视觉检测系统",
    "AGV搬运系统",
    "智能仓储系统",
    "设备维保服务",
    "控制系统升级改造",
    "伺服驱动器",
    "传感器及配件",
    "MES软件许可及实施",
    "备品备件",
)
GENERIC_MEMOS = ("货款", "设备款", "往来款", "服务费", "支付货款")
# payment behaviour: share of customers
BEHAVIOURS = (("prompt", 0.52), ("late", 0.36), ("bad", 0.12))

# Order of the events of one day: a contract exists before its milestones, money before the
# reversal of money, and write-offs and terminations come at the end of the day.
CONTRACT, MILESTONE, ADJUST, RECEIPT, REVERSE, WRITE_OFF, TERMINATE = range(7)


@dataclass
class PlannedContract:
    index: int
    customer: int
    signed_on: dt.date
    amount: Decimal
    title: str
    fate: str  # active, draft, cancelled, terminated
    terms_key: str | None
    manual_plan: list[dict] = field(default_factory=list)
    milestones: dict[str, dt.date] = field(default_factory=dict)
    # (sequence, amount, due date or None) as the services will make them
    installments: list[tuple[int, Decimal, dt.date | None]] = field(default_factory=list)
    ends_on: dt.date | None = None


@dataclass
class Result:
    customers: int = 0
    contracts: int = 0
    receipts: int = 0
    adjustments: int = 0
    reversals: int = 0


class DemoBuilder:
    """Plans and runs the demo story for one company."""

    def __init__(
        self,
        *,
        company: Company,
        staff: Staff,
        terms: dict[str, PaymentTerms],
        customers: int,
        contracts: int,
        seed: int,
    ) -> None:
        self.company, self.staff, self.terms = company, staff, terms
        self.customer_count, self.contract_count = customers, contracts
        self.rng = random.Random(seed)
        self.today = today()
        self.lines = {key: terms_lines(template) for key, template in terms.items()}
        self.events: list[tuple[dt.date, int, int, Callable[[], None]]] = []
        self.counter = itertools.count()
        self.customers: list[Customer] = []
        self.behaviour: list[str] = []
        self.contracts: dict[int, Contract] = {}
        self.receipts: dict[int, Receipt] = {}
        self.result = Result()

    # -- running ----------------------------------------------------------------------------

    def run(self) -> Result:
        self._create_customers()
        for planned in self._plan_contracts():
            self._plan_contract_events(planned)
        self._plan_advances()
        heapq.heapify(self.events)
        while self.events:
            _day, _order, _n, action = heapq.heappop(self.events)
            action()
        return self.result

    def _at(self, day: dt.date, order: int, action: Callable[[], None]) -> None:
        if day <= self.today:
            self.events.append((day, order, next(self.counter), action))

    # -- customers --------------------------------------------------------------------------

    def _create_customers(self) -> None:
        rng, owners = self.rng, self.staff.owners
        for name, city in names.unique_company_names(rng, self.customer_count):
            owner = owners[rng.randrange(len(owners))]
            contacts = [
                {
                    "name": names.person_name(rng),
                    "role": rng.choice(names.CONTACT_ROLES),
                    "phone": names.mobile(rng),
                    # a reserved example domain (RFC 2606): reminders have somewhere to go, and nowhere real
                    "email": f"c{len(self.customers) + 1:05d}.{index + 1}@customers.huikuan.example",
                    "is_primary": index == 0,
                }
                for index in range(rng.choice((1, 1, 2, 2, 3)))
            ]
            customer = customer_create(
                actor=owner,
                company=self.company,
                owner=owner,
                name=name,
                tax_id=names.tax_id(rng, city),
                address=names.address(rng, city),
                credit_limit=Decimal(rng.choice((0, 200, 500, 1000, 2000, 5000)) * 1000),
                tags=rng.sample(TAGS, rng.choice((0, 1, 1, 2))),
                contacts=contacts,
            )
            self.customers.append(customer)
            self.behaviour.append(rng.choices([b for b, _ in BEHAVIOURS], [w for _, w in BEHAVIOURS])[0])
        self.result.customers = len(self.customers)

    # -- planning contracts -----------------------------------------------------------------

    def _plan_contracts(self) -> list[PlannedContract]:
        rng = self.rng
        # A few big accounts sign most contracts, as in real order books.
        weights = [rng.paretovariate(1.2) for _ in self.customers]
        planned = []
        for index in range(self.contract_count):
            signed_on = self.today - dt.timedelta(days=rng.randint(1, 730))
            amount = Decimal(math.exp(rng.uniform(math.log(3_000), math.log(5_000_000))))
            amount = money.quantize(amount.quantize(Decimal(100)) if amount > 20_000 else amount, self.company.currency)
            fate = rng.choices(("active", "draft", "cancelled", "terminated"), (0.95, 0.015, 0.01, 0.025))[0]
            if fate == "draft":
                signed_on = self.today - dt.timedelta(days=rng.randint(1, 30))
            contract = PlannedContract(
                index=index,
                customer=rng.choices(range(len(self.customers)), weights)[0],
                signed_on=signed_on,
                amount=amount,
                title=f"{rng.choice(PRODUCTS)}{'采购合同' if rng.random() < 0.7 else '项目合同'}",
                fate=fate,
                terms_key=self._choose_terms(amount),
            )
            self._plan_schedule(contract)
            planned.append(contract)
        return planned

    def _choose_terms(self, amount: Decimal) -> str | None:
        if self.rng.random() < 0.1:
            return None
        if amount < 50_000:
            return self.rng.choice(("monthly_30", "next_month_15", "delivery_60"))
        if amount < 500_000:
            return self.rng.choice(("delivery_split", "quarterly_4", "monthly_30", "delivery_60"))
        return self.rng.choice(("project", "project", "delivery_split", "quarterly_4"))

    def _plan_schedule(self, contract: PlannedContract) -> None:
        rng, signed = self.rng, contract.signed_on
        delivery = signed + dt.timedelta(days=rng.randint(10, 75))
        contract.milestones = {MilestoneKind.DELIVERY: delivery}
        if rng.random() < 0.85:
            contract.milestones[MilestoneKind.ACCEPTANCE] = delivery + dt.timedelta(days=rng.randint(10, 60))
        if contract.terms_key is None:
            first = money.quantize(contract.amount * Decimal("0.3"), self.company.currency)
            later = signed + dt.timedelta(days=rng.choice((30, 45, 60, 90)))
            contract.manual_plan = [
                {"label": "预付款", "amount": first, "due_date": signed},
                {"label": "到货款", "amount": contract.amount - first, "due_date": later},
            ]
            contract.installments = [(1, first, signed), (2, contract.amount - first, later)]
            contract.milestones = {}
            return
        lines: list[LineSpec] = self.lines[contract.terms_key]
        template = self.terms[contract.terms_key]
        schedule = build_schedule(
            lines,
            total=contract.amount,
            currency=self.company.currency,
            base_date=signed,
            whole_units=template.whole_units,
        )
        if not any(item.milestone for item in schedule):
            contract.milestones = {}
        for item in schedule:
            due = item.due_date
            if item.milestone:
                reached = contract.milestones.get(item.milestone)
                due = reached and due_after_milestone(reached, days=item.offset_days, months=item.offset_months)
            contract.installments.append((item.sequence, item.amount, due))

    # -- contract events --------------------------------------------------------------------

    def _plan_contract_events(self, planned: PlannedContract) -> None:
        self._at(planned.signed_on, CONTRACT, lambda: self._create_contract(planned))
        if planned.fate in ("draft", "cancelled"):
            return
        for kind, reached_on in planned.milestones.items():
            self._at(reached_on, MILESTONE, functools.partial(self._record_milestone, planned, kind, reached_on))
        ends_on = None
        if planned.fate == "terminated":
            ends_on = planned.signed_on + dt.timedelta(days=self.rng.randint(60, 240))
            if ends_on > self.today:
                ends_on = None
            else:
                self._at(ends_on, TERMINATE, lambda: self._terminate(planned, ends_on))
        planned.ends_on = ends_on
        for sequence, amount, due in planned.installments:
            if due is not None and (ends_on is None or due <= ends_on):
                self._plan_payments(planned, sequence, amount, due)

    def _create_contract(self, planned: PlannedContract) -> None:
        customer = self.customers[planned.customer]
        actor = customer.owner
        contract = contract_create(
            actor=actor,
            customer=customer,
            title=planned.title,
            signed_on=planned.signed_on,
            amount=planned.amount,
            starts_on=planned.signed_on,
            ends_on=planned.signed_on + dt.timedelta(days=365 * 2),
            terms=self.terms[planned.terms_key] if planned.terms_key else None,
        )
        if planned.manual_plan:
            contract_set_installments(actor=actor, contract=contract, installments=planned.manual_plan)
        self.contracts[planned.index] = contract
        self.result.contracts += 1
        if planned.fate == "cancelled":
            contract_cancel(actor=actor, contract=contract, reason="客户取消采购计划")
        elif planned.fate != "draft":
            contract_activate(actor=actor, contract=contract)

    def _record_milestone(self, planned: PlannedContract, kind: str, reached_on: dt.date) -> None:
        note = "货物已签收" if kind == MilestoneKind.DELIVERY else "客户已出具验收报告"
        milestone_record(
            actor=self.staff.clerk, contract=self.contracts[planned.index], kind=kind, reached_on=reached_on, note=note
        )

    def _terminate(self, planned: PlannedContract, ends_on: dt.date) -> None:
        contract = self.contracts[planned.index]
        contract.refresh_from_db()
        if contract.status != ContractStatus.ACTIVE:  # paid in full before it could be ended
            return
        contract_terminate(
            actor=self.staff.finance, contract=contract, on=ends_on, reason="客户项目中止，双方协商终止合同"
        )
        # What was not yet due when the contract ended is credited; what was overdue stays owed.
        for installment in contract.installments.filter(open_amount__gt=0):
            if installment.due_date is None or installment.due_date > ends_on:
                self._adjust(
                    installment,
                    AdjustmentKind.CREDIT_NOTE,
                    installment.open_amount,
                    "合同终止，红冲未到期款项",
                    ends_on,
                )

    # -- payments ---------------------------------------------------------------------------

    def _plan_payments(self, planned: PlannedContract, sequence: int, amount: Decimal, due: dt.date) -> None:
        rng, behaviour = self.rng, self.behaviour[planned.customer]
        earliest = max(planned.signed_on, due - dt.timedelta(days=10))
        if behaviour == "prompt":
            paid_on = max(earliest, due + dt.timedelta(days=rng.randint(-10, 5)))
            parts = [(paid_on, amount)]
        elif behaviour == "late":
            paid_on = due + dt.timedelta(days=rng.randint(5, 75))
            if rng.random() < 0.25:
                first = money.round_whole(amount * Decimal(rng.uniform(0.4, 0.8)))
                parts = [(paid_on, first)]
                if rng.random() < 0.7:
                    parts.append((paid_on + dt.timedelta(days=rng.randint(20, 60)), amount - first))
            else:
                parts = [(paid_on, amount)]
        else:
            parts = []
            if rng.random() < 0.35:
                parts = [(due + dt.timedelta(days=rng.randint(45, 200)), amount)]
            elif due < self.today - dt.timedelta(days=200) and rng.random() < 0.4:
                written_on = min(self.today, due + dt.timedelta(days=rng.randint(200, 400)))
                self._at(written_on, WRITE_OFF, lambda: self._write_off(planned, sequence, written_on))
        for paid_on, part in parts:
            self._plan_receipt(planned, sequence, part, paid_on)

    def _plan_receipt(self, planned: PlannedContract, sequence: int, amount: Decimal, paid_on: dt.date) -> None:
        rng = self.rng
        discount = Decimal(0)
        roll = rng.random()
        if roll < 0.03:
            discount = money.quantize(amount * Decimal(rng.choice(("0.01", "0.02", "0.05"))), self.company.currency)
            kind, reason = AdjustmentKind.DISCOUNT, "质量瑕疵，经协商给予折让"
        elif roll < 0.04:
            discount = money.quantize(amount * Decimal("0.10"), self.company.currency)
            kind, reason = AdjustmentKind.CREDIT_NOTE, "部分货物退回，开具红字发票"
        if discount:
            self._at(paid_on, ADJUST, lambda: self._adjust_planned(planned, sequence, kind, discount, reason, paid_on))
        amount -= discount
        style = rng.random()
        extra = Decimal(0)
        if style < 0.08:  # rounded up: the rest stays as an advance (预收款)
            extra = Decimal(math.ceil(amount / 10_000) * 10_000) - amount
        key = next(self.counter)
        reverse_roll = rng.random()
        self._at(paid_on, RECEIPT, lambda: self._receive(planned, sequence, amount + extra, paid_on, style, key))
        if reverse_roll < 0.015:
            undone_on = paid_on + dt.timedelta(days=rng.randint(1, 10))
            self._at(undone_on, REVERSE, lambda: self._reverse_receipt(key, undone_on))
            again = undone_on + dt.timedelta(days=rng.randint(3, 15))
            self._at(again, RECEIPT, lambda: self._receive(planned, sequence, amount, again, 0.5, next(self.counter)))
        elif reverse_roll < 0.04:
            undone_on = paid_on + dt.timedelta(days=rng.randint(0, 7))
            self._at(undone_on, REVERSE, lambda: self._reverse_allocation(key, undone_on))

    def _method(self, amount: Decimal, paid_on: dt.date) -> tuple[str, dt.date | None]:
        roll = self.rng.random()
        if amount <= 5_000 and roll < 0.6:
            return (PaymentMethod.WECHAT_PAY if roll < 0.35 else PaymentMethod.ALIPAY), None
        if amount >= 100_000 and roll < 0.15:
            return PaymentMethod.BANK_ACCEPTANCE, paid_on + dt.timedelta(days=self.rng.choice((90, 180)))
        if amount >= 100_000 and roll < 0.18:
            return PaymentMethod.COMMERCIAL_ACCEPTANCE, paid_on + dt.timedelta(days=180)
        return PaymentMethod.BANK_TRANSFER, None

    def _receive(
        self, planned: PlannedContract, sequence: int, amount: Decimal, paid_on: dt.date, style: float, key: int
    ) -> None:
        """One receipt: 45% name the contract in the memo (auto-allocated to it), 40% are matched
        by the clerk by hand, the rest are lump sums allocated oldest due first."""
        contract = self.contracts[planned.index]
        customer = self.customers[planned.customer]
        method, maturity = self._method(amount, paid_on)
        if style < 0.45:
            memo = f"{contract.number} {self.rng.choice(('合同款', '货款', '进度款'))}"
        else:
            memo = self.rng.choice(GENERIC_MEMOS)
        receipt = receipt_create(
            actor=self.staff.clerk,
            customer=customer,
            received_on=paid_on,
            amount=amount,
            method=method,
            bill_maturity_date=maturity,
            payer_name=customer.name,
            bank_reference="" if maturity else f"{self.rng.randrange(10**15):015d}",
            memo=memo,
        )
        self.receipts[key] = receipt
        self.result.receipts += 1
        if 0.45 <= style < 0.85:
            installment = Installment.objects.get(contract=contract, sequence=sequence)
            take = min(installment.open_amount, amount)
            if take > 0:
                allocation_create(actor=self.staff.clerk, receipt=receipt, installment=installment, amount=take)
        receipt_auto_allocate(actor=self.staff.clerk, receipt=receipt)

    def _reverse_receipt(self, key: int, undone_on: dt.date) -> None:
        receipt = self.receipts[key]
        reason = "承兑汇票退票" if receipt.bill_maturity_date else "重复录入，冲销"
        receipt_reverse(actor=self.staff.clerk, receipt=receipt, reason=reason, reversed_on=undone_on)
        self.result.reversals += 1

    def _reverse_allocation(self, key: int, undone_on: dt.date) -> None:
        allocation = self.receipts[key].allocations.filter(reversed_on__isnull=True).order_by("pk").first()
        if allocation is None or allocation.effective_on > undone_on:
            return
        allocation_reverse(
            actor=self.staff.clerk, allocation=allocation, reason="核销到错误的收款节点", reversed_on=undone_on
        )
        self.result.reversals += 1

    # -- adjustments ------------------------------------------------------------------------

    def _adjust(self, installment: Installment, kind: str, amount: Decimal, reason: str, on: dt.date) -> None:
        amount = min(amount, installment.open_amount)
        if amount > 0:
            actor = self.staff.finance if kind == AdjustmentKind.WRITE_OFF else self.staff.clerk
            adjustment_create(
                actor=actor, installment=installment, kind=kind, amount=amount, reason=reason, effective_on=on
            )
            self.result.adjustments += 1

    def _adjust_planned(
        self, planned: PlannedContract, sequence: int, kind: str, amount: Decimal, reason: str, on: dt.date
    ) -> None:
        installment = Installment.objects.get(contract=self.contracts[planned.index], sequence=sequence)
        self._adjust(installment, kind, amount, reason, on)

    def _write_off(self, planned: PlannedContract, sequence: int, on: dt.date) -> None:
        installment = Installment.objects.get(contract=self.contracts[planned.index], sequence=sequence)
        self._adjust(installment, AdjustmentKind.WRITE_OFF, installment.open_amount, "客户经营异常，经审批核销坏账", on)

    def _plan_advances(self) -> None:
        """A few customers pay in advance, before anything is due: unapplied cash (预收款)."""
        rng = self.rng
        for index in rng.sample(range(len(self.customers)), max(1, len(self.customers) // 40)):
            paid_on = self.today - dt.timedelta(days=rng.randint(1, 60))
            amount = Decimal(rng.choice((5, 10, 20, 50)) * 10_000)

            def advance(index: int = index, paid_on: dt.date = paid_on, amount: Decimal = amount) -> None:
                customer = self.customers[index]
                receipt_create(
                    actor=self.staff.clerk,
                    customer=customer,
                    received_on=paid_on,
                    amount=amount,
                    payer_name=customer.name,
                    bank_reference=f"{rng.randrange(10**15):015d}",
                    memo="预付货款",
                )
                self.result.receipts += 1

            self._at(paid_on, RECEIPT, advance)
