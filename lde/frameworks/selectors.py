"""Reads of frameworks: the library, one version's tree, and differences between versions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from lde.core.access.facts import AnyUser
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
from lde.frameworks.policies import framework_version_policy


def framework_library(*, user: AnyUser) -> list[dict[str, Any]]:
    """Each framework with its versions, newest first (three queries in all)."""
    versions = list(
        framework_version_policy.visible_to(user, "view")
        .select_related("framework")
        .annotate(criterion_count=Count("criteria", filter=Q(criteria__kind="criterion")))
    )
    by_framework: dict[int, list[FrameworkVersion]] = defaultdict(list)
    for version in versions:
        by_framework[version.framework_id].append(version)
    library = []
    for framework in Framework.objects.filter(pk__in=by_framework).order_by("title"):
        found = sorted(by_framework[framework.pk], key=lambda v: v.sort_key, reverse=True)
        library.append({"framework": framework, "versions": found, "latest": found[0]})
    return library


def framework_version_get(*, user: AnyUser, identifier: str, version: str) -> FrameworkVersion:
    found = (
        FrameworkVersion.objects.filter(framework__identifier=identifier, version=version)
        .values_list("pk", flat=True)
        .first()
    )
    return framework_version_policy.get_or_404(
        user,
        found if found is not None else 0,
        FrameworkVersion.objects.select_related("framework"),
    )


@dataclass
class TreeNode:
    criterion: Criterion
    children: list[TreeNode] = field(default_factory=list)


def framework_version_tree(*, version: FrameworkVersion) -> dict[str, Any]:
    """The scales and the theme → criterion tree of one version, in four queries whatever its
    size."""
    scales = list(
        RatingScale.objects.filter(framework_version=version).prefetch_related(
            Prefetch("levels", queryset=ScaleLevel.objects.order_by("value"))
        )
    )
    criteria = list(
        Criterion.objects.filter(framework_version=version)
        .prefetch_related(Prefetch("rubric", queryset=RubricDescriptor.objects.order_by("value")))
        .order_by("position")
    )
    nodes = {c.pk: TreeNode(c) for c in criteria}
    roots: list[TreeNode] = []
    scale_by_id = {s.pk: s for s in scales}
    default_scale = scales[0] if scales else None
    for c in criteria:
        c.effective_scale = scale_by_id.get(c.scale_id or 0, default_scale)  # type: ignore[attr-defined]
        if c.parent_id is None:
            roots.append(nodes[c.pk])
        else:
            nodes[c.parent_id].children.append(nodes[c.pk])
    return {
        "scales": scales,
        "themes": roots,
        "criterion_count": sum(1 for c in criteria if c.kind == CriterionKind.CRITERION),
    }


def framework_versions(*, framework: Framework) -> QuerySet[FrameworkVersion]:
    return framework.versions.order_by("-created_at")


def criterion_list(*, user: AnyUser, version: FrameworkVersion) -> QuerySet[Criterion]:
    return (
        Criterion.objects.filter(framework_version=version)
        .select_related("scale")
        .order_by("position")
    )


def version_difference(*, older: FrameworkVersion, newer: FrameworkVersion) -> dict[str, Any]:
    """What changed between two versions: from the mapping file where there is one, otherwise
    by matching identifiers (and then titles and guidance that changed under the same one)."""
    old = {c.identifier: c for c in older.criteria.all()}
    new = {c.identifier: c for c in newer.criteria.all()}
    mapping = VersionMapping.objects.filter(from_version=older, to_version=newer).first()
    rows: list[dict[str, Any]] = []
    if mapping is not None:
        for change in MappingChange.objects.filter(mapping=mapping).order_by("position"):
            rows.append(
                {
                    "kind": change.kind,
                    "from": [old[i] for i in change.from_identifiers if i in old],
                    "to": [new[i] for i in change.to_identifiers if i in new],
                    "note": change.note,
                }
            )
    else:
        for identifier, criterion in old.items():
            if identifier not in new:
                rows.append({"kind": "retired", "from": [criterion], "to": [], "note": ""})
            else:
                rows.append(
                    {"kind": "same", "from": [criterion], "to": [new[identifier]], "note": ""}
                )
        rows += [
            {"kind": "new", "from": [], "to": [c], "note": ""}
            for i, c in new.items()
            if i not in old
        ]
    for row in rows:
        if row["kind"] == "same" and row["from"] and row["to"]:
            before, after = row["from"][0], row["to"][0]
            changed = [
                name
                for name in ("title", "guidance", "weight", "paragraphs")
                if getattr(before, name) != getattr(after, name)
            ]
            row["changed_fields"] = changed
    return {"mapping": mapping, "rows": rows}
