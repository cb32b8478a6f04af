"""The API and `lde narratives export`: the same services, the same refusals."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lde.accounts.models import ApiToken
from lde.narratives import services
from lde.narratives.sections import SectionKey
from tests.narratives.conftest import Cast, approved, ready_draft

pytestmark = pytest.mark.django_db


def _api(user: Any) -> tuple[Client, dict[str, str]]:
    raw, digest = ApiToken.generate()
    ApiToken.objects.create(user=user, name="t", digest=digest, hint=raw[:8])
    return Client(), {"Authorization": f"Bearer {raw}"}


def test_the_api_reads_a_version_with_its_guidance(cast: Cast) -> None:
    version = ready_draft(cast)
    client, headers = _api(cast.viewer)
    body = client.get(f"/api/v1/narratives/{version.pk}", headers=headers).json()
    assert body["status"] == "draft"
    assert body["sections"][0]["key"] == "local_context"
    assert body["sections"][0]["paragraphs"] == "¶27, ¶31"
    assert body["freshness"]["complete"] is True


def test_the_api_refuses_sign_off_by_a_party_not_named_and_by_an_outsider(cast: Cast) -> None:
    version = ready_draft(cast, signatories=[cast.council])
    services.version_share(actor=cast.coordinator, version=version)
    client, headers = _api(cast.police_board_member)
    refused = client.post(f"/api/v1/narratives/{version.pk}/sign", headers=headers)
    assert refused.status_code == 400
    assert refused.json()["errors"]["__all__"] == [
        "Your organisation is not one of those named to sign this version off"
    ]
    client, headers = _api(cast.outsider_board_member)
    assert client.post(f"/api/v1/narratives/{version.pk}/sign", headers=headers).status_code == 403


def test_the_api_refuses_an_empty_required_section_at_sharing(cast: Cast) -> None:
    version = ready_draft(cast)
    client, headers = _api(cast.coordinator)
    written = client.put(
        f"/api/v1/narratives/{version.pk}/sections/{SectionKey.VISION.value}",
        {"text": ""},
        content_type="application/json",
        headers=headers,
    )
    assert written.status_code == 200
    shared = client.post(f"/api/v1/narratives/{version.pk}/share", headers=headers)
    assert shared.status_code == 400
    assert "write The vision of success" in shared.json()["errors"]["__all__"][0]


def test_the_api_publishes_once_and_compares(cast: Cast) -> None:
    version = approved(cast)
    client, headers = _api(cast.coordinator)
    assert (
        client.post(f"/api/v1/narratives/{version.pk}/publish", headers=headers).status_code == 200
    )
    assert (
        client.post(f"/api/v1/narratives/{version.pk}/publish", headers=headers).status_code == 409
    )
    public = client.get(f"/api/v1/narratives/public/{version.pk}", headers=headers).json()
    assert public["approved_by"] == sorted([cast.council.name, cast.police.name])
    second = services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    compared = client.get(
        f"/api/v1/narratives/{second.pk}/compare/{version.pk}", headers=headers
    ).json()
    assert compared["older"]["number"] == 1
    assert not any(row["changed"] for row in compared["sections"])


def _export(*args: str) -> str:
    out = StringIO()
    call_command("narratives", "export", *args, stdout=out)
    return out.getvalue()


def test_the_export_writes_what_the_reader_may_read(cast: Cast) -> None:
    version = ready_draft(cast)
    document = json.loads(_export(str(cast.partnership.pk), "--as", cast.viewer.email))
    assert document["version"] == version.number
    assert len(document["sections"]) == 11
    csv_text = _export(str(cast.partnership.pk), "--as", cast.viewer.email, "--format", "csv")
    assert csv_text.splitlines()[0] == "key,section,paragraphs,required,text"
    markdown = _export(str(cast.partnership.pk), "--as", cast.viewer.email, "--format", "md")
    assert markdown.startswith(f"# {cast.partnership.name}: local narrative, version 1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["abc", "--as", "{viewer}"], "partnership_id: 'abc' is not a partnership's number"),
        (["{partnership}", "--as", "nobody@example.test"], "--as: no active person"),
        (["999999", "--as", "{viewer}"], "partnership_id: partnership 999999 does not exist"),
        (["{partnership}", "--as", "{community}"], "has no version"),
        (["{partnership}", "--as", "{viewer}", "--version", "x"], "--version: 'x' is not"),
    ],
)
def test_the_export_fails_on_bad_input_naming_the_argument(
    cast: Cast, args: list[str], message: str
) -> None:
    ready_draft(cast)
    values = {
        "{viewer}": cast.viewer.email,
        "{community}": cast.community_reviewer.email,
        "{partnership}": str(cast.partnership.pk),
    }
    with pytest.raises(CommandError) as failed:
        _export(*[values.get(a, a) for a in args])
    assert message in str(failed.value)
