"""The disk fills during an upload: the person is told in words, nothing is recorded (no row, no
audit event) and nothing half-written is left on disk (issue 18's fault list)."""

from __future__ import annotations

import errno
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lde.assessments.models import Evidence
from lde.core.audit.models import AuditEvent
from lde.core.uploads import STORAGE_FULL
from lde.sharing import services as sharing_services
from lde.sharing.models import Attachment
from tests import uploads
from tests.assessments.builders import start
from tests.assessments.test_pages import error_summary, signed_in
from tests.sharing.builders import draft, gateway, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file write gets half its bytes onto the disk, then the disk is full."""
    real = Path.write_bytes

    def half_then_full(self: Path, data: Any) -> int:
        real(self, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", half_then_full)


def stored_files(folder: str) -> list[Path]:
    root = Path(settings.PRIVATE_FILES_ROOT) / folder
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_evidence_uploaded_onto_a_full_disk_is_refused_in_words_and_nothing_is_kept(
    coordinator: Any, framework_version: Any, full_disk: None
) -> None:
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    events = AuditEvent.objects.count()

    refused = signed_in(coordinator.user).post(
        reverse("assessments:evidence-add-file", args=[assessment.pk, board.pk]),
        {
            "file-title": "Board minutes",
            "file-file": SimpleUploadedFile(
                "minutes.pdf", uploads.pdf(), content_type="application/pdf"
            ),
            "file-effective_on-day": "1",
            "file-effective_on-month": "6",
            "file-effective_on-year": "2025",
        },
    )

    assert refused.status_code == 400
    assert error_summary(refused) == [STORAGE_FULL]
    assert Evidence.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert stored_files("evidence") == []


def test_an_attachment_onto_a_full_disk_is_refused_and_nothing_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    g = gateway()
    product = draft(g)
    attachments = Attachment.objects.count()
    before = set(stored_files(""))
    events = AuditEvent.objects.count()
    real = Path.write_bytes

    def half_then_full(self: Path, data: Any) -> int:
        real(self, bytes(data)[: len(data) // 2])
        raise OSError(errno.EDQUOT, "Disk quota exceeded", str(self))

    monkeypatch.setattr(Path, "write_bytes", half_then_full)

    with pytest.raises(ValidationError) as refused:
        sharing_services.attachment_add(
            actor=g.author,
            product=product,
            upload=SimpleUploadedFile(
                "annex-2.pdf", pdf_bytes("More."), content_type="application/pdf"
            ),
        )

    assert list(refused.value.message_dict.values()) == [[STORAGE_FULL]]
    assert Attachment.objects.count() == attachments
    assert AuditEvent.objects.count() == events
    assert set(stored_files("")) == before


def test_other_storage_failures_are_not_dressed_up_as_a_full_disk(
    coordinator: Any, framework_version: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A permissions error is the operator's to see in the logs, not the user's to retry."""
    from lde.assessments import services

    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")

    def denied(self: Path, data: Any) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_bytes", denied)
    with pytest.raises(PermissionError):
        services.evidence_add_file(
            actor=coordinator.user,
            response=board,
            title="Minutes",
            upload=SimpleUploadedFile("m.pdf", uploads.pdf(), content_type="application/pdf"),
            effective_on=date(2025, 6, 1),
        )
    assert Evidence.objects.count() == 0
