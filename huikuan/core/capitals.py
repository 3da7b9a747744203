"""Amounts of yuan in Chinese financial capitals (大写金额), as printed on statements and dunning letters.

Chinese invoices, cheques, receipts and customer statements repeat every total in capital numerals
(壹贰叁…) because they cannot be altered by adding a stroke. ``amount_in_words`` writes them the way
the People's Bank of China rules for filling in bills and settlement vouchers describe (《支付结算办法》,
附件一 "正确填写票据和结算凭证的基本规定"):

- digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 inside a group of four digits, groups 万 and 亿, then 元角分;
- a run of zeros inside the number is written as one 零 (¥6007.14 → 陆仟零柒元壹角肆分), also across
  an empty group (¥100,010,000 → 壹亿零壹万元整);
- where the rules allow writing 零 or not (zeros at the end of a group, before 万 or 元, when the next
  digit is not zero), we do not: ¥1680.32 → 壹仟陆佰捌拾元叁角贰分, ¥107000.53 → 壹拾万柒仟元伍角叁分;
- 整 after 元 when there are no 角 or 分; none after 角 (optional in the rules) or 分 (forbidden);
- when 角 is zero and 分 is not, 零 is written before the 分 (¥325.04 → 叁佰贰拾伍元零肆分);
- a leading 壹 is always written (¥10 → 壹拾元整, never 拾元整).

Our own choices where the rules say nothing: an amount below one yuan has no 元 (¥0.50 → 伍角), zero is
零元整, and a negative amount (a credit balance) gets the prefix 负. The "人民币" before the words is the
caller's: forms usually print it.
"""

from __future__ import annotations

from decimal import Context, Decimal, localcontext

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("仟", "佰", "拾", "")  # inside a group of four digits, most significant first
GROUPS = ("", "万", "亿")  # groups of four digits, least significant first
MAX_AMOUNT = Decimal("999999999999.99")
_CENT = Decimal("0.01")


def amount_in_words(amount: Decimal) -> str:
    """The capital form of ``amount`` yuan: ``Decimal("1001.01")`` → ``"壹仟零壹元零壹分"``.

    ``amount`` must be a finite Decimal of whole fen (at most 2 decimal places once trailing zeros are
    ignored: ``Decimal("1.000")`` is one yuan) and at most 999,999,999,999.99 in absolute value;
    anything else raises ``ValueError`` (``TypeError`` for a float or other non-Decimal).
    """
    if not isinstance(amount, Decimal):
        raise TypeError(f"amount must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError(f"amount must be finite, not {amount}")
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(f"amount {amount} is beyond {MAX_AMOUNT}")
    with localcontext(Context(prec=28)):
        in_fen = amount.quantize(_CENT)
        if in_fen != amount:
            raise ValueError(f"amount {amount} has more than 2 decimal places")
        cents = int(in_fen.scaleb(2))
    words = _cents_in_words(abs(cents))
    return "负" + words if cents < 0 else words


def _cents_in_words(cents: int) -> str:
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    words = _integer_in_words(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    return words


def _integer_in_words(number: int) -> str:
    """A positive whole number below 10**12 in capitals, without 元."""
    groups: list[int] = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    words: list[str] = []
    zero_pending = False  # zeros seen since the last digit written: one 零 before the next digit
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero_pending = bool(words)
            continue
        for digit, unit in zip(f"{group:04d}", UNITS, strict=True):
            value = int(digit)
            if value == 0:
                zero_pending = bool(words)
                continue
            if zero_pending:
                words.append("零")
                zero_pending = False
            words.append(DIGITS[value] + unit)
        # Zeros at the end of a group are not written before its 万/亿 (or the caller's 元).
        words.append(GROUPS[index])
        zero_pending = False
    return "".join(words)
