"""What a tagged PDF (PDF/UA-1, `lde.core.pdf`) must hold, read back with pypdf."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream

TEXT_OPERATORS = {b"Tj", b"TJ", b"'", b'"'}


def _structure_types(element: Any, seen: Counter[str]) -> None:
    element = element.get_object()
    if isinstance(element, list):
        for child in element:
            _structure_types(child, seen)
        return
    if not hasattr(element, "get") or element.get("/Type") == "/MCR":
        return
    if "/S" in element:
        seen[str(element["/S"])] += 1
    if "/K" in element:
        _structure_types(element["/K"], seen)


def _text_outside_marked_content(page: Any) -> int:
    """How many text-showing operations on the page are neither tagged nor an artifact."""
    depth, artifacts, outside = 0, 0, 0
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator in (b"BDC", b"BMC"):
            depth += 1
            if operands and operands[0] == "/Artifact":
                artifacts += 1
        elif operator == b"EMC":
            depth -= 1
        elif operator in TEXT_OPERATORS and depth == 0:
            outside += 1
    return outside


def tagged_pdf_facts(data: bytes) -> dict[str, Any]:
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    structure: Counter[str] = Counter()
    if "/StructTreeRoot" in root:
        _structure_types(root["/StructTreeRoot"].get_object().get("/K", []), structure)
    return {
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked", False)),
        "lang": str(root.get("/Lang", "")),
        "title": str((reader.metadata or {}).get("/Title", "")),
        "display_title": bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)),
        "structure": structure,
        "pages_with_struct_parents": sum("/StructParents" in p for p in reader.pages),
        "pages": len(reader.pages),
        "untagged_text": sum(_text_outside_marked_content(p) for p in reader.pages),
        "pdfua_metadata": "/Metadata" in root
        and b"pdfuaid:part" in root["/Metadata"].get_object().get_data(),
    }


def assert_tagged(data: bytes, *, title: str) -> dict[str, Any]:
    """The PDF is tagged, titled and in British English, with every piece of text either in the
    structure or marked as an artifact."""
    facts = tagged_pdf_facts(data)
    assert facts["marked"] is True
    assert facts["lang"] == "en-GB"
    assert facts["title"] == title
    assert facts["display_title"] is True
    assert facts["pdfua_metadata"] is True
    assert facts["structure"]["/H1"] == 1
    assert facts["pages_with_struct_parents"] == facts["pages"]
    assert facts["untagged_text"] == 0
    return facts
