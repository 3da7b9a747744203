"""Payer names and account numbers as matching compares them.

A bank writes the payer as the payer's bank knows it: 上海华信科技有限公司, 上海华信科技(有限公司),
华信科技, HUAXIN TECH CO LTD, with full-width brackets, spaces and typos. Names are compared in three
forms: the whole name without spacing and punctuation (``full_key``); its core, without the legal form
(有限公司, Co. Ltd ...) and a leading province or city (``core_key``), which is how companies shorten
their own names; and character pairs of the core for near matches."""

from __future__ import annotations

import re
import unicodedata

# legal forms and their parts, longest first so that 有限责任公司 goes whole, not as 公司
_LEGAL_FORMS = sorted(
    [
        "股份有限公司",
        "有限责任公司",
        "集团有限公司",
        "集团股份有限公司",
        "有限公司",
        "股份公司",
        "集团公司",
        "分公司",
        "总公司",
        "公司",
        "集团",
        "有限",
        "厂",
        "商行",
        "经营部",
        "事务所",
        "工作室",
        "coltd",
        "companylimited",
        "limited",
        "ltd",
        "inc",
        "corporation",
        "corp",
        "company",
        "co",
        "gmbh",
        "llc",
        "plc",
        "bv",
        "nv",
        "sarl",
        "sa",
        "ag",
        "kft",
        "spzoo",
    ],
    key=len,
    reverse=True,
)
# provinces and large cities that open a company's registered name (北京, 上海市, 广东省深圳市 ...)
_PLACES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "苏州",
    "无锡",
    "宁波",
    "厦门",
    "青岛",
    "大连",
    "沈阳",
    "长春",
    "哈尔滨",
    "济南",
    "郑州",
    "武汉",
    "长沙",
    "成都",
    "西安",
    "合肥",
    "福州",
    "南昌",
    "昆明",
    "贵阳",
    "南宁",
    "太原",
    "石家庄",
    "呼和浩特",
    "兰州",
    "西宁",
    "银川",
    "乌鲁木齐",
    "拉萨",
    "海口",
    "东莞",
    "佛山",
    "珠海",
    "中山",
    "温州",
    "绍兴",
    "嘉兴",
    "金华",
    "台州",
    "常州",
    "南通",
    "徐州",
    "扬州",
    "烟台",
    "潍坊",
    "泉州",
    "惠州",
    "中国",
]
_PLACE_RE = re.compile("^(?:(?:" + "|".join(sorted(_PLACES, key=len, reverse=True)) + ")(?:省|市|自治区)?)+")
_LEGAL_RE = re.compile("(?:" + "|".join(_LEGAL_FORMS) + ")+$")
_BRACKETED_RE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_NOT_WORD_RE = re.compile(r"[\W_]+", re.UNICODE)


def full_key(name: str) -> str:
    """The name without spacing, punctuation or case, full-width letters made plain: equal for
    上海华信科技有限公司 and '上海华信科技 有限公司', and for 'Huaxin Tech Co., Ltd.' and 'HUAXIN TECH CO LTD'."""
    return _NOT_WORD_RE.sub("", unicodedata.normalize("NFKC", name).casefold())


def core_key(name: str) -> str:
    """The distinctive part of a company name: no bracketed branch note, legal form or leading
    place name (上海华信科技有限公司 → 华信科技). Never shortened to less than two characters:
    a name that is nothing but a place and a form keeps its full key."""
    text = _BRACKETED_RE.sub("", unicodedata.normalize("NFKC", name))
    key = full_key(text)
    core = _LEGAL_RE.sub("", key)
    core = _PLACE_RE.sub("", core) or core
    return core if len(core) >= 2 else key


def bigrams(key: str) -> set[str]:
    """The key's pairs of neighbouring characters (a single character for a one-character key)."""
    if len(key) < 2:
        return {key} if key else set()
    return {key[i : i + 2] for i in range(len(key) - 1)}


def is_abbreviation(short: str, long: str) -> bool:
    """Whether ``short`` could be an abbreviation of ``long``: at least two characters, its
    characters appear in ``long`` in order, and its first is ``long``'s first (华信 of 华信科技,
    中石化 of 中国石油化工 would need the first character too, so it is 中石化 → 中国石油化工: yes)."""
    if len(short) < 2 or len(short) >= len(long) or short[0] != long[0]:
        return False
    position = 0
    for char in short:
        position = long.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


def account_key(number: str) -> str:
    """An account number as compared: letters and digits only, upper case (IBAN spacing, dashes
    and the spaces banks pad with removed)."""
    return re.sub(r"[^0-9A-Za-z]", "", unicodedata.normalize("NFKC", number)).upper()
