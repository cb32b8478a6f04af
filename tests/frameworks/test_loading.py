"""Framework files: validated with every problem pointed at its line, loaded whole or not at
all, versioned, mapped across versions, and written back out unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lde.frameworks.document import DocumentInvalid, parse_framework
from lde.frameworks.exchange import framework_version_document, framework_version_yaml
from lde.frameworks.models import Criterion, FrameworkVersion, MappingChange
from lde.frameworks.services import (
    DATA_DIR,
    content_hash,
    framework_load,
    frameworks_load_shipped,
    mapping_load,
)
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "how-to" / "write-a-framework.md").read_text(encoding="utf-8")
EXAMPLE = re.search(r"## A complete small example\n\n```yaml\n(.*?)```", GUIDE, re.S).group(1)


def test_the_example_in_the_how_to_guide_loads() -> None:
    result = framework_load(actor=None, text=EXAMPLE, file_name="example.yaml")
    assert result.created
    version = result.version
    criterion = Criterion.objects.get(
        framework_version=version, identifier="leadership-senior-ownership"
    )
    assert criterion.paragraphs == ["93", "95"]
    assert [r.value for r in criterion.rubric.all()] == [1, 2, 3, 4]
    assert version.scales.get().levels.count() == 4


def test_every_mistake_is_reported_with_file_line_and_path() -> None:
    broken = (
        EXAMPLE.replace("weight: 2", "weight: high")
        .replace('    paragraphs: ["92-99"]\n', "")
        .replace("        descriptor: Some partners do this some of the time.\n", "")
        .replace("title: How established", "titel: How established")
        .replace("          4: Chief officers lead, and their peers elsewhere ask how.\n", "")
        .replace('version: "1.0"', "version: 1.0")
        + "criteria:\n  - identifier: loose\n"
    )
    with pytest.raises(DocumentInvalid) as caught:
        parse_framework(broken, "broken.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "broken.yaml:2: version: '1.0' is not a version number (write it in quotes, like \"1.0\")",
        "broken.yaml:17: scales[0]: A scale is missing 'title'",
        "broken.yaml:18: scales[0].titel: unknown key 'titel'; the keys allowed here are "
        "descriptors_written_by, identifier, levels, title",
        "broken.yaml:24: scales[0].levels[1]: A level is missing 'descriptor'",
        "broken.yaml:33: themes[0]: A theme is missing 'paragraphs'",
        "broken.yaml:44: themes[0].criteria[0].weight: must be a number greater than 0, not 'high'",
        "broken.yaml:47: themes[0].criteria[0].rubric: the rubric has no descriptor for level 4",
        "broken.yaml:51: criteria: unknown key 'criteria' (criteria must sit inside a theme); "
        "the keys allowed here are historical_note, identifier, provenance, "
        "replace_with_official_text, scales, source, status, summary, themes, title, version",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("identifier: leadership\n", "identifier: leadership-senior-ownership\n"),
            "identifier 'leadership-senior-ownership' is already used at line 34",
        ),
        (
            ("status: current", "status: historical"),
            "a historical framework needs a historical_note saying why",
        ),
        (('paragraphs: ["93", "95"]', 'paragraphs: ["¶93"]'), "'¶93' is not a reference"),
        (("value: 3", "value: 2"), "levels must rise: 2 comes after 2"),
        (
            ("identifier: example-partnership-check", "identifier: Example Check"),
            "'Example Check' is not an identifier",
        ),
        (("title: Empowered", "title: Empowered\n    title: Twice"), "this key appears twice"),
        (
            ("  - identifier: leadership\n", "  - identifier: leadership\n    weight: 0\n"),
            "must be a number greater than 0",
        ),
        (
            ("weight: 2\n", "weight: 2\n        scale: nowhere\n"),
            "there is no scale 'nowhere' in this framework",
        ),
        (("themes:\n", "themes: [\n"), "this is not valid YAML"),
    ],
)
def test_each_kind_of_mistake_is_named(change: tuple[str, str], message: str) -> None:
    with pytest.raises(DocumentInvalid) as caught:
        parse_framework(EXAMPLE.replace(*change, 1), "mistake.yaml")
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems


def test_a_file_that_fails_validation_changes_nothing() -> None:
    framework_load(actor=None, text=EXAMPLE, file_name="example.yaml")
    before = (FrameworkVersion.objects.count(), Criterion.objects.count())
    newer = EXAMPLE.replace('version: "1.0"', 'version: "1.1"').replace("weight: 2", "weight: -1")
    with pytest.raises(DocumentInvalid):
        framework_load(actor=None, text=newer, file_name="example-1.1.yaml")
    assert (FrameworkVersion.objects.count(), Criterion.objects.count()) == before


def test_reloading_a_version_is_a_no_op_and_changing_it_is_refused() -> None:
    first = framework_load(actor=None, text=EXAMPLE, file_name="example.yaml")
    again = framework_load(actor=None, text=EXAMPLE + "\n# a comment\n", file_name="x.yaml")
    assert (again.created, again.version.pk) == (False, first.version.pk)
    changed = EXAMPLE.replace("Senior leaders own", "Senior leaders really own")
    with pytest.raises(DocumentInvalid, match="already loaded with different content"):
        framework_load(actor=None, text=changed, file_name="example.yaml")


def test_a_new_version_leaves_the_old_one_untouched_and_maps_onto_it(client: Client) -> None:
    old = framework_load(actor=None, text=EXAMPLE, file_name="example.yaml").version
    old_titles = list(old.criteria.values_list("identifier", "title"))
    newer_text = EXAMPLE.replace('version: "1.0"', 'version: "1.1"').replace(
        "identifier: leadership-senior-ownership", "identifier: leadership-ownership"
    )
    new = framework_load(actor=None, text=newer_text, file_name="example-1.1.yaml").version
    assert list(old.criteria.values_list("identifier", "title")) == old_titles
    mapping_text = """
