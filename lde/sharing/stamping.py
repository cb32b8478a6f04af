"""Marked downloads: every PDF that leaves the gateway carries its marking.

A printed page travels without the screen that showed its marking, so each page of a
downloaded PDF — the product itself, or an attachment that is a PDF — is stamped at its top and
bottom with the marking (as handled today, with the caveats), and at the bottom with the name of
the person who downloaded it and the time. The stamp is a transparent page drawn by WeasyPrint
at the size of the page it goes on, laid over it with pypdf, so the original content is kept as
it was. A tagged PDF stays tagged: the document is cloned with its structure tree, language and
metadata, and the stamp is marked as an artifact, outside the structure (see `lde.core.pdf`).
A product marked above the lowest marking of today's scheme (OFFICIAL by default) takes
only PDF attachments, checked by their content at upload, so that every download of its content
carries the marking; any other file of such a product is not served. Files of a product at the
lowest marking that are not PDFs are served unchanged (they are still audited).
"""

from __future__ import annotations

import io
from datetime import datetime
from html import escape

from django.template.loader import render_to_string
from django.utils import timezone

from lde.core.access.markings import Marking, MarkingScheme
from lde.core.pdf import artifact_wrap, pdf_from_html
from lde.sharing.models import BriefingProduct

MARKED_ATTACHMENTS_PDF_ONLY = (
    "Attachments to marked products must be PDF files, so that every page carries the marking: "
    "save the file as a PDF and attach it again"
)


class Unstampable(Exception):
    """The PDF could not be read, so it could not be marked: it is not served."""


def marking_is_marked(marking: Marking) -> bool:
    """Whether material at this marking is "marked": above the lowest marking of today's scheme
    (OFFICIAL by default), as handled today. Such material leaves the gateway only as PDFs that
    carry the marking on every page."""
    lowest = (
        Marking.objects.filter(scheme=MarkingScheme.CURRENT).order_by("rank").values("rank")[:1]
    )
    lowest_rank = lowest[0]["rank"] if lowest else 0
    return marking.current.rank > lowest_rank


def is_readable_pdf(data: bytes) -> bool:
    """Whether `data` is a PDF by its content — the PDF header at the start, and pypdf reads every
    page of it without a password — whatever the file's name or declared type."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF-"):
        return False
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return False
        return len(reader.pages) > 0 and all(page.mediabox is not None for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return False


def marking_line(product: BriefingProduct) -> str:
    """The marking as the pages show it: today's label, then each caveat in capitals."""
    caveats = "".join(f" – {c.name.upper()}" for c in product.caveats.all())
    return f"{product.marking.current.label}{caveats}"


def handling_line(reader_name: str, when: datetime) -> str:
    local = timezone.localtime(when)
    return f"Downloaded by {reader_name} on {local:%-d %B %Y at %H:%M} (UK time)"


def _stamp_html(width: float, height: float, marking: str, handling: str) -> str:
    marking, handling = escape(marking), escape(handling)
    return (
        "<html><head><style>"
        f"@page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0 }}"
        "body { margin: 0; font-family: 'DejaVu Sans', 'Liberation Sans', sans-serif; }"
        "div { position: absolute; left: 0; right: 0; text-align: center; font-size: 8pt;"
        " line-height: 1.3 }"
        "span { background: #fff; padding: 0 3pt }"
        "strong { font-size: 10pt }"
        ".top { top: 6pt } .bottom { bottom: 6pt }"
        "</style></head><body>"
        f'<div class="top"><span><strong>{marking}</strong></span></div>'
        f'<div class="bottom"><span>{handling}</span><br>'
        f"<span><strong>{marking}</strong></span></div>"
        "</body></html>"
    )


def stamp_pdf(data: bytes, *, marking: str, handling: str) -> bytes:
    """`data` with the marking at the top and bottom of every page and the handling line (the
    reader and the time) at the bottom. Raises Unstampable if the PDF cannot be read."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.errors import PyPdfError
    from weasyprint import HTML

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unstampable("The PDF is password-protected")
        writer = PdfWriter(clone_from=reader)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise Unstampable("The PDF could not be read") from error
    stamps: dict[tuple[float, float], object] = {}
    try:
        for page in writer.pages:
            # A rotated page is turned into upright content first, so the stamp reads upright.
            if page.rotation:
                page.transfer_rotation_to_content()
            box = page.mediabox
            size = (round(float(box.width), 2), round(float(box.height), 2))
            if size not in stamps:
                # Untagged: its structure would not survive the merge; it becomes an artifact.
                stamp_data = HTML(string=_stamp_html(*size, marking, handling)).write_pdf()
                stamp = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(stamp_data)))).pages[0]
                artifact_wrap(stamp)
                stamps[size] = stamp
            page.merge_transformed_page(
                stamps[size],  # type: ignore[arg-type]
                Transformation().translate(float(box.left), float(box.bottom)),
            )
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise Unstampable("The PDF could not be marked") from error
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def product_pdf(product: BriefingProduct, *, reader_name: str, when: datetime) -> bytes:
    """The released product as a tagged PDF (PDF/UA-1, titled with the product's title), stamped
    like any attachment."""
    html = render_to_string("sharing/product_pdf.html", {"product": product})
    return stamp_pdf(
        pdf_from_html(html),
        marking=marking_line(product),
        handling=handling_line(reader_name, when),
    )
