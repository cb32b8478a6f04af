"""Frameworks as OSCAL catalogs: valid against the official OSCAL models, stable in identity,
and read back into exactly what was written, with a bad catalog refused whole."""

from __future__ import annotations

import copy
import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from trestle.oscal.catalog import Catalog

from lde.core.audit.models import AuditEvent
from lde.frameworks.document import DocumentInvalid, parse_framework
from lde.frameworks.exchange import framework_version_document
from lde.frameworks.models import (
    Criterion,
    Framework,
    FrameworkVersion,
    RatingScale,
    RubricDescriptor,
    VersionMapping,
)
from lde.frameworks.oscal import (
    NS,
    UUID_NAMESPACE,
    framework_document_to_oscal,
    framework_version_oscal_json,
    framework_version_to_oscal,
    identifier_from_oscal_id,
    oscal_id,
    read_oscal_catalog,
)
from lde.frameworks.services import (
    DATA_DIR,
    content_hash,
    framework_import_oscal,
    framework_load,
    frameworks_load_shipped,
)
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "how-to" / "write-a-framework.md").read_text(encoding="utf-8")
EXAMPLE = re.search(r"## A complete small example\n\n```yaml\n(.*?)```", GUIDE, re.S).group(1)
SHIPPED = sorted(p.name for p in DATA_DIR.glob("*.yaml"))

# Everything the format allows, beyond the guide's example: a historical framework with a stand-in
# text, a URL and figures, two scales, weights, sub-criteria with their own scale and rubric,
# multi-line guidance, and text lines that start with '#'.
RICH = (
    EXAMPLE.replace("status: current", "status: historical")
    .replace(
        "provenance: >\n",
        "historical_note: |-\n  Replaced in 2011.\n  # Read it as a record of its time.\n"
        "replace_with_official_text: true\nprovenance: >\n",
    )
    .replace('  figures: ["Figure 4"]\n', '  figures: ["Figure 4"]\n  url: https://example.org/r\n')
    .replace(
        "themes:\n",
        """  - identifier: agreement
    title: Whether partners agree
    descriptors_written_by: report
    levels:
      - {value: 0, label: "No", descriptor: Partners do not agree.}
      - {value: 1, label: "Yes", descriptor: Partners agree.}
themes:
""",
    )
    .replace(
        '    paragraphs: ["92-99"]\n',
        '    paragraphs: ["92-99"]\n    weight: 1.5\n',
    )
    + """      - identifier: leadership-board
        title: The programme board steers the work
        guidance: |-
          Look at the board's terms of reference.

          ## Not a heading
          \\# nor this
        paragraphs: ["Case study 3", "Appendix 1(c)"]
        weight: 0.25
        criteria:
          - identifier: leadership-board-agreed
            title: Partners agree the board's priorities
            scale: agreement
            evidence: [Board minutes]
            paragraphs: ["97"]
            rubric_written_by: official
            rubric:
              0: The board has no agreed priorities.
              1: The board's priorities are agreed and minuted.
"""
)


def _schema_valid(document: dict[str, Any]) -> Catalog:
    """The catalog checked against compliance-trestle's Pydantic models of the official OSCAL
    schema (their patterns run in pydantic-core's regex engine, which knows Unicode classes)."""
    return Catalog.model_validate(document["catalog"])


