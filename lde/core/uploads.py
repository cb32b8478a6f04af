"""Uploaded files: what a file is, judged by its content, and storing it all or nothing.

A file's name and the type the browser sends are chosen by whoever uploads it; neither says what
the file is. A program renamed `report.pdf`, or a web page saved as one, would otherwise be kept
as evidence or an attachment and handed to the next reader as a PDF. So every upload is checked
here, once, by its content: its first bytes (the signature every format starts with) and then
its structure —

- a PDF must open with pypdf and list its pages;
- a Word, Excel or PowerPoint file (docx, xlsx, pptx) must be a zip package whose
  `[Content_Types].xml` declares the format's main part, and that part must be in the package
  (a macro-enabled document, an OpenDocument file or any other zip is refused);
- a PNG or JPEG image must start with its signature;
- CSV and plain text must be UTF-8 without NUL bytes, and not a web page or an SVG image.

The file's extension says what the person meant to upload; the content must be that. A refusal
says what the file turned out to be, in words a person can act on ("The file is called
report.pdf but it is an HTML page. Upload a PDF"). What is stored is the content type the check
found, never the one the browser sent.

Writing the file is the other half: a row that names a file must never exist without it, and a
file must never outlive a write that failed. `StoredFiles` writes files under random names and,
if anything in its block raises — the row, the audit event, the commit — removes every file it
wrote. `transaction.on_commit` cannot do this: a rolled-back transaction runs nothing.
"""

from __future__ import annotations

import errno
import io
import shutil
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath
from xml.etree import ElementTree

from django.core.exceptions import ValidationError

# [Content_Types].xml is a few kilobytes; anything far larger is not an Office package.
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
_CONTENT_TYPES_NAMESPACE = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@dataclass(frozen=True)
class FileKind:
    """A type of file that may be uploaded: how people call it, the extensions that name it,
    and the content type it is stored and served with."""

    label: str  # "a PDF": as a sentence names one
    short: str  # "PDF": as a list of accepted types names it
    extensions: tuple[str, ...]
    content_type: str
    # For Office files: the content type [Content_Types].xml gives the package's main part.
    main_part_type: str = ""

    @property
    def is_text(self) -> bool:
        return self.content_type.startswith("text/")


