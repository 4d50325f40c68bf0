"""Saved web pages (.html, .htm) via lxml.html: the page's text without its site furniture.

The encoding: a byte-order mark, else the charset the page declares (``<meta charset>`` or an
``http-equiv`` content type) when the page decodes with it strictly and reads as Chinese-or-ASCII
text, else strict UTF-8, else strict GB18030 (the .txt reader's rules, `decode_text`).
"""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree

from pipelines.model import DEFAULT_LIMITS, Document, ReadError, ReadLimits, TextBlock
from pipelines.readers.text import BOMS, check_text, decode_text

# Elements that are never report text: code, styling, site navigation, page furniture, forms.
DROPPED_TAGS = frozenset(
    [
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "form",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "button",
        "select",
        "textarea",
        "input",
    ]
)
# A class or id naming site furniture: nav, navbar, main-nav, menu, footer, breadcrumb(s), crumbs.
FURNITURE = re.compile(r"(?:^|[\s_-])(?:nav|menu|footer|breadcrumb|crumb)", re.IGNORECASE)
PAGE_TAGS = frozenset(["html", "body", "main"])  # never dropped for their class or id
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Elements that start and end a paragraph (a <br> ends a line too).
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "main",
        "aside",
        "blockquote",
        "pre",
        "address",
        "center",
        "figure",
        "figcaption",
        "hr",
        "caption",
        "body",
        "fieldset",
        "details",
        "summary",
    ]
)
DECLARED_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# GB2312 and GBK pages are read as GB18030, their superset (browsers do the same).
_GB_ALIASES = frozenset({"gb2312", "gbk", "cp936", "x-gbk", "gb_2312-80", "euc-cn"})
MAX_SPAN = 1000  # a rowspan or colspan above this is taken as 1 (a hostile page)


def decode_page(data: bytes) -> tuple[str, str]:
    """The page's text and the encoding that decoded it (or ReadError with the reason)."""
    if not any(data.startswith(bom) for bom, _ in BOMS):
        declared = declared_charset(data)
        if declared:
            try:
                text = data.decode(declared)
                check_text(text, guessed_gb18030=False)
            except (UnicodeDecodeError, ReadError):
                pass  # pages that name the wrong charset are common: guess as for .txt
            else:
                return text, declared
    return decode_text(data)


