"""The personal-data guard: finds obvious identifiers of people in text and in files.

The platform holds no information about identifiable members of the public. Authors declare
that before their work goes further; this guard checks what they wrote and attached for the
obvious slips — dates of birth, National Insurance numbers, full postcodes with a house number,
phone numbers and email addresses — and says what it found and where, so the author can take it
out. It looks for patterns, not meaning: it cannot prove that text is free of personal data
(a name alone is not found), and a finding may be harmless (an office's switchboard number).
That is why it informs the author's declaration rather than replacing it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape

# Email addresses.
EMAIL = re.compile(r"\b[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\b")

# UK phone numbers: 0 or +44 then 9 or 10 more digits, in the groupings people write
# (07700 900123, 020 7946 0000, +44 (0)161 496 0000, 0161-496-0000).
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s-]?\)?\d){8,9}(?![\w])")

# National Insurance numbers: two prefix letters (not D, F, I, Q, U or V; the second not O;
# not the unused pairs), six digits, a suffix A-D; spaces allowed in the usual places.
NATIONAL_INSURANCE = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",
    re.IGNORECASE,
)

# A date, numeric (12/03/2009, 12-3-09, 2009-03-12) or written (12 March 2009, 12th Mar 09).
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{2,4}})"
)
# A date of birth: a date said to be one ("DOB", "date of birth", "born on", "d.o.b.").
DATE_OF_BIRTH = re.compile(
    rf"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?)\s*[:\-]?\s*({_DATE})",
    re.IGNORECASE,
)

# A full postcode (outward and inward code) — an area code alone is no one's address.
_POSTCODE = r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[A-Z]{2}\b"
POSTCODE = re.compile(_POSTCODE, re.IGNORECASE)
# A house number (or flat) starting an address on the same line within 80 characters before it.
HOUSE_NUMBER = re.compile(
    r"(?:\b(?:flat|apartment|apt)\.?\s*\d+[a-z]?\b|(?<![\w/.-])\d{1,4}[a-z]?,?\s+[A-Za-z][A-Za-z'-]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One thing that looks like a person's identifier: what kind, the text, and where."""

    kind: str
    text: str
    where: str
    line: int
    column: int

    @property
    def place(self) -> str:
        return f"{self.where}, line {self.line}" if self.where else f"line {self.line}"


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def scan_text(text: str, where: str = "") -> list[Finding]:
    """Everything in `text` that looks like a person's identifier, in the order it appears."""
    if not text:
        return []
    found: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        # A date of birth is not also reported as a phone number, and so on.
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            return
        taken.append((start, end))
        found.append((start, kind, text[start:end]))

    for match in EMAIL.finditer(text):
        add("Email address", match.start(), match.end())
    for match in NATIONAL_INSURANCE.finditer(text):
        add("National Insurance number", match.start(), match.end())
    for match in DATE_OF_BIRTH.finditer(text):
        add("Date of birth", match.start(), match.end())
    for match in POSTCODE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[max(line_start, match.start() - 80) : match.start()]
        house = HOUSE_NUMBER.search(before)
        if house is not None:
            add(
                "Address with a full postcode",
                match.start() - len(before) + house.start(),
                match.end(),
            )
    for match in PHONE.finditer(text):
        add("Phone number", match.start(), match.end())
    findings = []
    for start, kind, matched in sorted(found):
        line, column = _position(text, start)
        findings.append(Finding(kind, " ".join(matched.split()), where, line, column))
    return findings


def scan_texts(parts: Iterable[tuple[str, str]]) -> list[Finding]:
    """Scan several labelled texts, e.g. (criterion's commentary, text)."""
    return [finding for where, text in parts for finding in scan_text(text, where)]


# --- Files ---------------------------------------------------------------------------------

OFFICE_TEXT_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "word/document.xml",
        "word/header",
        "word/footer",
        "word/footnotes.xml",
        "word/comments.xml",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "xl/sharedStrings.xml",
        "xl/worksheets/",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "ppt/slides/",
        "ppt/notesSlides/",
    ),
}
_TAG = re.compile(r"<[^>]+>")
# Paragraph, row and cell ends become line breaks, so that findings have a useful line number
# and patterns do not run across cells.
_BREAK = re.compile(r"</(?:w:p|a:p|row|c|si)>")


class Unreadable(Exception):
    """The file's text could not be read: it was not checked."""


def file_texts(data: bytes, content_type: str, name: str) -> list[tuple[str, str]]:
    """The text of a file, as (where, text) parts: a page of a PDF, a part of an Office file.

    Raises Unreadable for images and for files whose text cannot be read, so that the author
    is told the guard did not check them rather than that nothing was found.
    """
    if content_type in {"text/plain", "text/csv"}:
        return [(name, data.decode("utf-8", errors="replace"))]
    if content_type == "application/pdf":
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            reader = PdfReader(io.BytesIO(data))
            return [
                (f"{name}, page {number}", page.extract_text() or "")
                for number, page in enumerate(reader.pages, start=1)
            ]
        except (PyPdfError, ValueError, KeyError, TypeError) as error:
            raise Unreadable(f"{name}: its text could not be read") from error
    prefixes = OFFICE_TEXT_PARTS.get(content_type)
    if prefixes is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return [
                    (
                        f"{name} ({member})",
                        unescape(_TAG.sub("", _BREAK.sub("\n", archive.read(member).decode()))),
                    )
                    for member in archive.namelist()
                    if member.endswith(".xml") and member.startswith(prefixes)
                ]
        except (zipfile.BadZipFile, UnicodeDecodeError, KeyError) as error:
            raise Unreadable(f"{name}: its text could not be read") from error
    raise Unreadable(f"{name}: a {content_type or 'file'} has no text the guard can read")


def scan_file(data: bytes, content_type: str, name: str) -> list[Finding]:
    return scan_texts(file_texts(data, content_type, name))


def masked(text: str) -> str:
    """Enough of an identifier to find it again, not enough to use it: the first and last
    two characters, the rest as dots."""
    if len(text) <= 6:
        return "•" * len(text)
    return text[:2] + "•" * (len(text) - 4) + text[-2:]


def guard_check_file(data: bytes, content_type: str, name: str) -> list[dict[str, str]] | None:
    """The guard's findings in an uploaded file, as they are kept beside it: the kind, the place
    and a masked excerpt, never the identifier itself. None when the file has no text the guard
    can read (an image), so that readers are told it was not checked rather than that nothing
    was found. `content_type` is the one `lde.core.uploads.upload_check` found, not the one the
    browser sent."""
    try:
        findings = scan_file(data, content_type, name)
    except Unreadable:
        return None
    return [{"kind": f.kind, "place": f.place, "excerpt": masked(f.text)} for f in findings]
