"""Plain-text reports: encoding detection and one block per line.

Encodings are tried in a fixed order: a byte-order mark (UTF-8, UTF-16 LE/BE), then strict UTF-8,
then strict GB18030 (a superset of GBK and GB2312). GB18030 accepts most byte sequences, so a
decoded text must also look like Chinese-or-ASCII text (see `_check_plausible`).
"""

from __future__ import annotations

import codecs
import unicodedata

from pipelines.extract.text import simplify
from pipelines.model import DEFAULT_LIMITS, Document, ReadError, ReadLimits, TextBlock

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Share of all characters that may be control characters (other than tab, newline, CR, form feed).
MAX_CONTROL_SHARE = 0.01
# Share of the non-ASCII, non-space characters that must fall in _EXPECTED_RANGES.
MIN_EXPECTED_SHARE = 0.9
# For a GB18030 guess: share of the CJK ideographs that must be GB2312 (common simplified) characters.
MIN_GB2312_SHARE = 0.8

# Unicode ranges that Chinese report text is made of, besides ASCII.
_EXPECTED_RANGES = (
    (0x00A0, 0x00FF),  # Latin-1 signs: × · ° ±
    (0x2000, 0x206F),  # general punctuation: “ ” — …
    (0x2100, 0x23FF),  # letterlike, number forms (Ⅰ Ⅱ), arrows, maths (≥ ≤)
    (0x2460, 0x27BF),  # enclosed numbers (①), box drawing, shapes (■ ○), symbols (☑), dingbats
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。《》【】
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xFF00, 0xFFEF),  # full-width forms: ，：（）％
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode report bytes; return (text, encoding name) or raise ReadError with the reason."""
    text, encoding = _decode(data)
    check_text(text, guessed_gb18030=encoding == "gb18030")
    return text, encoding


def check_text(text: str, *, guessed_gb18030: bool) -> None:
    """Reject decoded text that is empty, binary, or not Chinese-or-ASCII (a wrong encoding)."""
    if not text.strip():
        raise ReadError("empty file")
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS)
    if controls > MAX_CONTROL_SHARE * len(text):
        raise ReadError(f"binary content ({controls} control characters in {len(text)})")
    _check_plausible(text, guessed_gb18030=guessed_gb18030)


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ReadError(f"invalid {encoding} text after its byte-order mark: {exc.reason}") from exc
    if b"\x00" in data:
        raise ReadError("binary content (NUL bytes: a binary file, or UTF-16 without a byte-order mark)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ReadError(f"not UTF-8 or GB18030 text (undecodable bytes at offset {exc.start})") from exc


def _check_plausible(text: str, *, guessed_gb18030: bool) -> None:
    """Reject text that decoded but is not Chinese-or-ASCII, i.e. the wrong encoding was guessed.

    Heuristic: of the non-ASCII, non-space characters, at least MIN_EXPECTED_SHARE must be CJK
    ideographs or common punctuation/symbols (_EXPECTED_RANGES); Big5 or UTF-16 bytes decoded as
    GB18030 give kana, Greek, rare ideographs and private-use characters instead. A GB18030 guess
    must also be mostly (MIN_GB2312_SHARE) GB2312 ideographs, the common simplified characters, or
    traditional forms of them (績效 in a report written in traditional characters): Big5 read as GBK
    lands on rare GBK-only ideographs.
    """
    others = [c for c in text if ord(c) > 0x7F and not c.isspace()]
    if not others:
        return
    expected = sum(1 for c in others if any(lo <= ord(c) <= hi for lo, hi in _EXPECTED_RANGES))
    if expected < MIN_EXPECTED_SHARE * len(others):
        raise ReadError(
            f"text does not look like Chinese (only {expected} of {len(others)} non-ASCII characters are "
            "common; wrong encoding such as Big5 or UTF-16 without a byte-order mark?)"
        )
    if guessed_gb18030:
        ideographs = [c for c in others if 0x4E00 <= ord(c) <= 0x9FFF]
        common = sum(1 for c in simplify("".join(ideographs)) if _is_gb2312(c))
        if common < MIN_GB2312_SHARE * len(ideographs):
            raise ReadError(
                f"text does not look like Chinese (only {common} of {len(ideographs)} ideographs are common "
                "simplified characters; wrong encoding such as Big5?)"
            )


def _is_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def read_txt(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Document:
    """Read a plain-text report: one paragraph block per non-blank line, locator ``line N``
    (only the file-size limit, checked before, applies)."""
    text, encoding = decode_text(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks = tuple(
        TextBlock(text=line.strip(), locator=f"line {number}")
        for number, line in enumerate(lines, start=1)
        if line.strip()
    )
    return Document(
        source_file=source_file,
        content_hash=content_hash,
        file_format="txt",
        blocks=blocks,
        encoding=encoding,
    )