def _canonical(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _empty_the_database() -> None:
    VersionMapping.objects.all().delete()
    RubricDescriptor.objects.all().delete()
    Criterion.objects.all().delete()
    RatingScale.objects.all().delete()
    FrameworkVersion.objects.all().delete()
    Framework.objects.all().delete()


def _walk(controls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for control in controls for c in [control, *_walk(control.get("controls", []))]]


def test_the_rich_example_is_a_valid_framework() -> None:
    document = parse_framework(RICH, "rich.yaml")
    assert document["historical_note"].endswith("# Read it as a record of its time.")
    assert len(document["scales"]) == 2
    assert document["themes"][0]["criteria"][1]["criteria"][0]["scale"] == "agreement"


def test_every_shipped_framework_exports_a_catalog_the_oscal_models_accept() -> None:
    frameworks_load_shipped(actor=None)
    versions = list(FrameworkVersion.objects.select_related("framework"))
    assert len(versions) == len(SHIPPED) == 7
    for version in versions:
        exported = framework_version_to_oscal(version)
        catalog = _schema_valid(exported)
        assert catalog.metadata.title == version.title
        groups = exported["catalog"]["groups"]
        themes = [g for g in groups if g["class"] == "theme"]
        assert len(themes) == version.criteria.filter(kind="theme").count()
        controls = _walk([c for g in themes for c in g["controls"]])
        assert len(controls) == version.criteria.filter(kind="criterion").count()
        assert all(c["class"] == "criterion" and c["id"][0].isalpha() for c in controls)
        # Every level of every scale, with its label and descriptor.
        (scales,) = [g for g in groups if g["class"] == "rating-scales"]
        levels = [(lv["title"], lv["prose"]) for s in scales["parts"] for lv in s["parts"]]
        assert levels == [
            (level.label, level.descriptor)
            for scale in version.scales.all()
            for level in scale.levels.all()
        ]


def test_the_rich_example_exports_a_catalog_the_oscal_models_accept() -> None:
    version = framework_load(actor=None, text=RICH, file_name="rich.yaml").version
    exported = framework_version_to_oscal(version)
    _schema_valid(exported)
    themes = exported["catalog"]["groups"]
    (board,) = [c for c in themes[0]["controls"] if c["id"] == "leadership-board"]
    assert board["controls"][0]["id"] == "leadership-board-agreed"
    assert {"name": "weight", "ns": NS, "value": "0.25"} in board["props"]
    assert {"name": "weight", "ns": NS, "value": "1.5"} in themes[0]["props"]
    assert exported["catalog"]["back-matter"]["resources"][0]["rlinks"] == [
        {"href": "https://example.org/r"}
    ]


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda c: c.pop("uuid"), id="missing catalog uuid"),
        pytest.param(lambda c: c.update(uuid="not-a-uuid"), id="malformed uuid"),
        pytest.param(
            lambda c: c["groups"][0]["controls"][0].update(id="1-leadership"),
            id="control id starting with a digit",
        ),
        pytest.param(lambda c: c["groups"][0].update(id="lead ership"), id="group id with space"),
        pytest.param(lambda c: c["metadata"].pop("last-modified"), id="missing last-modified"),
        pytest.param(
            lambda c: c["metadata"].update({"last-modified": "2024-01-01T00:00:00"}),
            id="last-modified without a time zone",
        ),
        pytest.param(
            lambda c: c["groups"][0]["props"][0].update(value=" padded "),
            id="prop value with surrounding space",
        ),
        pytest.param(lambda c: c["groups"][0].update(colour="red"), id="unknown key"),
        pytest.param(
            lambda c: c["groups"][0]["controls"][0].update(title="two\nlines"),
            id="title on two lines",
        ),
    ],
)
def test_the_schema_check_rejects_an_invalid_catalog(spoil: Any) -> None:
    """The OSCAL models are strict enough that the checks above cannot pass vacuously."""
    version = framework_load(actor=None, text=EXAMPLE, file_name="example.yaml").version
    exported = framework_version_to_oscal(version)
    _schema_valid(exported)
    spoilt = copy.deepcopy(exported)
    spoil(spoilt["catalog"])
    with pytest.raises(ValidationError):
        _schema_valid(spoilt)


