"""The names of uploaded files, made safe to store, list and send back.

A file's name is chosen by whoever uploads it and shown to everyone who may download it, so it
must not be able to lie. Bidirectional-control characters can make `invoice\u202efdp.exe` (an
executable) display as `invoiceexe.pdf`; other control and format characters can hide parts of
a name, break lines in a header or a log, or make two different names look the same. They are
removed wherever a name is stored (evidence, attachments) and again wherever one is sent in
`Content-Disposition`, so that names stored before this rule are cleaned on the way out too.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import overload

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

# The explicit bidirectional controls: embeddings and overrides, isolates, marks.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# Joiners are format characters that some scripts and emoji need; they cannot reorder text.
_KEPT_FORMAT = frozenset("\u200c\u200d")
# Control (Cc), format (Cf), line and paragraph separators (Zl, Zp), surrogates (Cs).
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
MAX_FILE_NAME_LENGTH = 200


def _kept(character: str) -> bool:
    if character in BIDI_CONTROLS:
        return False
    if character in _KEPT_FORMAT:
        return True
    return unicodedata.category(character) not in _REMOVED_CATEGORIES


def safe_file_name(name: str | None, *, default: str) -> str:
    """The last part of an uploaded file's name, without control, format or bidirectional
    characters, with runs of spaces made one, and at most 200 characters (the extension
    kept); `default` when nothing is left."""
    base = re.split(r"[/\\]", name or "")[-1]
    cleaned = " ".join("".join(c for c in base if _kept(c)).split())
    if len(cleaned) > MAX_FILE_NAME_LENGTH:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and 0 < len(extension) <= 10 and stem:
            cleaned = stem[: MAX_FILE_NAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            cleaned = cleaned[:MAX_FILE_NAME_LENGTH]
    return cleaned if cleaned.strip(" .") else default


@overload
def file_download(content: bytes, *, file_name: str, content_type: str) -> HttpResponse: ...
@overload
def file_download(content: Path, *, file_name: str, content_type: str) -> FileResponse: ...
def file_download(content: bytes | Path, *, file_name: str, content_type: str) -> HttpResponseBase:
    """The one way a page or the API sends a file: as a download (never shown in the browser)
    under its cleaned name, with its stored type, never sniffed, and never kept by a cache (it
    may be marked, and every download is audited by whoever calls this)."""
    name = safe_file_name(file_name, default="download")
    served: HttpResponseBase
    if isinstance(content, Path):
        served = FileResponse(
            content.open("rb"),
            as_attachment=True,
            filename=name,
            content_type=content_type or "application/octet-stream",
        )
    else:
        served = HttpResponse(content, content_type=content_type or "application/octet-stream")
        served["Content-Disposition"] = content_disposition_header(True, name)
    served["X-Content-Type-Options"] = "nosniff"
    served["Cache-Control"] = "private, no-store"
    return served
