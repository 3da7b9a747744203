"""The PDF renderer: Chinese text in the built-in STSong-Light font, read back from the file with pypdf."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from huikuan.core.capitals import amount_in_words
from huikuan.core.pdf import Document, Table, render

CUSTOMER = "上海华东机电设备有限公司"
TITLE = "客户对账单"
IN_WORDS = amount_in_words(Decimal("12345.67"))  # 壹万贰仟叁佰肆拾伍元陆角柒分


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _statement(**changes) -> Document:
    rows = [[f"2025-03-{day % 28 + 1:02d}", f"FP-{day:05d}", "货款", f"{day * 100:,}.00"] for day in range(1, 121)]
    values = {
        "title": TITLE,
        "lines": ["客户：" + CUSTOMER, "期间：2025-01-01 至 2025-03-31"],
        "tables": [
            (
                "往来明细",
                Table(["日期", "单号", "摘要", "金额"], rows, numeric=[3], total=["合计", "", "", "726,000.00"]),
            )
        ],
        "footer": ["余额（大写）：人民币" + IN_WORDS],
    } | changes
    return Document(**values)


@pytest.fixture(scope="module")
def statement_pages():
    pdf = render(_statement())
    assert pdf.startswith(b"%PDF-")
    return _pages(pdf)


def test_chinese_text_is_extractable(statement_pages):
    first = statement_pages[0]
    assert TITLE in first
    assert CUSTOMER in first
    assert "期间：2025-01-01 至 2025-03-31" in first
    assert IN_WORDS == "壹万贰仟叁佰肆拾伍元陆角柒分"
    assert "人民币" + IN_WORDS in statement_pages[-1]


def test_long_tables_span_pages_numbered_n_of_total(statement_pages):
    count = len(statement_pages)
    assert count >= 3
    for number, text in enumerate(statement_pages, start=1):
        assert f"{number} / {count}" in text
    assert "1 / " + str(count) in statement_pages[0]


def test_header_row_repeats_and_every_row_is_printed(statement_pages):
    for text in statement_pages[1:]:
        if "FP-" in text:
            assert "单号" in text
    everything = "\n".join(statement_pages)
    assert all(f"FP-{day:05d}" in everything for day in range(1, 121))
    assert "726,000.00" in statement_pages[-1]
    assert "合计" in statement_pages[-1]


def test_markup_characters_are_printed_literally():
    text = "\n".join(
        _pages(
            render(
                _statement(
                    title="<b>& 对账单",
                    lines=["A & B <i>not italic</i> &amp;"],
                    tables=[("<caption>", Table(["<th>"], [["1 < 2 & 3 > 2"]]))],
                    footer=["</para>"],
                )
            )
        )
    )
    for literal in ["<b>& 对账单", "A & B <i>not italic</i> &amp;", "<caption>", "<th>", "1 < 2 & 3 > 2", "</para>"]:
        assert literal in text


def test_long_text_wraps_inside_its_cell():
    note = "这是一段非常长的摘要文字" * 12
    pages = _pages(render(Document(title=TITLE, tables=[("", Table(["摘要", "金额"], [[note, "1.00"]], numeric=[1]))])))
    assert len(pages) == 1
    lines = [line.strip() for line in pages[0].splitlines()]
    # Wrapped: the note comes back in several lines, all of it there.
    wrapped = [line for line in lines if line.startswith("这是") or "摘要文字" in line]
    assert len(wrapped) > 1
    assert "".join(wrapped).replace(" ", "").count("这是一段非常长的摘要文字") == 12


def test_landscape_and_an_empty_document():
    pdf = render(Document(title=TITLE, landscape=True))
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    assert _pages(pdf) == [f"{TITLE}\n1 / 1\n"]


def test_a_table_with_no_rows():
    text = _pages(render(Document(title=TITLE, tables=[("明细", Table(["日期", "金额"], []))])))[0]
    assert "日期" in text
    assert "金额" in text


@pytest.mark.parametrize(
    "table",
    [
        lambda: Table(["a", "b"], [["1"]]),
        lambda: Table(["a", "b"], [["1", "2"]], total=["x"]),
        lambda: Table(["a", "b"], [["1", "2"]], numeric=[2]),
        lambda: Table([], []),
    ],
)
def test_inconsistent_tables_are_refused(table):
    with pytest.raises(ValueError, match="column"):
        table()
