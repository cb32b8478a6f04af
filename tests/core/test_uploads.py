"""Uploaded files are judged by their content (lde.core.uploads): a refusal says what the file
was found to be, and what is kept is the type found, never the one the browser sent."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from lde.core.uploads import (
    CSV,
    DOCUMENTS,
    DOCX,
    JPEG,
    PDF,
    PNG,
    PPTX,
    TEXT,
    XLSX,
    UploadRefused,
    files_kept_only_on_success,
    upload_check,
)
from tests import uploads


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("report.pdf", uploads.pdf(2), PDF),
        ("REPORT.PDF", uploads.pdf(), PDF),
        ("minutes.docx", uploads.office(DOCX), DOCX),
        ("scores.xlsx", uploads.office(XLSX), XLSX),
        ("slides.pptx", uploads.office(PPTX), PPTX),
        ("map.png", uploads.PNG, PNG),
        ("photo.jpg", uploads.JPEG, JPEG),
        ("photo.jpeg", uploads.JPEG, JPEG),
        ("figures.csv", b"area,count\nNorth,3\n", CSV),
        # A byte order mark, as Excel's "CSV UTF-8" writes, is UTF-8 too.
        ("figures.csv", "\ufeffarea,count\nNörth,3\n".encode(), CSV),
        ("notes.txt", "Café opened at 9.\n".encode(), TEXT),
        # A name with no extension claims nothing: the content decides.
        ("minutes", uploads.pdf(), PDF),
        ("notes", b"Plain words.", TEXT),
    ],
)
def test_a_file_that_is_what_its_name_says_is_accepted_as_what_it_is(
    name: str, data: bytes, kind: object
) -> None:
    assert upload_check(data, name=name, accepted=DOCUMENTS) is kind


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "report.pdf",
            uploads.WINDOWS_PROGRAM,
            "The file is called report.pdf but it is a Windows program. Upload a PDF",
        ),
        (
            "report.pdf",
            uploads.HTML_PAGE,
            "The file is called report.pdf but it is an HTML page. Upload a PDF",
        ),
        (
            "report.pdf",
            b"  <html><body>Hello</body></html>",
            "The file is called report.pdf but it is an HTML page. Upload a PDF",
        ),
        (
            "notes.txt",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "The file is called notes.txt but it is an SVG image. Upload a text file",
        ),
        (
            "report.pdf",
            b"%PDF-1.7 and then nothing a reader could open",
            "The file is called report.pdf and starts like a PDF, but it is damaged, so it "
            "cannot be read. Open it, save it again, and upload the new copy",
        ),
        (
            "photo.jpg",
            uploads.PNG,
            "The file is called photo.jpg but it is a PNG image. Rename it photo.png, or upload "
            "a JPEG image",
        ),
        (
            "minutes.docx",
            uploads.plain_zip(),
            "The file is called minutes.docx but it is a zip archive. Upload a Word document",
        ),
        (
            "minutes.docx",
            uploads.office(
                DOCX, main_type="application/vnd.ms-word.document.macroEnabled.main+xml"
            ),
            "The file is called minutes.docx but it is a Word document with macros. Upload a "
            "Word document",
        ),
        (
            "minutes.docx",
            uploads.office(DOCX, with_main_part=False),
            "The file is called minutes.docx and starts like a Word document, but it is damaged, "
            "so it cannot be read. Open it, save it again, and upload the new copy",
        ),
        (
            "scores.xlsx",
            uploads.office(DOCX),
            "The file is called scores.xlsx but it is a Word document. Rename it scores.docx, "
            "or upload an Excel workbook",
        ),
        (
            "minutes.docx",
            b"PK\x03\x04 truncated",
            "The file is called minutes.docx but it is a damaged zip archive. Upload a Word "
            "document",
        ),
        (
            "old.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40,
            "The file is called old.docx but it is an older Office file (.doc, .xls or .ppt). "
            "Upload a Word document",
        ),
        (
            "figures.csv",
            "area,count\nNörth,3\n".encode("cp1252"),
            "The file is called figures.csv but it is not saved as UTF-8 text. Save it as UTF-8 "
            "(in Excel, choose “CSV UTF-8”) and upload it again",
        ),
        (
            "figures.csv",
            b"area,count\x00\x00\x01",
            "The file is called figures.csv but it is a file of a type this service does not "
            "recognise. Upload a CSV file",
        ),
        (
            "tool.exe",
            uploads.WINDOWS_PROGRAM,
            "The file is called tool.exe, which is not a type of file you can upload here. "
            "Upload a PDF, Word, Excel, PowerPoint, CSV, text, PNG or JPEG file",
        ),
        (
            "tool",
            uploads.WINDOWS_PROGRAM,
            "The file is called tool but it is a Windows program. Upload a PDF, Word, Excel, "
            "PowerPoint, CSV, text, PNG or JPEG file",
        ),
        ("report.pdf", b"", "The selected file is empty"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_saying_what_it_is(
    name: str, data: bytes, message: str
) -> None:
    with pytest.raises(UploadRefused) as refused:
        upload_check(data, name=name, accepted=DOCUMENTS)
    assert refused.value.reason == message
    assert refused.value.message_dict == {"file": [message]}


def test_a_pdf_with_a_password_is_refused_as_one() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(uploads.pdf())))
    writer.encrypt(user_password="secret", owner_password="secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(UploadRefused) as refused:
        upload_check(out.getvalue(), name="locked.pdf", accepted=DOCUMENTS)
    assert refused.value.reason == (
        "The file is called locked.pdf but it is a PDF protected with a password. Save it "
        "again without a password and upload the new copy"
    )


def test_without_a_name_a_check_for_one_kind_names_the_extension() -> None:
    assert upload_check(uploads.office(XLSX), name="", accepted=(XLSX,)) is XLSX
    with pytest.raises(UploadRefused) as refused:
        upload_check(uploads.pdf(), name="", accepted=(XLSX,), field="workbook")
    assert refused.value.message_dict == {
        "workbook": ["The file is a PDF. Upload an Excel workbook (.xlsx)"]
    }


def test_files_written_in_a_block_that_fails_are_removed(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), files_kept_only_on_success() as files:
        files.write(tmp_path, b"one")
        source = tmp_path / "source"
        source.write_bytes(b"two")
        files.copy(source, tmp_path)
        raise RuntimeError("the audit event could not be written")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source"]

    with files_kept_only_on_success() as files:
        kept = files.write(tmp_path, b"three")
    assert (tmp_path / kept).read_bytes() == b"three"
