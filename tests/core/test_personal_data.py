"""The personal-data guard finds obvious identifiers, says where, and leaves ordinary text alone."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from lde.core.personal_data import Unreadable, file_texts, scan_file, scan_text


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in scan_text(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Write to j.smith+prevent@example.org.uk today",
            ("Email address", "j.smith+prevent@example.org.uk"),
        ),
        ("Call 07700 900123 after six", ("Phone number", "07700 900123")),
        ("Switchboard: 020 7946 0000.", ("Phone number", "020 7946 0000")),
        ("Ring +44 (0)161 496 0000", ("Phone number", "+44 (0)161 496 0000")),
        ("NI number AB 12 34 56 C on file", ("National Insurance number", "AB 12 34 56 C")),
        ("ni: ab123456d", ("National Insurance number", "ab123456d")),
        ("DOB: 12/03/2009", ("Date of birth", "DOB: 12/03/2009")),
        ("He was born on 3rd March 2009 in town", ("Date of birth", "born on 3rd March 2009")),
        ("date of birth 2009-03-12", ("Date of birth", "date of birth 2009-03-12")),
        (
            "Lives at 14 Acacia Avenue, Harrowfield HF1 2AB",
            ("Address with a full postcode", "14 Acacia Avenue, Harrowfield HF1 2AB"),
        ),
        (
            "Flat 3, Mill House, SW1A 1AA",
            ("Address with a full postcode", "Flat 3, Mill House, SW1A 1AA"),
        ),
    ],
)
def test_each_kind_of_identifier_is_found(text: str, expected: tuple[str, str]) -> None:
    assert kinds(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "The board met on 12/03/2025 and agreed the action plan.",  # a date, not a birth date
        "Referrals rose by 12 per cent; 45 staff were trained in 2025.",
        "The HF1 area had three events.",  # an outward code alone is no one's address
        "Our office is in the town hall, HF1 2AB.",  # a postcode with no house number
        "See paragraph 89 of the report and Figure 4.",
        "Reference 2025/0412-7 in the minutes.",
        "The NI scheme (Northern Ireland) was mentioned.",
    ],
)
def test_ordinary_text_has_no_findings(text: str) -> None:
    assert scan_text(text) == []


def test_a_finding_says_where_it_is() -> None:
    text = "First line.\nSecond line with a@b.org in it."
    (finding,) = scan_text(text, where="Commentary on 1.1")
    assert (finding.line, finding.column) == (2, 18)
    assert finding.place == "Commentary on 1.1, line 2"


def test_a_birth_date_is_not_also_a_phone_number() -> None:
    assert kinds("DOB 01-02-2009, tel 0161 496 0000") == [
        ("Date of birth", "DOB 01-02-2009"),
        ("Phone number", "0161 496 0000"),
    ]


def _pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(
        string=f"<p>Page one</p><p style='page-break-before: always'>{text}</p>"
    ).write_pdf()


def test_a_pdf_is_read_page_by_page() -> None:
    findings = scan_file(_pdf("Contact 07700 900123"), "application/pdf", "plan.pdf")
    assert [(f.kind, f.where) for f in findings] == [("Phone number", "plan.pdf, page 2")]


def test_office_files_are_read() -> None:
    book = Workbook()
    book.active["A1"] = "Name"
    book.active["B2"] = "someone@example.org"
    buffer = io.BytesIO()
    book.save(buffer)
    findings = scan_file(
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "list.xlsx",
    )
    assert [(f.kind, f.text) for f in findings] == [("Email address", "someone@example.org")]

    document = io.BytesIO()
    with zipfile.ZipFile(document, "w") as archive:
        archive.writestr(
            "word/document.xml",
            "<w:document><w:body><w:p><w:r><w:t>Date of birth: 1 May 2008</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>Plain text &amp; more</w:t></w:r></w:p></w:body></w:document>",
        )
    findings = scan_file(
        document.getvalue(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "note.docx",
    )
    assert [(f.kind, f.line) for f in findings] == [("Date of birth", 1)]


def test_images_and_broken_files_are_reported_unchecked() -> None:
    with pytest.raises(Unreadable, match=r"photo\.png"):
        file_texts(b"\x89PNG...", "image/png", "photo.png")
    with pytest.raises(Unreadable, match="could not be read"):
        file_texts(
            b"not a zip",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "x.xlsx",
        )
    with pytest.raises(Unreadable, match="could not be read"):
        file_texts(b"%PDF-1.4 broken", "application/pdf", "broken.pdf")
