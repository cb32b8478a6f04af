"""An attachment's name cannot disguise what it is: bidirectional and control characters are
removed when it is stored."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from lde.sharing import services
from lde.sharing.models import Attachment
from tests.sharing.builders import draft, gateway


def test_an_attachments_name_loses_its_right_to_left_override(db: object) -> None:
    g = gateway()
    product = draft(g)
    pdf = HTML(string="<p>Annex.</p>").write_pdf()
    attachment = services.attachment_add(
        actor=g.author,
        product=product,
        upload=SimpleUploadedFile(
            "invoice\u202efdp.\u2066pdf", pdf, content_type="application/pdf"
        ),
    )
    assert Attachment.objects.get(pk=attachment.pk).file_name == "invoicefdp.pdf"