def test_identity_is_stable() -> None:
    version = framework_load(actor=None, text=EXAMPLE, file_name="example.yaml").version
    exported = framework_version_to_oscal(version)
    catalog = exported["catalog"]
    assert catalog["uuid"] == str(uuid.uuid5(UUID_NAMESPACE, "example-partnership-check@1.0"))
    assert catalog["back-matter"]["resources"][0]["uuid"] == str(
        uuid.uuid5(UUID_NAMESPACE, "example-partnership-check@1.0/source")
    )
    assert uuid.UUID(catalog["uuid"]).version == 5
    assert uuid.uuid5(uuid.NAMESPACE_URL, NS) == UUID_NAMESPACE
    assert catalog["metadata"]["last-modified"] == version.last_modified.astimezone(
        UTC
    ).isoformat().replace("+00:00", "Z")
    assert version.last_modified.microsecond == 0
    assert framework_version_oscal_json(version) == framework_version_oscal_json(version)


def test_ids_keep_identifiers_and_prefix_only_what_needs_a_letter() -> None:
    assert oscal_id("leadership") == "leadership"
    assert oscal_id("3a") == "lde.3a"
    for identifier in ("leadership", "3a", "x-1", "_odd"):
        assert identifier_from_oscal_id(oscal_id(identifier)) == identifier


def test_reading_a_catalog_gives_back_the_framework_document_without_the_database() -> None:
    for name, text in [("rich.yaml", RICH), *((n, (DATA_DIR / n).read_text()) for n in SHIPPED)]:
        document = parse_framework(text, name)
        when = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
        catalog = json.loads(json.dumps(framework_document_to_oscal(document, when)))
        found = read_oscal_catalog(catalog, "catalog.json")
        assert found.document == document
        assert content_hash(found.document) == content_hash(document)
        assert found.last_modified == when


def _round_trip(count: int) -> None:
    """Export every loaded version, empty the database, import the catalogs, export again."""
    before = {
        (v.framework.identifier, v.version): (framework_version_oscal_json(v), v.content_hash)
        for v in FrameworkVersion.objects.select_related("framework")
    }
    assert len(before) == count
    _empty_the_database()
    for (identifier, version), (text, _) in before.items():
        result = framework_import_oscal(
            actor=None, text=text, file_name=f"{identifier}-{version}-oscal.json"
        )
        assert result.created
    for version in FrameworkVersion.objects.select_related("framework"):
        text, digest = before.pop((version.framework.identifier, version.version))
        again = framework_version_oscal_json(version)
        assert _canonical(json.loads(again)) == _canonical(json.loads(text))
        assert again == text
        assert version.content_hash == digest
        assert content_hash(framework_version_document(version)) == digest
    assert not before


def test_the_seven_shipped_frameworks_round_trip_through_oscal() -> None:
    frameworks_load_shipped(actor=None)
    _round_trip(len(SHIPPED))
    assert FrameworkVersion.objects.count() == 7


def test_the_rich_example_round_trips_through_oscal() -> None:
    framework_load(actor=None, text=RICH, file_name="rich.yaml")
    _round_trip(1)
    version = FrameworkVersion.objects.get()
    assert version.historical_note == parse_framework(RICH, "r.yaml")["historical_note"]
    board = Criterion.objects.get(identifier="leadership-board-agreed")
    assert board.parent is not None and board.parent.identifier == "leadership-board"
    assert board.scale is not None and board.scale.identifier == "agreement"


