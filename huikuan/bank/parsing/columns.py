"""Recognising a spreadsheet export's columns from its header texts (Chinese banks' and English ones)."""

from __future__ import annotations

import re
import unicodedata

from . import ColumnMapping

# Normalised header names (see normalise_header), best first: when a file has several, the first wins
# (ICBC has both 交易金额(收入) and 记账金额(收入); the booked amount is the account's).
_NAMES: dict[str, tuple[str, ...]] = {
    "date": (
        "交易日期",
        "记账日期",
        "入账日期",
        "账务日期",
        "交易日",
        "记账日",
        "日期",
        "交易时间",
        "date",
        "bookingdate",
        "bookeddate",
        "transactiondate",
        "postingdate",
        "entrydate",
        "operationdate",
    ),
    "amount": ("交易金额", "金额", "发生额", "记账金额", "交易金额(元)", "amount", "transactionamount", "amt"),
    "credit": (
        "记账金额(收入)",
        "收入金额",
        "收入",
        "贷方金额",
        "贷方发生额",
        "贷方",
        "存入",
        "存入金额",
        "收款金额",
        "交易金额(收入)",
        "credit",
        "creditamount",
        "credits",
        "paidin",
        "moneyin",
        "deposit",
        "deposits",
    ),
    "debit": (
        "记账金额(支出)",
        "支出金额",
        "支出",
        "借方金额",
        "借方发生额",
        "借方",
        "支取",
        "支取金额",
        "付款金额",
        "交易金额(支出)",
        "debit",
        "debitamount",
        "debits",
        "paidout",
        "moneyout",
        "withdrawal",
        "withdrawals",
    ),
    "direction": (
        "借贷",
        "借贷标志",
        "借贷方向",
        "收支",
        "收支方向",
        "借/贷",
        "debit/credit",
        "credit/debit",
        "d/c",
        "c/d",
        "dr/cr",
        "cr/dr",
    ),
    "payer_name": (
        "对方户名",
        "对方名称",
        "对方账户名",
        "对方账户名称",
        "付款人名称",
        "付款人户名",
        "付款方名称",
        "对手信息",
        "交易对方",
        "对方单位",
        "对方单位名称",
        "payer",
        "payername",
        "counterparty",
        "counterpartyname",
        "payee/payer",
        "payer/payee",
        "name",
    ),
    "payer_account": (
        "对方账号",
        "对方账户",
        "对方卡号/账号",
        "对方卡号",
        "付款人账号",
        "对方账户号",
        "payeraccount",
        "counterpartyaccount",
        "counterpartyiban",
        "iban",
    ),
    "payer_bank": (
        "对方开户行",
        "对方行名",
        "对方开户机构",
        "付款人开户行",
        "对方银行",
        "counterpartybank",
        "payerbank",
        "bank",
    ),
    "reference": (
        "流水号",
        "交易流水号",
        "凭证号",
        "日志号",
        "交易参考号",
        "业务流水号",
        "交易序号",
        "reference",
        "ref",
        "referencenumber",
        "transactionid",
        "transactionreference",
        "operationnumber",
    ),
    "memo": (
        "摘要",
        "交易摘要",
        "客户摘要",
        "交易名称",
        "交易类型",
        "交易详情",
        "用途",
        "附言",
        "交易附言",
        "备注",
        "说明",
        "description",
        "memo",
        "details",
        "detail",
        "label",
        "narrative",
        "purpose",
        "remittanceinformation",
        "remarks",
        "notes",
        "note",
        "particulars",
    ),
    "balance": ("余额", "账户余额", "联机余额", "本次余额", "交易后余额", "balance", "runningbalance", "balanceafter"),
    "currency": ("记账币种", "币种", "货币", "币别", "交易币种", "currency", "ccy"),
    "value_date": ("起息日", "起息日期", "valuedate"),
}

_UNIT = re.compile(r"\((?:元|人民币|rmb|cny)\)$")


def normalise_header(text: object) -> str:
    """'日 志 号\t' → '日志号'; 'Booking Date' → 'bookingdate'; full-width brackets made plain."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    folded = re.sub(r"[\s\ufeff]+", "", folded).strip(":：*")
    return _UNIT.sub("", folded)


def find_columns(headers: list[str]) -> dict[str, list[int]]:
    """For each field, the indexes of the header cells naming it, best name first."""
    keys = [normalise_header(header) for header in headers]
    found: dict[str, list[int]] = {}
    for field, names in _NAMES.items():
        hits = [(names.index(key), index) for index, key in enumerate(keys) if key in names]
        found[field] = [index for _rank, index in sorted(hits)]
    return found


def guess_mapping(headers: list[str]) -> ColumnMapping | None:
    """The mapping the header texts suggest, or None when they name no date or no amount columns."""
    found = find_columns(headers)
    taken: set[int] = set()

    def pick(field: str) -> str:
        for index in found[field]:
            if index not in taken:
                taken.add(index)
                return str(headers[index]).strip()
        return ""

    date = pick("date")
    credit, debit = pick("credit"), pick("debit")
    if not (credit and debit):
        credit = debit = ""
    amount = pick("amount")
    if not date or not (amount or credit):
        return None
    if credit and amount:  # separate in/out columns say more than a lone amount column next to them
        amount = ""
    direction = pick("direction") if amount else ""
    payer_name, payer_account, payer_bank = pick("payer_name"), pick("payer_account"), pick("payer_bank")
    reference, balance = pick("reference"), pick("balance")
    currency, value_date = pick("currency"), pick("value_date")
    memo = sorted((index for index in found["memo"] if index not in taken), key=int)
    return ColumnMapping(
        date=date,
        amount=amount,
        credit=credit,
        debit=debit,
        direction=direction,
        memo=tuple(str(headers[index]).strip() for index in memo),
        currency=currency,
        value_date=value_date,
        payer_name=payer_name,
        payer_account=payer_account,
        payer_bank=payer_bank,
        reference=reference,
        balance=balance,
    )
