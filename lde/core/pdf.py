"""The PDFs the platform writes: tagged, for people who read them with assistive technology.

Every PDF made from a template (the board report, a briefing product) is written as PDF/UA-1 by
WeasyPrint (`pdf_variant="pdf/ua-1"`, which turns on its tagging): a structure tree of the
document's headings, paragraphs, lists, tables and figures (`/StructTreeRoot`, with `/MarkInfo`
`Marked` true), the title from the template's `<title>`, shown by readers in place of the file
name (`/ViewerPreferences` `DisplayDocTitle`), and the language from `<html lang="en-GB">`
(`/Lang`). A template must therefore name both, and give every chart an SVG `<title>`, which
becomes the figure's alternative text.

What is drawn over such a PDF afterwards (the gateway's marking stamp) keeps the structure:
`sharing.stamping` clones the document with pypdf, which carries the structure tree, the
language and the metadata over, and marks its own text as an artifact (`artifact_wrap`), outside
the structure, as running headers and footers are.
"""

from __future__ import annotations

from typing import Any

PDF_VARIANT = "pdf/ua-1"


def pdf_from_html(html: str) -> bytes:
    """The document as a tagged PDF/UA-1."""
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT))


def artifact_wrap(page: Any, *, kind: str = "/Pagination") -> None:
    """Mark everything drawn on `page` (a pypdf page attached to a writer) as an artifact of
    `kind`, so that content laid over a tagged page stays outside its structure tree rather
    than appearing as untagged text."""
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    content = page.get_contents()
    if content is None:
        return
    if not isinstance(content, ContentStream):
        content = ContentStream(content, page.pdf)
    properties = DictionaryObject({NameObject("/Type"): NameObject(kind)})
    content.operations.insert(0, ([NameObject("/Artifact"), properties], b"BDC"))
    content.operations.append(([], b"EMC"))
    page.replace_contents(content)