def test_importing_keeps_last_modified_and_is_audited_and_idempotent() -> None:
    version = framework_load(actor=None, text=EXAMPLE, file_name="example.yaml").version
    exported = framework_version_to_oscal(version)
    exported["catalog"]["metadata"]["last-modified"] = "2019-03-04T05:06:07Z"
    text = json.dumps(exported)
    _empty_the_database()
    imported = framework_import_oscal(actor=None, text=text, file_name="example.json")
    assert imported.created
    assert imported.version.last_modified == datetime(2019, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert imported.version.file_name == "example.json"
    event = AuditEvent.objects.order_by("-pk").first()
    assert event is not None and event.verb == "FRAMEWORK_VERSION_IMPORTED"
    again = framework_import_oscal(actor=None, text=text, file_name="example.json")
    assert (again.created, again.version.pk) == (False, imported.version.pk)


def _control(catalog: dict[str, Any], identifier: str) -> dict[str, Any]:
    controls = _walk([c for g in catalog["groups"] for c in g.get("controls", [])])
    return next(c for c in controls if c["id"] == identifier)


def _props(node: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [p for p in node["props"] if p["name"] == name]


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (
            lambda c: c.pop("uuid"),
            ["bad.json: catalog: the catalog is missing 'uuid'"],
        ),
        (
            lambda c: _control(c, "leadership-senior-ownership").update(id="1-leadership"),
            [
                "bad.json: catalog.groups[0].controls[0].id: '1-leadership' is not an "
                "identifier: use lowercase letters, digits and hyphens, starting with a letter, "
                "at most 60 characters"
            ],
        ),
        (
            lambda c: _props(_control(c, "leadership-senior-ownership"), "weight")[0].update(
                value="high"
            ),
            [
                "bad.json: catalog.groups[0].controls[0].props[0]: must be a number greater "
                "than 0, not 'high'"
            ],
        ),
        (
            lambda c: _control(c, "leadership-senior-ownership").update(
                props=[
                    p
                    for p in _control(c, "leadership-senior-ownership")["props"]
                    if p["name"] != "paragraph"
                ]
            ),
            [
                "bad.json: catalog.groups[0].controls[0]: there is no 'paragraph' property "
                f"(ns {NS}): cite the source"
            ],
        ),
        (
            lambda c: c["metadata"].update(remarks="Just a summary."),
            [
                "bad.json: catalog.metadata.remarks: the remarks must be the Markdown sections "
                "'## Summary', '## Provenance' and, for a historical framework, "
                "'## Historical note'"
            ],
        ),
        (
            lambda c: c["groups"][-1]["parts"][0]["parts"].pop(),
            [
                "bad.json: catalog.groups[0].controls[0].parts[2].parts[3]: '4' is not a level "
                "of the scale 'maturity'"
            ],
        ),
        (
            lambda c: c["groups"][0].update(groups=[]),
            [
                "bad.json: catalog.groups[0].groups: unknown key 'groups' in a theme; the keys "
                "read here are class, controls, id, parts, props, title"
            ],
        ),
        (
            lambda c: c["metadata"]["props"].append({"name": "colour", "value": "red"}),
            [
                "bad.json: catalog.metadata.props[3]: the property 'colour' is not in the "
                f"platform's namespace ({NS}), so it cannot be read"
            ],
        ),
        (
            lambda c: c["metadata"].update({"last-modified": "yesterday"}),
            [
                "bad.json: catalog.metadata.last-modified: 'yesterday' is not a date and time "
                "with a time zone, like 2024-05-01T12:00:00Z"
            ],
        ),
        (
            lambda c: c["groups"].pop(),
            [
                "bad.json: catalog.groups: there must be exactly one group of class "
                "'rating-scales', not 0"
            ],
        ),
        (
            lambda c: c["groups"].append(copy.deepcopy(c["groups"][0])),
            [
                "bad.json: catalog.groups[2].id: identifier 'leadership' is already used "
                "earlier in the catalog",
                "bad.json: catalog.groups[2].controls[0].id: identifier "
                "'leadership-senior-ownership' is already used earlier in the catalog",
            ],
        ),
    ],
)
def test_a_malformed_catalog_is_refused_with_clear_messages_and_changes_nothing(
    spoil: Any, expected: list[str]
) -> None:
    version = framework_load(actor=None, text=EXAMPLE, file_name="example.yaml").version
    exported = framework_version_to_oscal(version)
    exported["catalog"]["metadata"]["version"] = "1.1"  # a new version, so it would load
    spoil(exported["catalog"])
    before = (
        FrameworkVersion.objects.count(),
        Criterion.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(DocumentInvalid) as caught:
        framework_import_oscal(actor=None, text=json.dumps(exported), file_name="bad.json")
    assert [str(p) for p in caught.value.problems] == expected
    after = (
        FrameworkVersion.objects.count(),
        Criterion.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def _locations(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _locations(child, (*here, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _locations(child, (*here, i))
    return found


_RICH_CATALOG = framework_document_to_oscal(
    parse_framework(RICH, "rich.yaml"), datetime(2024, 5, 1, tzinfo=UTC)
)
_RICH_LOCATIONS = _locations(_RICH_CATALOG)[1:]


@given(
    where=st.sampled_from(_RICH_LOCATIONS),
    action=st.sampled_from(["replace", "delete"]),
    value=_JSON,
)
def test_any_damage_to_a_catalog_is_reported_never_a_crash(
    where: tuple[Any, ...], action: str, value: Any
) -> None:
    damaged = copy.deepcopy(_RICH_CATALOG)
    parent = damaged
    for step in where[:-1]:
        parent = parent[step]
    if action == "delete":
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    try:
        found = read_oscal_catalog(damaged, "damaged.json")
    except DocumentInvalid as error:
        assert error.problems
        assert all(str(p).startswith("damaged.json") for p in error.problems)
    else:  # harmless damage: an optional value removed, or a value written that reads the same
        assert set(found.document) == set(parse_framework(RICH, "rich.yaml"))


def test_a_file_that_is_not_json_or_not_a_catalog_is_refused() -> None:
    with pytest.raises(DocumentInvalid, match=r"bad.json:3: this is not valid JSON"):
        framework_import_oscal(actor=None, text='{\n"catalog":\n  {,}', file_name="bad.json")
    with pytest.raises(DocumentInvalid, match="an OSCAL document is missing 'catalog'"):
        framework_import_oscal(actor=None, text='{"profile": {}}', file_name="bad.json")
    with pytest.raises(DocumentInvalid, match="an OSCAL document must be a JSON object"):
        framework_import_oscal(actor=None, text="[]", file_name="bad.json")
    assert FrameworkVersion.objects.count() == 0


def test_lde_frameworks_export_and_import_oscal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    framework_load(actor=None, text=EXAMPLE, file_name="example.yaml")
    target = tmp_path / "example-oscal.json"
    call_command(
        "frameworks",
        "export",
        "example-partnership-check",
        "1.0",
        "--format",
        "oscal",
        "--output",
        str(target),
    )
    exported = json.loads(target.read_text(encoding="utf-8"))
    _schema_valid(exported)
    call_command("frameworks", "export", "example-partnership-check", "1.0")
    assert "identifier: example-partnership-check" in capsys.readouterr().out  # YAML by default
    _empty_the_database()
    call_command("frameworks", "import-oscal", str(target))
    assert "example-partnership-check 1.0: loaded" in capsys.readouterr().out
    call_command("frameworks", "export", "example-partnership-check", "1.0", "--format", "oscal")
    assert json.loads(capsys.readouterr().out) == exported
    bad = tmp_path / "bad.json"
    exported["catalog"]["metadata"]["version"] = "2.0"
    exported["catalog"]["groups"][0]["controls"][0]["id"] = "9-lives"
    bad.write_text(json.dumps(exported), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("frameworks", "import-oscal", str(bad))
    assert "bad.json: catalog.groups[0].controls[0].id: '9-lives'" in capsys.readouterr().err
    assert FrameworkVersion.objects.count() == 1


def test_the_version_page_offers_the_oscal_catalog(client: Client) -> None:
    sign_in(client, UserFactory())
    version = framework_load(actor=None, text=EXAMPLE, file_name="example.yaml").version
    page = client.get("/frameworks/example-partnership-check/1.0/")
    assert 'href="/frameworks/example-partnership-check/1.0/oscal.json"' in page.content.decode()
    response = client.get("/frameworks/example-partnership-check/1.0/oscal.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "example-partnership-check-1.0-oscal.json" in response["Content-Disposition"]
    assert json.loads(response.content) == framework_version_to_oscal(version)
