"""Small real files of each kind that may be uploaded, and disguised ones, for the tests."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfWriter

from lde.core.uploads import DOCX, PPTX, XLSX, FileKind

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML_PAGE = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n"


def pdf(pages: int = 1) -> bytes:
    """A real PDF of blank pages, as pypdf writes one."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_MAIN_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml", PPTX: "ppt/presentation.xml"}


def office(kind: FileKind, *, main_type: str = "", with_main_part: bool = True) -> bytes:
    """A package with [Content_Types].xml declaring `kind`'s main part (or `main_type`)."""
    part = _MAIN_PARTS[kind]
    declared = main_type or kind.main_part_type
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" ContentType="{declared}"/></Types>',
        )
        if with_main_part:
            package.writestr(part, "<document/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("hello.txt", "Hello.")
    return out.getvalue()