def declared_charset(data: bytes) -> str | None:
    """The Python codec of the charset the page's head declares, if it names one Python knows."""
    match = DECLARED_CHARSET.search(data[:8192])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    if name in _GB_ALIASES:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def read_html(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Document:
    """Read a saved web page.

    Scripts, styles, navigation, headers, footers, forms, hidden elements and elements whose class
    or id names site furniture (nav, menu, footer, breadcrumb) are dropped. Block elements (p, div,
    li, h1-h6 ...) and lines broken by <br> become paragraphs ``p N`` in page order; every table row
    becomes a table row ``table T row R`` (T counts the page's tables, nested ones included), a cell
    spanning several columns one cell, a cell spanning several rows repeated in each (as the .docx
    reader gives merged cells).
    """
    text, encoding = decode_page(data)
    try:
        root = lxml.html.document_fromstring(XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError) as exc:
        raise ReadError("no report text in the web page") from exc
    walker = _Walker(limits)
    walker.walk(root)
    walker.flush()
    if not walker.blocks:
        raise ReadError("no report text in the web page")
    return Document(
        source_file=source_file,
        content_hash=content_hash,
        file_format="html",
        blocks=tuple(walker.blocks),
        encoding=encoding,
    )


def _dropped(element: etree._Element) -> bool:
    if element.tag in DROPPED_TAGS or element.get("hidden") is not None:
        return True
    if element.tag in PAGE_TAGS:  # <body class="has-navbar"> is still the page
        return False
    names = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(FURNITURE.search(names) or HIDDEN_STYLE.search(element.get("style", "")))


class _Walker:
    """Collects a page's blocks in order: the text of a run of inline content becomes a paragraph."""

    def __init__(self, limits: ReadLimits):
        self.limits = limits
        self.blocks: list[TextBlock] = []
        self.line: list[str] = []
        self.paragraphs = self.tables = self.cells = 0

    def add(self, text: str | None) -> None:
        if text:
            self.line.append(text)

    def flush(self) -> None:
        text = " ".join("".join(self.line).split())
        self.line.clear()
        if text:
            self.paragraphs += 1
            self.blocks.append(TextBlock(text=text, locator=f"p {self.paragraphs}"))

    def walk(self, element: etree._Element) -> None:
        if not isinstance(element.tag, str) or _dropped(element):  # a comment, or furniture
            self.add(element.tail)
            return
        if element.tag in ("table", "br"):
            self.flush()
            if element.tag == "table":
                self.table(element)
            self.add(element.tail)
            return
        block = element.tag in BLOCK_TAGS
        if block:
            self.flush()
        if element.tag == "pre":
            for line in (element.text_content() or "").splitlines():
                self.add(line)
                self.flush()
        else:
            self.add(element.text)
            for child in element:
                self.walk(child)
        if block:
            self.flush()
        self.add(element.tail)

    def table(self, table: etree._Element) -> None:
        """The table's rows, then the tables nested in its cells."""
        self.tables += 1
        number = self.tables
        nested: list[etree._Element] = []
        below: dict[int, tuple[str, int, int]] = {}  # column -> (text, rows still spanned, columns)
        rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
        for row_number, row in enumerate(rows, start=1):
            texts: list[str] = []
            column = 0
            for cell in row.xpath("./td | ./th"):
                column = self._spanned(below, column, texts)
                texts.append(self._cell_text(cell, nested))
                rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
                if rowspan > 1:
                    below[column] = (texts[-1], rowspan - 1, colspan)
                column += colspan
            self._spanned(below, column, texts, everything=True)
            self.cells += len(texts)
            if self.cells > self.limits.max_table_cells:
                raise ReadError(f"more than {self.limits.max_table_cells} table cells (READ_MAX_TABLE_CELLS)")
            if any(texts):
                self.blocks.append(
                    TextBlock(
                        text=" | ".join(texts),
                        locator=f"table {number} row {row_number}",
                        kind="table_row",
                        cells=tuple(texts),
                    )
                )
        for inner in nested:
            self.table(inner)

    @staticmethod
    def _spanned(
        below: dict[int, tuple[str, int, int]], column: int, texts: list[str], everything: bool = False
    ) -> int:
        """Repeat the cells spanning down into this row at `column` (or, at the row's end, all the
        rest); return the next free column."""
        while below and (column in below or (everything and max(below) >= column)):
            column = column if column in below else min(c for c in below if c >= column)
            text, rows, columns = below.pop(column)
            texts.append(text)
            if rows > 1:
                below[column] = (text, rows - 1, columns)
            column += columns
        return column

    def _cell_text(self, cell: etree._Element, nested: list[etree._Element]) -> str:
        """A cell's text on one line; the tables inside it are set aside in `nested`."""
        parts: list[str] = []

        def collect(element: etree._Element) -> None:
            if not isinstance(element.tag, str) or _dropped(element):
                parts.append(element.tail or "")
                return
            if element.tag == "table":
                nested.append(element)
                parts.append(" ")
            else:
                if element.tag == "br" or element.tag in BLOCK_TAGS:
                    parts.append(" ")
                parts.append(element.text or "")
                for child in element:
                    collect(child)
            parts.append(element.tail or "" if element is not cell else "")

        collect(cell)
        return " ".join("".join(parts).split())


def _span(cell: etree._Element, attribute: str) -> int:
    """A cell's rowspan or colspan (1 when absent, invalid, 0 or above MAX_SPAN)."""
    match = re.match(r"\s*(\d+)", cell.get(attribute, ""))
    value = int(match.group(1)) if match else 1
    return value if 1 <= value <= MAX_SPAN else 1
