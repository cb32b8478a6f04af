"""API: frameworks, their versions and criteria (read only)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from lde.core.api_schemas import LIST_ERRORS, READ_ERRORS, Page, PageParams
from lde.frameworks import selectors
from lde.frameworks.models import Criterion, FrameworkVersion

router = Router(tags=["frameworks"])

Identifier = Path(pattern=r"^[a-z][a-z0-9-]{0,59}$", max_length=60)
VersionText = Path(pattern=r"^\d+(\.\d+)*$", max_length=20)


class LevelOut(Schema):
    value: int
    label: str
    descriptor: str


class ScaleOut(Schema):
    identifier: str
    title: str
    descriptors_written_by: str
    levels: list[LevelOut]


class VersionOut(Schema):
    identifier: str
    version: str
    title: str
    status: str
    summary: str
    source_document: str
    source_paragraphs: list[str]
    provenance: str
    historical_note: str
    criterion_count: int


class VersionDetailOut(VersionOut):
    scales: list[ScaleOut]


class RubricOut(Schema):
    value: int
    descriptor: str


class CriterionOut(Schema):
    identifier: str
    kind: str
    parent: str | None
    path: str
    title: str
    guidance: str
    evidence: list[str]
    weight: Decimal = Field(description="Relative weight within its parent.")
    paragraphs: list[str]
    scale: str | None
    rubric: list[RubricOut]
    rubric_written_by: str


def _version_out(version: FrameworkVersion, count: int) -> VersionOut:
    return VersionOut(
        identifier=version.framework.identifier,
        version=version.version,
        title=version.title,
        status=version.status,
        summary=version.summary,
        source_document=version.source_document,
        source_paragraphs=list(version.source_paragraphs),
        provenance=version.provenance,
        historical_note=version.historical_note,
        criterion_count=count,
    )


@router.get(
    "", response={200: Page[VersionOut], **LIST_ERRORS}, summary="Every loaded framework version"
)
def version_list(request: HttpRequest, page: Query[PageParams]) -> Page[VersionOut]:
    rows = [
        (v, entry)
        for entry in selectors.framework_library(user=request.user)
        for v in entry["versions"]
    ]
    return Page[VersionOut](
        count=len(rows),
        items=[_version_out(v, v.criterion_count) for v, _ in rows[page.window()]],
    )


@router.get(
    "/{identifier}/{version}",
    response={200: VersionDetailOut, **READ_ERRORS},
    summary="One framework version with its rating scales",
)
def version_get(
    request: HttpRequest, identifier: str = Identifier, version: str = VersionText
) -> VersionDetailOut:
    found = selectors.framework_version_get(
        user=request.user, identifier=identifier, version=version
    )
    tree = selectors.framework_version_tree(version=found)
    base = _version_out(found, tree["criterion_count"])
    return VersionDetailOut(
        **base.model_dump(),
        scales=[
            ScaleOut(
                identifier=s.identifier,
                title=s.title,
                descriptors_written_by=s.descriptors_written_by,
                levels=[
                    LevelOut(value=lv.value, label=lv.label, descriptor=lv.descriptor)
                    for lv in s.levels.all()
                ],
            )
            for s in tree["scales"]
        ],
    )


@router.get(
    "/{identifier}/{version}/criteria",
    response={200: list[CriterionOut], **READ_ERRORS},
    summary="A version's themes, criteria and sub-criteria, in document order",
)
def criterion_list(
    request: HttpRequest, identifier: str = Identifier, version: str = VersionText
) -> list[CriterionOut]:
    found = selectors.framework_version_get(
        user=request.user, identifier=identifier, version=version
    )
    tree = selectors.framework_version_tree(version=found)
    out: list[CriterionOut] = []

    def walk(node: selectors.TreeNode, parent: Criterion | None) -> None:
        c = node.criterion
        scale = getattr(c, "effective_scale", None)
        out.append(
            CriterionOut(
                identifier=c.identifier,
                kind=c.kind,
                parent=parent.identifier if parent else None,
                path=c.path,
                title=c.title,
                guidance=c.guidance,
                evidence=list(c.evidence),
                weight=c.weight,
                paragraphs=list(c.paragraphs),
                scale=scale.identifier if scale is not None and c.kind == "criterion" else None,
                rubric=[RubricOut(value=r.value, descriptor=r.descriptor) for r in c.rubric.all()],
                rubric_written_by=c.rubric_written_by,
            )
        )
        for child in node.children:
            walk(child, c)

    for theme in tree["themes"]:
        walk(theme, None)
    return out