framework: example-partnership-check
from_version: "1.0"
to_version: "1.1"
changes:
  - {kind: renamed, from: [leadership-senior-ownership], to: [leadership-ownership]}
"""
    mapping = mapping_load(actor=None, text=mapping_text, file_name="map.yaml")
    assert list(
        MappingChange.objects.filter(mapping=mapping).values_list(
            "kind", "from_identifiers", "to_identifiers"
        )
    ) == [("renamed", ["leadership-senior-ownership"], ["leadership-ownership"])]
    sign_in(client, UserFactory())
    page = client.get("/frameworks/example-partnership-check/1.0/compare/1.1/")
    assert page.status_code == 200
    assert "Renamed" in page.content.decode()
    assert new.pk != old.pk


def test_a_mapping_that_misses_a_criterion_is_refused() -> None:
    framework_load(actor=None, text=EXAMPLE, file_name="example.yaml")
    framework_load(
        actor=None,
        text=EXAMPLE.replace('version: "1.0"', 'version: "1.1"'),
        file_name="example-1.1.yaml",
    )
    with pytest.raises(DocumentInvalid, match="not in any 'from' list: leadership-senior"):
        mapping_load(
            actor=None,
            file_name="map.yaml",
            text="""
framework: example-partnership-check
from_version: "1.0"
to_version: "1.1"
changes:
  - {kind: new, from: [], to: [leadership-senior-ownership]}
""",
        )


SHIPPED = sorted(p.name for p in DATA_DIR.glob("*.yaml"))


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_framework_validates_and_cites_a_paragraph_for_every_criterion(
    name: str,
) -> None:
    document = parse_framework((DATA_DIR / name).read_text(encoding="utf-8"), name)

    def walk(nodes: list[dict]) -> list[dict]:
        return [n for node in nodes for n in [node, *walk(node.get("criteria", []))]]

    criteria = walk(document["themes"])
    assert criteria
    assert all(c["paragraphs"] for c in criteria)
    assert name == f"{document['identifier']}-{document['version']}.yaml"


def test_the_shipped_frameworks_load_and_export_back_to_the_same_content() -> None:
    frameworks_load_shipped(actor=None)
    frameworks_load_shipped(actor=None)  # loading twice changes nothing
    assert FrameworkVersion.objects.count() == len(SHIPPED)
    for version in FrameworkVersion.objects.all():
        assert content_hash(framework_version_document(version)) == version.content_hash
        exported = parse_framework(framework_version_yaml(version), "exported.yaml")
        assert content_hash(exported) == version.content_hash


def test_lde_frameworks_validate_names_the_line_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.replace("weight: 2", "weight: lots"), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("frameworks", "validate", str(bad))
    assert "bad.yaml:46: themes[0].criteria[0].weight" in capsys.readouterr().err
    good = tmp_path / "good.yaml"
    good.write_text(EXAMPLE, encoding="utf-8")
    call_command("frameworks", "load", str(good))
    call_command("frameworks", "list")
    assert "example-partnership-check" in capsys.readouterr().out


def test_the_framework_page_shows_every_criterion_with_its_paragraph_in_constant_queries(
    client: Client,
) -> None:
    sign_in(client, UserFactory())
    small = framework_load(actor=None, text=EXAMPLE, file_name="example.yaml").version
    many = "\n".join(
        f"      - identifier: extra-{i}\n        title: Extra {i}\n"
        f'        paragraphs: ["{100 + i}"]\n        rubric_written_by: platform\n'
        f"        rubric: {{1: a, 2: b, 3: c, 4: d}}"
        for i in range(30)
    )
    large = framework_load(
        actor=None,
        file_name="large.yaml",
        text=EXAMPLE.replace('version: "1.0"', 'version: "2.0"') + many + "\n",
    ).version
    counts = []
    for version in (small, large):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(f"/frameworks/example-partnership-check/{version.version}/")
        assert page.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert "¶129" in page.content.decode()
