"""The matching engine: for an incoming bank line, who paid and for which open installments.

Pure: it reads a ``Directory`` (the company's customers, contracts and what confirmed matches taught,
``bank/directory.py`` builds it) and an ``OpenBook`` (open installments by customer), and proposes.
Each proposal carries a confidence in percent and the reasons it was made, as codes with parameters
(``bank/reasons.py`` words them in the reader's language).

Confidence is the smaller of two: how sure the payer is the customer, and how sure the amount is
for those installments. Only strong evidence reaches the default threshold of 90 on both: a payer
account or a full name seen before, the full registered name, a contract number in the memo; and an
amount that is exactly one installment, the oldest few together, or a contract's whole open part.
Everything weaker (an abbreviated or misspelt name, a parent company, a partial payment, a sum of
installments that are not the oldest) is proposed for review, never applied on its own."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from huikuan.bank import names

# customer evidence, in percent
KNOWN_ACCOUNT = 99
CONTRACT_AND_NAME = 99
FULL_NAME = 97
KNOWN_NAME = 96
CONTRACT_IN_MEMO = 95
CORE_NAME = 94
ABBREVIATION = 85
FUZZY_FACTOR = 0.9  # a near name's similarity (80–100) times this: at most 90, never applied alone
FUZZY_CUTOFF = 80
SEVERAL_CUSTOMERS = 70  # one of several customers the evidence points to, told apart by amount

# amount evidence, in percent
CONTRACT_AMOUNT = 98
OLDEST_EXACT = 97
ONE_EXACT = 93
OLDEST_SUM = 92
SUBSET_SUM = 80
PARTIAL = 60
OVERPAID = 55
GREEDY = 50
NOTHING_OPEN = 40

_SUBSET_WINDOW = 12  # a sum of several installments is looked for among this many oldest
_SUBSET_MAX = 4
_TOKEN_RE = re.compile(r"[0-9A-Z][0-9A-Z\-_/.]*[0-9A-Z]")

Reason = tuple[str, dict[str, object]]
# who a line's payer may be: customers, confidence, reasons, and the contracts (contract, customer,
# number) its memo names
Identity = tuple[set[int], int, list[Reason], list[tuple[int, int, str]]]


@dataclass(slots=True)
class OpenItem:
    """An open installment, in matching order within its customer; ``open_cents`` goes down as
    lines of the same batch are applied to it."""

    pk: int
    contract_id: int
    currency: str
    due_date: dt.date | None
    open_cents: int


@dataclass
class Proposal:
    customer_id: int
    lines: list[tuple[int, int]]  # (installment pk, cents)
    confidence: int
    reasons: list[Reason]

    def as_json(self) -> dict[str, object]:
        return {
            "customer": self.customer_id,
            "lines": [[pk, cents] for pk, cents in self.lines],
            "confidence": self.confidence,
            "reasons": [[code, params] for code, params in self.reasons],
        }


@dataclass
class Directory:
    """What the engine knows of a company's customers, read once per batch of lines."""

    customer_names: dict[int, str] = field(default_factory=dict)
    full: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    core: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    stem: dict[int, str] = field(default_factory=dict)  # customer → full key without the legal form
    core_of: dict[int, str] = field(default_factory=dict)
    by_bigram: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # an abbreviation's first two characters: the core's or stem's first and any one after it
    by_opening: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    known_accounts: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    known_names: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    contracts: dict[str, tuple[int, int]] = field(default_factory=dict)  # NUMBER → (contract, customer)
    contract_numbers: dict[int, str] = field(default_factory=dict)
    _found: dict[str, tuple[set[int], int, list[Reason]]] = field(default_factory=dict)

    def add_customer(self, pk: int, name: str) -> None:
        self.customer_names[pk] = name
        full = names.full_key(name)
        core = names.core_key(name)
        self.full[full].add(pk)
        self.core[core].add(pk)
        self.core_of[pk] = core
        self.stem[pk] = re.sub(r"(?:有限责任公司|股份有限公司|有限公司|公司)$", "", full)
        for pair in names.bigrams(core):
            self.by_bigram[pair].add(pk)
        for key in (core, self.stem[pk]):
            for later in set(key[1:]):
                self.by_opening[key[0] + later].add(pk)

    def add_contract(self, pk: int, number: str, customer_id: int) -> None:
        if number:
            self.contracts[number.upper()] = (pk, customer_id)
            self.contract_numbers[pk] = number

    def learn(self, kind: str, key: str, customer_id: int) -> None:
        (self.known_accounts if kind == "account" else self.known_names)[key].add(customer_id)

    # --- who paid -------------------------------------------------------------------------------

    def by_name(self, payer_name: str) -> tuple[set[int], int, list[Reason]]:
        """The customers a payer name points to, how sure, and why (cached: a payer pays often)."""
        found = self._found.get(payer_name)
        if found is None:
            found = self._by_name(payer_name)
            self._found[payer_name] = found
        return found

    def _by_name(self, payer_name: str) -> tuple[set[int], int, list[Reason]]:
        full = names.full_key(payer_name)
        if not full:
            return set(), 0, []
        if self.full.get(full):
            return set(self.full[full]), FULL_NAME, [("name_exact", {})]
        if self.known_names.get(full):
            return set(self.known_names[full]), KNOWN_NAME, [("name_known", {})]
        core = names.core_key(payer_name)
        if self.core.get(core):
            return set(self.core[core]), CORE_NAME, [("name_core", {})]
        abbreviated = self._abbreviated(core)
        if abbreviated:
            return abbreviated, ABBREVIATION, [("name_abbreviation", {})]
        return self._near(core)

    def _candidates(self, core: str) -> set[int]:
        """Customers sharing at least half of the core's character pairs, counted on the pairs
        that tell names apart (科技 or 有限 open thousands of pools and tell nothing)."""
        counts: dict[int, int] = defaultdict(int)
        pairs = names.bigrams(core)
        pools = sorted((len(self.by_bigram.get(pair, ())), pair) for pair in pairs)
        common = max(50, len(self.customer_names) // 100)
        telling = [pair for size, pair in pools if size <= common] or [pair for _size, pair in pools[:1]]
        for pair in telling:
            for pk in self.by_bigram.get(pair, ()):
                counts[pk] += 1
        need = max(1, len(pairs) // 2 - (len(pairs) - len(telling)))
        return {pk for pk, count in counts.items() if count >= need}

    def _abbreviated(self, core: str) -> set[int]:
        """Customers whose core or name (place included: 中石化 of 中国石油化工) the name abbreviates."""
        if len(core) < 2:
            return set()
        return {
            pk
            for pk in self.by_opening.get(core[:2], ())
            if names.is_abbreviation(core, self.core_of[pk]) or names.is_abbreviation(core, self.stem[pk])
        }

    def _near(self, core: str) -> tuple[set[int], int, list[Reason]]:
        scored = sorted(((fuzz.ratio(core, self.core_of[pk]), pk) for pk in self._candidates(core)), reverse=True)
        scored = [(score, pk) for score, pk in scored if score >= FUZZY_CUTOFF]
        if not scored:
            return set(), 0, []
        best = scored[0][0]
        top = {pk for score, pk in scored if score >= best - 3}
        return top, int(best * FUZZY_FACTOR), [("name_similar", {"score": int(best)})]

    def contracts_in(self, memo: str) -> list[tuple[int, int, str]]:
        """(contract, customer, number) for each contract number the memo mentions, in memo order."""
        found: list[tuple[int, int, str]] = []
        for token in _TOKEN_RE.findall(memo.upper()):
            hit = self.contracts.get(token)
            if hit is not None and hit[0] not in {f[0] for f in found}:
                found.append((hit[0], hit[1], self.contract_numbers[hit[0]]))
        return found


@dataclass
class OpenBook:
    """Open installments by customer and currency, in matching order (oldest due first, those
    waiting on a milestone last)."""

    items: dict[tuple[int, str], list[OpenItem]] = field(default_factory=dict)
    by_pk: dict[int, OpenItem] = field(default_factory=dict)

    def add(self, customer_id: int, item: OpenItem) -> None:
        """Add the customer's next open installment (in matching order)."""
        self.items.setdefault((customer_id, item.currency), []).append(item)
        self.by_pk[item.pk] = item

    def of(self, customer_id: int, currency: str) -> list[OpenItem]:
        return [item for item in self.items.get((customer_id, currency), ()) if item.open_cents > 0]

    def take(self, lines: Iterable[tuple[int, int]]) -> None:
        """Lower the open amounts by an applied proposal's lines."""
        for pk, cents in lines:
            item = self.by_pk.get(pk)
            if item is not None:
                item.open_cents -= cents


@dataclass(frozen=True)
class Line:
    amount_cents: int  # > 0: only money in is matched
    currency: str
    payer_name: str
    payer_account: str
    memo: str
    reference: str = ""


def identify(line: Line, directory: Directory) -> Identity:
    """The customers the line's payer may be, how sure, why, and the contracts its memo names."""
    mentioned = directory.contracts_in(f"{line.memo} {line.reference}")
    account = names.account_key(line.payer_account)
    by_account = set(directory.known_accounts.get(account, ())) if len(account) >= 6 else set()
    named, name_confidence, name_reasons = directory.by_name(line.payer_name)
    contract_customers = {customer for _contract, customer, _number in mentioned}

    if by_account:
        reasons: list[Reason] = [("account_known", {})]
        if len(by_account) == 1:
            return by_account, KNOWN_ACCOUNT, reasons, mentioned
        # a parent company's account, known to pay for several: the memo's contracts decide
        narrowed = by_account & contract_customers
        if len(narrowed) == 1:
            return narrowed, CONTRACT_IN_MEMO, [*reasons, ("account_several", {}), ("contract_in_memo", {})], mentioned
        return by_account, SEVERAL_CUSTOMERS, [*reasons, ("account_several", {})], mentioned
    if contract_customers:
        reasons = [("contract_in_memo", {})]
        if len(contract_customers) == 1:
            if named == contract_customers:
                return contract_customers, CONTRACT_AND_NAME, [*reasons, *name_reasons], mentioned
            if named and name_confidence >= CORE_NAME:
                # the name says one customer, the memo another's contract: a parent paying, or a
                # mistyped number; a person decides
                return named | contract_customers, SEVERAL_CUSTOMERS, [*reasons, ("name_differs", {})], mentioned
            return contract_customers, CONTRACT_IN_MEMO, reasons, mentioned
        return contract_customers, SEVERAL_CUSTOMERS, [*reasons, ("contracts_of_several", {})], mentioned
    if named:
        if len(named) > 1:
            return named, min(name_confidence, SEVERAL_CUSTOMERS), [*name_reasons, ("name_several", {})], mentioned
        return named, name_confidence, name_reasons, mentioned
    return set(), 0, [], mentioned


def _exact_subset(items: list[OpenItem], cents: int) -> list[OpenItem] | None:
    """The only set of 2 to 4 of the oldest installments whose open amounts add up to ``cents``
    (found through the sums of pairs, not by trying every combination)."""
    window = items[:_SUBSET_WINDOW]
    values = [item.open_cents for item in window]
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i, j in itertools.combinations(range(len(values)), 2):
        pairs[values[i] + values[j]].append((i, j))
    for size in range(2, _SUBSET_MAX + 1):
        found: set[frozenset[int]] = set()
        if size == 2:
            found = {frozenset(pair) for pair in pairs.get(cents, ())}
        elif size == 3:
            for k, value in enumerate(values):
                found |= {frozenset((*pair, k)) for pair in pairs.get(cents - value, ()) if k not in pair}
        else:
            for total, first in pairs.items():
                for second in pairs.get(cents - total, ()):
                    for pair in first:
                        if not set(pair) & set(second):
                            found.add(frozenset((*pair, *second)))
        if len(found) > 1:
            return None
        if found:
            return [window[index] for index in sorted(next(iter(found)))]
    return None


def _greedy(items: list[OpenItem], cents: int) -> list[tuple[int, int]]:
    lines = []
    for item in items:
        if cents <= 0:
            break
        take = min(cents, item.open_cents)
        lines.append((item.pk, take))
        cents -= take
    return lines


def _how(items: list[OpenItem], cents: int, named: set[int]) -> tuple[list[tuple[int, int]], int, list[Reason]]:
    """Which of a customer's open installments (matching order) a payment of ``cents`` is for;
    ``named`` are the contracts the memo mentions."""
    if not items:
        return [], NOTHING_OPEN, [("nothing_open", {})]
    if named:
        of_named = [item for item in items if item.contract_id in named]
        if of_named:
            total = sum(item.open_cents for item in of_named)
            if total == cents:
                return [(i.pk, i.open_cents) for i in of_named], CONTRACT_AMOUNT, [("contract_open_amount", {})]
            exact = [item for item in of_named if item.open_cents == cents]
            if exact:
                return [(exact[0].pk, cents)], CONTRACT_AMOUNT, [("contract_installment_amount", {})]
            running = 0
            for count, item in enumerate(of_named, start=1):
                running += item.open_cents
                if running == cents:
                    lines = [(i.pk, i.open_cents) for i in of_named[:count]]
                    return lines, CONTRACT_AMOUNT, [("contract_oldest_sum", {"count": count})]
            if cents < total:
                return _greedy(of_named, cents), PARTIAL, [("partial", {})]
    if items[0].open_cents == cents:
        return [(items[0].pk, cents)], OLDEST_EXACT, [("amount_oldest", {})]
    exact = [item for item in items if item.open_cents == cents]
    if exact:
        confidence = ONE_EXACT if len(exact) == 1 else ONE_EXACT - 3
        return [(exact[0].pk, cents)], confidence, [("amount_one", {"count": len(exact)})]
    running = 0
    for count, item in enumerate(items, start=1):
        running += item.open_cents
        if running == cents:
            return [(i.pk, i.open_cents) for i in items[:count]], OLDEST_SUM, [("amount_oldest_sum", {"count": count})]
        if running > cents:
            break
    subset = _exact_subset(items, cents)
    if subset is not None:
        return [(i.pk, i.open_cents) for i in subset], SUBSET_SUM, [("amount_subset", {"count": len(subset)})]
    total = sum(item.open_cents for item in items)
    if cents > total:
        return [(i.pk, i.open_cents) for i in items], OVERPAID, [("overpaid", {"left": cents - total})]
    if cents < items[0].open_cents:
        return [(items[0].pk, cents)], PARTIAL, [("partial", {})]
    return _greedy(items, cents), GREEDY, [("oldest_first", {})]


def propose(
    line: Line, directory: Directory, book: OpenBook, *, limit: int = 3, identity: Identity | None = None
) -> list[Proposal]:
    """The best proposals for a credit line, surest first (none when no customer is in sight);
    ``identity`` is what ``identify`` found for it, when the caller already asked."""
    customers, customer_confidence, customer_reasons, mentioned = identity or identify(line, directory)
    if not customers:
        return []
    proposals = []
    for customer_id in customers:
        named = {contract for contract, customer, _n in mentioned if customer == customer_id}
        lines, amount_confidence, amount_reasons = _how(book.of(customer_id, line.currency), line.amount_cents, named)
        reasons = list(customer_reasons)
        if named:
            numbers = [number for contract, _c, number in mentioned if contract in named]
            reasons = [("contract_in_memo", {"numbers": numbers}) if r[0] == "contract_in_memo" else r for r in reasons]
        proposals.append(
            Proposal(customer_id, lines, min(customer_confidence, amount_confidence), [*reasons, *amount_reasons])
        )
    proposals.sort(key=lambda p: (-p.confidence, p.customer_id))
    if len(proposals) > 1:
        # several customers: the amount may tell them apart, but a person confirms
        exact = [p for p in proposals if any(r[0] in _EXACT_REASONS for r in p.reasons)]
        for proposal in proposals:
            ceiling = SEVERAL_CUSTOMERS + (15 if len(exact) == 1 and proposal is exact[0] else 0)
            proposal.confidence = min(proposal.confidence, ceiling)
        proposals.sort(key=lambda p: (-p.confidence, p.customer_id))
    return proposals[:limit]


_EXACT_REASONS = frozenset(
    {
        "contract_open_amount",
        "contract_installment_amount",
        "contract_oldest_sum",
        "amount_oldest",
        "amount_one",
        "amount_oldest_sum",
    }
)
