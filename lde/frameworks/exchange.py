"""Writing a loaded framework version back out, in the same YAML format it was loaded from."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from lde.frameworks.models import Criterion, FrameworkVersion
from lde.frameworks.selectors import framework_version_tree


def _weight(value: Decimal) -> int | float:
    normalised = value.normalize()
    return int(normalised) if normalised == normalised.to_integral_value() else float(normalised)


def framework_version_document(version: FrameworkVersion) -> dict[str, Any]:
    """The version as the plain document `parse_framework` would give for its file."""
    tree = framework_version_tree(version=version)
    default = tree["scales"][0].identifier if tree["scales"] else ""

    def node(n: Any) -> dict[str, Any]:
        c: Criterion = n.criterion
        found: dict[str, Any] = {
            "identifier": c.identifier,
            "title": c.title,
            "guidance": c.guidance,
            "paragraphs": list(c.paragraphs),
            "weight": c.weight,
            "criteria": [node(child) for child in n.children],
        }
        if c.kind == "criterion":
            found["evidence"] = list(c.evidence)
            found["scale"] = c.effective_scale.identifier if c.effective_scale else default  # type: ignore[attr-defined]
            found["rubric"] = {r.value: r.descriptor for r in c.rubric.all()}
            found["rubric_written_by"] = c.rubric_written_by
        return found

    return {
        "identifier": version.framework.identifier,
        "version": version.version,
        "title": version.title,
        "status": version.status,
        "summary": version.summary,
        "provenance": version.provenance,
        "historical_note": version.historical_note,
        "replace_with_official_text": version.replace_with_official_text,
        "source": {
            "document": version.source_document,
            "paragraphs": list(version.source_paragraphs),
            "figures": list(version.source_figures),
            "url": version.source_url,
        },
        "scales": [
            {
                "identifier": s.identifier,
                "title": s.title,
                "descriptors_written_by": s.descriptors_written_by,
                "levels": [
                    {"value": lv.value, "label": lv.label, "descriptor": lv.descriptor}
                    for lv in s.levels.all()
                ],
            }
            for s in tree["scales"]
        ],
        "themes": [node(theme) for theme in tree["themes"]],
    }


def _tidy(node: dict[str, Any], default_scale: str) -> dict[str, Any]:
    """Drop empty and default values, so the YAML reads as a person would write it."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "criteria":
            if value:
                out[key] = [_tidy(child, default_scale) for child in value]
            continue
        if key == "weight":
            if value != 1:
                out[key] = _weight(value)
            continue
        if key == "scale" and value == default_scale:
            continue
        if value in ("", [], {}, None, False):
            continue
        out[key] = value
    return out


def framework_version_yaml(version: FrameworkVersion) -> str:
    document = framework_version_document(version)
    default_scale = document["scales"][0]["identifier"] if document["scales"] else ""
    ordered: dict[str, Any] = {}
    for key in (
        "identifier",
        "version",
        "title",
        "status",
        "summary",
        "source",
        "provenance",
        "historical_note",
        "replace_with_official_text",
        "scales",
    ):
        value = document[key]
        if key == "source":
            value = {k: v for k, v in value.items() if v not in ("", [])}
        if value not in ("", [], None, False):
            ordered[key] = value
    ordered["themes"] = [_tidy(theme, default_scale) for theme in document["themes"]]
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100)