PDF = FileKind("a PDF", "PDF", (".pdf",), "application/pdf")
DOCX = FileKind(
    "a Word document",
    "Word",
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
)
XLSX = FileKind(
    "an Excel workbook",
    "Excel",
    (".xlsx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
PPTX = FileKind(
    "a PowerPoint presentation",
    "PowerPoint",
    (".pptx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
)
CSV = FileKind("a CSV file", "CSV", (".csv",), "text/csv")
TEXT = FileKind("a text file", "text", (".txt",), "text/plain")
PNG = FileKind("a PNG image", "PNG", (".png",), "image/png")
JPEG = FileKind("a JPEG image", "JPEG", (".jpg", ".jpeg"), "image/jpeg")

OFFICE_KINDS = (DOCX, XLSX, PPTX)
# What evidence and attachments may be: documents people keep, nothing that runs.
DOCUMENTS = (PDF, DOCX, XLSX, PPTX, CSV, TEXT, PNG, JPEG)

# Main parts of Office packages that are not what their extension promises.
_OTHER_OFFICE_MAIN_PARTS = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": "a Word document with macros",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "an Excel workbook with macros",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": (
        "a PowerPoint presentation with macros"
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": (
        "a Word template"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": (
        "an Excel template"
    ),
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": "an Excel binary workbook",
}

# Signatures: the bytes a format starts with, and what a person would call the file.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a Mac program"),
    (b"\xce\xfa\xed\xfe", "a Mac program"),
    (b"\xca\xfe\xba\xbe", "a Mac program or Java class"),
    (b"#!", "a script"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Office file (.doc, .xls or .ppt)"),
    (b"{\\rtf", "a Rich Text Format (RTF) document"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\x00asm", "a WebAssembly program"),
)

# The starts of an HTML document that browsers recognise when they sniff (WHATWG MIME
# Sniffing, "rules for identifying an unknown MIME type"), each followed by a space or ">".
_HTML_STARTS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
)


@dataclass(frozen=True)
class _Found:
    """What the content is: one of the kinds that may be uploaded (checked in full), or a
    description of something else; `damaged` when it starts like a kind but is not whole."""

    description: str
    kind: FileKind | None = None
    damaged: bool = False
    not_utf8: bool = False
    password_protected: bool = False


class UploadRefused(ValidationError):
    """The file is not what its name says, or not a type that may be uploaded here. A
    ValidationError on `field`, so that pages and the API show it beside the file input;
    `reason` is the sentence alone."""

    def __init__(self, reason: str, *, field: str = "file") -> None:
        super().__init__({field: reason})
        self.reason = reason


def _accepted_words(accepted: Sequence[FileKind]) -> str:
    """ "a PDF", or "a PDF, Word, Excel, CSV or text file"."""
    if len(accepted) == 1:
        kind = accepted[0]
        return f"{kind.label} ({kind.extensions[0]})"
    names = [k.short for k in accepted]
    article = "an" if names[0][0] in "AEIOU" else "a"
    return f"{article} {', '.join(names[:-1])} or {names[-1]} file"


def _is_html(start: bytes) -> bool:
    lowered = start.lower()
    for opening in _HTML_STARTS:
        if lowered.startswith(opening):
            after = lowered[len(opening) : len(opening) + 1]
            if after in (b" ", b">", b"\t", b"\n", b"\r", b"") or opening == b"<!--":
                return True
    return False


def _text(data: bytes) -> _Found:
    if b"\x00" in data:
        return _Found("a file of a type this service does not recognise")
    description = "a text file"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _Found("a text file that is not saved as UTF-8", not_utf8=True)
    start = text.lstrip()[:1024].encode()
    if _is_html(start):
        return _Found("an HTML page")
    if b"<svg" in start.lower():
        return _Found("an SVG image")
    return _Found(description, kind=TEXT)


def _pdf(data: bytes) -> _Found:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        # A password that opens it for reading, if there is one, must be empty.
        if reader.is_encrypted and not reader.decrypt(""):
            return _Found("a PDF protected with a password", password_protected=True)
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError):
        return _Found("a damaged PDF", kind=PDF, damaged=True)
    if pages == 0:
        return _Found("a PDF with no pages", kind=PDF, damaged=True)
    return _Found("a PDF", kind=PDF)


def _main_part_types(archive: zipfile.ZipFile) -> dict[str, str] | None:
    """Part name → content type of every Override in [Content_Types].xml; None when it is
    missing, too large or not XML."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return None
    if info.file_size > MAX_CONTENT_TYPES_BYTES:
        return None
    try:
        # Parsed with the standard library: ElementTree never fetches external entities, and
        # expat (2.4 and later) refuses entity expansion attacks; the size is capped above.
        root = ElementTree.fromstring(archive.read(info))  # noqa: S314
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return None
    return {
        element.get("PartName", "").lstrip("/"): element.get("ContentType", "")
        for element in root.iter(f"{_CONTENT_TYPES_NAMESPACE}Override")
    }


def _zip(data: bytes) -> _Found:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and "application/vnd.oasis.opendocument" in (
                archive.read("mimetype")[:100].decode("ascii", errors="replace")
            ):
                return _Found("an OpenDocument file (.odt, .ods or .odp)")
            overrides = _main_part_types(archive)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        return _Found("a damaged zip archive", damaged=True)
    if overrides is None:
        return _Found("a zip archive")
    declared = set(overrides.values())
    for kind in OFFICE_KINDS:
        if kind.main_part_type in declared:
            part = next(p for p, t in overrides.items() if t == kind.main_part_type)
            if part not in names:
                return _Found(kind.label, kind=kind, damaged=True)
            return _Found(kind.label, kind=kind)
    for main_type, description in _OTHER_OFFICE_MAIN_PARTS.items():
        if main_type in declared:
            return _Found(description)
    return _Found("a zip archive")


def _identify(data: bytes) -> _Found:
    if data.startswith(b"%PDF-"):
        return _pdf(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _Found("a PNG image", kind=PNG)
    if data.startswith(b"\xff\xd8\xff"):
        return _Found("a JPEG image", kind=JPEG)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _Found("a WebP image")
    for signature, description in _SIGNATURES:
        if data.startswith(signature):
            return _Found(description)
    return _text(data)


def upload_check(
    data: bytes, *, name: str, accepted: Sequence[FileKind], field: str = "file"
) -> FileKind:
    """What the file is, by its content: one of `accepted`, the one its extension names.
    Raises UploadRefused, saying what the file was found to be, when the name's extension is
    not one of `accepted` or the content is not what the extension names."""
    extension = PurePath(name).suffix.lower()
    called = f"The file is called {name}" if name else "The file"
    if not data:
        raise UploadRefused("The selected file is empty", field=field)
    if extension and not any(extension in k.extensions for k in accepted):
        raise UploadRefused(
            f"{called}, which is not a type of file you can upload here. "
            f"Upload {_accepted_words(accepted)}",
            field=field,
        )
    found = _identify(data)
    expected = next((k for k in accepted if extension in k.extensions), None)
    if expected is None:
        # A name with no extension claims nothing: the content alone decides, and must be one
        # of the accepted kinds, whole.
        if found.kind is TEXT:
            expected = TEXT if TEXT in accepted else next((k for k in accepted if k.is_text), None)
        elif found.kind in accepted and not found.damaged:
            expected = found.kind
        if expected is not None:
            return expected
        if len(accepted) != 1:
            raise UploadRefused(
                f"{called} but it is {found.description}. Upload {_accepted_words(accepted)}",
                field=field,
            )
        expected = accepted[0]
    if expected.is_text and found.kind is TEXT:
        return expected
    if found.kind is expected and not found.damaged:
        return expected
    it_is = f"{called} but it is" if name else "The file is"
    # With no name to go by, say the extension the file should have.
    wanted = expected.label if name else f"{expected.label} ({expected.extensions[0]})"
    if found.kind is expected:
        starts = f"{called} and starts" if name else "The file starts"
        raise UploadRefused(
            f"{starts} like {expected.label}, but it is damaged, so it cannot be read. "
            "Open it, save it again, and upload the new copy",
            field=field,
        )
    if found.not_utf8 and expected.is_text:
        raise UploadRefused(
            f"{it_is} not saved as UTF-8 text. Save it as UTF-8 (in Excel, choose “CSV UTF-8”) "
            "and upload it again",
            field=field,
        )
    if found.password_protected:
        raise UploadRefused(
            f"{it_is} {found.description}. Save it again without a password and upload the new "
            "copy",
            field=field,
        )
    if name and found.kind is not None and found.kind in accepted and not found.damaged:
        renamed = PurePath(name).stem + found.kind.extensions[0]
        raise UploadRefused(
            f"{it_is} {found.description}. Rename it {renamed}, or upload {wanted}",
            field=field,
        )
    raise UploadRefused(f"{it_is} {found.description}. Upload {wanted}", field=field)


# --- Storing files, all or nothing ----------------------------------------------------------


# A disk or quota that is full is the one storage failure the person can do something about
# (wait, or tell whoever runs the service): it is a refusal with words, not a server error.
FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
STORAGE_FULL = (
    "The file could not be stored: the server has no space left for it. Nothing was saved. Try "
    "again later, or tell your site administrator"
)


@contextmanager
def _refused_when_full(field: str) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        if error.errno in FULL:
            raise ValidationError({field: STORAGE_FULL}) from error
        raise


class StoredFiles:
    """The files written in one `files_kept_only_on_success` block."""

    def __init__(self, field: str = "file") -> None:
        self.paths: list[Path] = []
        self.field = field

    def write(self, folder: Path, data: bytes) -> str:
        """Write `data` under a new random name in `folder`; the name. A full disk is refused
        with words, naming the upload's field; the block then removes what was half written."""
        stored_name = uuid.uuid4().hex
        path = folder / stored_name
        # Listed before it is written: a write that fails half-way is removed too.
        self.paths.append(path)
        with _refused_when_full(self.field):
            path.write_bytes(data)
        return stored_name

    def copy(self, source: Path, folder: Path) -> str:
        """Copy `source` under a new random name in `folder`; the name."""
        stored_name = uuid.uuid4().hex
        path = folder / stored_name
        self.paths.append(path)
        with _refused_when_full(self.field):
            shutil.copyfile(source, path)
        return stored_name


@contextmanager
def files_kept_only_on_success() -> Iterator[StoredFiles]:
    """Files written through the block's `StoredFiles` are removed if the block raises.

    Put the transaction inside the block, so that a failure anywhere — a check, the row, the
    audit event, the commit itself — leaves neither the rows nor the files:

        with files_kept_only_on_success() as files, transaction.atomic():
            stored_name = files.write(folder, data)
            ...
    """
    stored = StoredFiles()
    try:
        yield stored
    except BaseException:
        for path in stored.paths:
            path.unlink(missing_ok=True)
        raise
