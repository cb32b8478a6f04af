"""Loading frameworks and version mappings: all of a file or none of it, audited."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from lde.core.access.facts import AnyUser
from lde.core.audit.chain import audit_record
from lde.frameworks.document import DocumentInvalid, Problem, parse_framework, parse_mapping
from lde.frameworks.models import (
    Criterion,
    CriterionKind,
    Framework,
    FrameworkVersion,
    MappingChange,
    RatingScale,
    RubricDescriptor,
    ScaleLevel,
    VersionMapping,
)
from lde.frameworks.oscal import oscal_loads, read_oscal_catalog

DATA_DIR = Path(__file__).resolve().parent / "data"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def content_hash(document: dict[str, Any]) -> str:
    """A hash of the parsed content, so that layout and comments do not count as changes."""
    text = json.dumps(_plain(document), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def version_sort_key(version: str) -> list[int]:
    return [int(part) for part in version.split(".")]


@dataclass(frozen=True)
class LoadResult:
    version: FrameworkVersion
    created: bool


@transaction.atomic
def framework_load(*, actor: AnyUser | None, text: str, file_name: str) -> LoadResult:
    """Validate and load one framework file. Nothing changes unless all of it is valid."""
    return _framework_load_document(
        actor=actor,
        document=parse_framework(text, file_name),
        text=text,
        file_name=file_name,
        last_modified=timezone.now().replace(microsecond=0),
        verb="FRAMEWORK_VERSION_LOADED",
    )


@transaction.atomic
def framework_import_oscal(*, actor: AnyUser | None, text: str, file_name: str) -> LoadResult:
    """Validate and load one framework version from an OSCAL catalog (JSON) written by
    `framework_version_to_oscal`, keeping its last-modified time. Nothing changes unless all of
    it is valid; the same rules apply as to a framework file."""
    found = read_oscal_catalog(oscal_loads(text, file_name), file_name)
    return _framework_load_document(
        actor=actor,
        document=found.document,
        text=text,
        file_name=file_name,
        last_modified=found.last_modified,
        verb="FRAMEWORK_VERSION_IMPORTED",
    )


def _framework_load_document(
    *,
    actor: AnyUser | None,
    document: dict[str, Any],
    text: str,
    file_name: str,
    last_modified: datetime,
    verb: str,
) -> LoadResult:
    digest = content_hash(document)
    existing = FrameworkVersion.objects.filter(
        framework__identifier=document["identifier"], version=document["version"]
    ).first()
    if existing is not None:
        if existing.content_hash == digest:
            return LoadResult(existing, created=False)
        raise DocumentInvalid(
            [
                Problem(
                    file_name,
                    1,
                    "version",
                    f"version {document['version']} of '{document['identifier']}' is already "
                    "loaded with different content: give the changed file a new version number",
                )
            ]
        )
    framework, _ = Framework.objects.get_or_create(
        identifier=document["identifier"], defaults={"title": document["title"]}
    )
    if framework.title != document["title"] and document["status"] == "current":
        framework.title = document["title"]
        framework.save(update_fields=["title", "updated_at"])
    source = document["source"]
    version = FrameworkVersion.objects.create(
        framework=framework,
        version=document["version"],
        title=document["title"],
        status=document["status"],
        summary=document["summary"],
        source_document=source["document"],
        source_paragraphs=source["paragraphs"],
        source_figures=source["figures"],
        source_url=source["url"],
        provenance=document["provenance"],
        historical_note=document["historical_note"],
        replace_with_official_text=document["replace_with_official_text"],
        source_text=text,
        content_hash=digest,
        file_name=file_name,
        sort_key=version_sort_key(document["version"]),
        last_modified=last_modified,
    )
    scales = {}
    for position, scale in enumerate(document["scales"]):
        scales[scale["identifier"]] = RatingScale.objects.create(
            framework_version=version,
            identifier=scale["identifier"],
            title=scale["title"],
            descriptors_written_by=scale["descriptors_written_by"],
            position=position,
        )
        ScaleLevel.objects.bulk_create(
            ScaleLevel(
                scale=scales[scale["identifier"]],
                value=level["value"],
                label=level["label"],
                descriptor=level["descriptor"],
            )
            for level in scale["levels"]
        )
    counter = iter(range(1, 1_000_000))
    rubrics: list[RubricDescriptor] = []

    def add(
        node: dict[str, Any], parent: Criterion | None, kind: str, depth: int, path: str
    ) -> None:
        criterion = Criterion.objects.create(
            framework_version=version,
            parent=parent,
            kind=kind,
            identifier=node["identifier"],
            title=node["title"],
            guidance=node.get("guidance", ""),
            evidence=node.get("evidence", []),
            weight=node["weight"],
            paragraphs=node["paragraphs"],
            scale=scales.get(node.get("scale", "")),
            rubric_written_by=node.get("rubric_written_by", ""),
            depth=depth,
            position=next(counter),
            path=f"{path}/{node['identifier']}" if path else node["identifier"],
        )
        rubrics.extend(
            RubricDescriptor(criterion=criterion, value=value, descriptor=text)
            for value, text in sorted(node.get("rubric", {}).items())
        )
        for child in node.get("criteria", []):
            add(child, criterion, CriterionKind.CRITERION, depth + 1, criterion.path)

    for theme in document["themes"]:
        add(theme, None, CriterionKind.THEME, 0, "")
    RubricDescriptor.objects.bulk_create(rubrics)
    audit_record(
        actor=actor,
        verb=verb,
        target=version,
        detail={
            "identifier": framework.identifier,
            "version": version.version,
            "content_hash": digest,
        },
    )
    return LoadResult(version, created=True)


@transaction.atomic
def framework_demonstration_mark(*, actor: AnyUser | None, framework: Framework) -> Framework:
    """Mark a framework as demonstration data (the demo's fictional one), so that no
    partnership starts a real cycle against it. Its files do not say so: the flag belongs to
    the loading, not to the framework's content, whose hash a loaded version keeps."""
    if not framework.demonstration:
        framework.demonstration = True
        framework.save(update_fields=["demonstration", "updated_at"])
        audit_record(
            actor=actor,
            verb="FRAMEWORK_MARKED_DEMONSTRATION",
            target=framework,
            changes={"demonstration": True},
        )
    return framework


def framework_load_file(*, actor: AnyUser | None, path: Path) -> LoadResult:
    return framework_load(actor=actor, text=path.read_text(encoding="utf-8"), file_name=path.name)


def _all_identifiers(version: FrameworkVersion) -> list[str]:
    return list(
        version.criteria.filter(kind=CriterionKind.CRITERION).values_list("identifier", flat=True)
    )


@transaction.atomic
def mapping_load(*, actor: AnyUser | None, text: str, file_name: str) -> VersionMapping:
    """Load what became of each criterion between two loaded versions."""
    document = parse_mapping(text, file_name)
    check = document.pop("check")
    document.pop("lines")
    versions = {}
    for key in ("from_version", "to_version"):
        found = FrameworkVersion.objects.filter(
            framework__identifier=document["framework"], version=document[key]
        ).first()
        if found is None:
            check.fail(
                key,
                f"version {document[key]} of '{document['framework']}' is not "
                "loaded: load it first",
            )
        versions[key] = found
    check.raise_if_problems()
    old, new = versions["from_version"], versions["to_version"]
    assert old is not None and new is not None
    if version_sort_key(old.version) >= version_sort_key(new.version):
        check.fail("to_version", "the mapping must go from an older version to a newer one")
    for side, version, key in (("from", old, "from"), ("to", new, "to")):
        known = set(_all_identifiers(version))
        used: dict[str, int] = {}
        for i, change in enumerate(document["changes"]):
            for identifier in change[key]:
                if identifier not in known:
                    check.fail(
                        f"changes[{i}].{key}",
                        f"'{identifier}' is not a criterion of version {version.version}",
                    )
                elif identifier in used:
                    check.fail(
                        f"changes[{i}].{key}",
                        f"'{identifier}' already appears in changes[{used[identifier]}]",
                    )
                used.setdefault(identifier, i)
        missing = sorted(known - set(used))
        if missing:
            check.fail(
                "changes",
                f"these criteria of version {version.version} are not in "
                f"any '{side}' list: {', '.join(missing)}",
            )
    check.raise_if_problems()
    existing = VersionMapping.objects.filter(from_version=old, to_version=new).first()
    if existing is not None:
        if existing.source_text == text:
            return existing
        existing.delete()
    mapping = VersionMapping.objects.create(
        framework=old.framework, from_version=old, to_version=new, source_text=text
    )
    MappingChange.objects.bulk_create(
        MappingChange(
            mapping=mapping,
            kind=c["kind"],
            from_identifiers=c["from"],
            to_identifiers=c["to"],
            note=c["note"],
            position=i,
        )
        for i, c in enumerate(document["changes"])
    )
    audit_record(
        actor=actor,
        verb="FRAMEWORK_MAPPING_LOADED",
        target=mapping,
        detail={"from": old.version, "to": new.version},
    )
    return mapping


def frameworks_load_shipped(*, actor: AnyUser | None = None) -> list[LoadResult]:
    """Load every framework and mapping shipped in lde/frameworks/data (already loaded ones are
    left as they are)."""
    results = [
        framework_load_file(actor=actor, path=path) for path in sorted(DATA_DIR.glob("*.yaml"))
    ]
    for path in sorted((DATA_DIR / "mappings").glob("*.yaml")):
        mapping_load(actor=actor, text=path.read_text(encoding="utf-8"), file_name=path.name)
    return results
