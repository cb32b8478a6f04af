"""Frameworks as OSCAL catalogs: written out for other tools, and read back without loss.

A framework version becomes an OSCAL 1.1 catalog (JSON). The mapping, described for authors in
docs/how-to/write-a-framework.md ("Exchanging frameworks: OSCAL") and decided in
docs/adr/0008-oscal-catalogs-for-framework-exchange.md:

- `catalog.uuid` is uuid5(UUID_NAMESPACE, "<identifier>@<version>"), and the source document's
  back-matter resource is uuid5(UUID_NAMESPACE, "<identifier>@<version>/source"), so the same
  version always gets the same uuids;
- `metadata` carries the title, version, last-modified time and, as properties in the platform's
  namespace `NS`, the identifier, status and replace-with-official-text flag; its `remarks` hold
  the summary, provenance and historical note as Markdown sections;
- each theme is a group of class "theme", each criterion a control of class "criterion" and each
  sub-criterion a control nested inside it; guidance is the standard part "guidance", and
  evidence, weight, paragraph references, scale and rubric are properties and parts in `NS`;
- the rating scales, every level with its label and descriptor, are parts in `NS` of one group of
  class "rating-scales".

Reading a catalog back (`framework_version_from_oscal`) gives exactly the dictionary that
`parse_framework` gives for the YAML file, checked by `parse_framework` itself, so a catalog is
held to the same rules as a file and its problems are named with their place in the catalog.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import yaml

from lde.frameworks.document import DocumentInvalid, Problem, parse_framework
from lde.frameworks.exchange import framework_version_document
from lde.frameworks.models import FrameworkVersion

# The platform's own namespace for every property and part that OSCAL does not define.
NS = "https://prevent-lde.example/ns/oscal"
# uuid5(NAMESPACE_URL, NS), written out so that it can never change by accident.
UUID_NAMESPACE = uuid.UUID("cfc7d8d8-3f03-51c4-b4a1-105a77b04e31")
OSCAL_VERSION = "1.1.2"
# Framework identifiers already start with a letter, as OSCAL ids must. Should one ever not, its
# id gets this prefix; identifiers never contain a dot, so the prefix is never ambiguous.
ID_PREFIX = "lde."
SCALES_GROUP_ID = "lde.rating-scales"
THEME_CLASS = "theme"
CRITERION_CLASS = "criterion"
SCALES_CLASS = "rating-scales"
SOURCE_ROLE = "source"
REMARK_SECTIONS = {
    "Summary": "summary",
    "Provenance": "provenance",
    "Historical note": "historical_note",
}

_UUID = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$"
)
_OSCAL_VERSION = re.compile(r"^1\.\d+\.\d+$")
_WHOLE_NUMBER = re.compile(r"^-?\d+$")
_HEADING = re.compile(r"^## (.*)$", re.M)
_HASH_LINE = re.compile(r"^(\\*#)", re.M)
_ESCAPED_HASH_LINE = re.compile(r"^\\(\\*#)", re.M)


# Identifiers and uuids ---------------------------------------------------------------------------


def oscal_id(identifier: str) -> str:
    """The OSCAL id of a theme or criterion: its identifier, prefixed only if it needs a letter."""
    first = identifier[:1]
    return identifier if first.isascii() and first.isalpha() else ID_PREFIX + identifier


def identifier_from_oscal_id(value: str) -> str:
    """The inverse of `oscal_id`."""
    return value[len(ID_PREFIX) :] if value.startswith(ID_PREFIX) else value


def stable_uuid(name: str) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, name))


def catalog_uuid(identifier: str, version: str) -> str:
    return stable_uuid(f"{identifier}@{version}")


def source_uuid(identifier: str, version: str) -> str:
    return stable_uuid(f"{identifier}@{version}/source")


def format_datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# Writing -----------------------------------------------------------------------------------------


def _prop(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "ns": NS, "value": value}


def _number(value: Decimal | int | float | str) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def _escape(text: str) -> str:
    """Keep a line of the text that starts with '#' from reading as a Markdown heading (and so
    from ending its section): prefix it with a backslash. `_unescape` undoes it exactly."""
    return _HASH_LINE.sub(r"\\\1", text)


def _unescape(text: str) -> str:
    return _ESCAPED_HASH_LINE.sub(r"\1", text)


def _remarks(document: dict[str, Any]) -> str:
    sections = []
    for heading, key in REMARK_SECTIONS.items():
        if document.get(key):
            sections.append(f"## {heading}\n\n{_escape(document[key])}")
    return "\n\n".join(sections)


def _common_props(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        _prop("weight", _number(node["weight"])),
        *(_prop("paragraph", reference) for reference in node["paragraphs"]),
    ]


def _guidance(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": "guidance", "prose": node["guidance"]}] if node.get("guidance") else []


def _control(node: dict[str, Any]) -> dict[str, Any]:
    control: dict[str, Any] = {
        "id": oscal_id(node["identifier"]),
        "class": CRITERION_CLASS,
        "title": node["title"],
        "props": [*_common_props(node), _prop("scale", node["scale"])],
    }
    parts = _guidance(node)
    if node.get("evidence"):
        parts.append(
            {
                "name": "evidence",
                "ns": NS,
                "parts": [
                    {"name": "evidence-item", "ns": NS, "prose": line} for line in node["evidence"]
                ],
            }
        )
    if node.get("rubric"):
        parts.append(
            {
                "name": "rubric",
                "ns": NS,
                "props": [_prop("written-by", node["rubric_written_by"])],
                "parts": [
                    {
                        "name": "rubric-level",
                        "ns": NS,
                        "props": [_prop("level", str(value))],
                        "prose": text,
                    }
                    for value, text in sorted(node["rubric"].items())
                ],
            }
        )
    if parts:
        control["parts"] = parts
    if node.get("criteria"):
        control["controls"] = [_control(child) for child in node["criteria"]]
    return control


def _theme(node: dict[str, Any]) -> dict[str, Any]:
    group: dict[str, Any] = {
        "id": oscal_id(node["identifier"]),
        "class": THEME_CLASS,
        "title": node["title"],
        "props": _common_props(node),
    }
    parts = _guidance(node)
    if parts:
        group["parts"] = parts
    group["controls"] = [_control(child) for child in node["criteria"]]
    return group


def _scales(scales: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": SCALES_GROUP_ID,
        "class": SCALES_CLASS,
        "title": "Rating scales",
        "parts": [
            {
                "name": "rating-scale",
                "ns": NS,
                "title": scale["title"],
                "props": [
                    _prop("identifier", scale["identifier"]),
                    _prop("written-by", scale["descriptors_written_by"]),
                ],
                "parts": [
                    {
                        "name": "level",
                        "ns": NS,
                        "title": level["label"],
                        "props": [_prop("value", str(level["value"]))],
                        "prose": level["descriptor"],
                    }
                    for level in scale["levels"]
                ],
            }
            for scale in scales
        ],
    }


def _source(document: dict[str, Any]) -> dict[str, Any]:
    source = document["source"]
    resource: dict[str, Any] = {
        "uuid": source_uuid(document["identifier"], document["version"]),
        "title": "Source document",
        "description": source["document"],
        "props": [
            _prop("role", SOURCE_ROLE),
            *(_prop("paragraph", reference) for reference in source["paragraphs"]),
            *(_prop("figure", figure) for figure in source["figures"]),
        ],
        # For tools that show citations; `description` is the exact text and is what is read.
        "citation": {"text": " ".join(source["document"].split())},
    }
    if source.get("url"):
        resource["rlinks"] = [{"href": source["url"]}]
    return resource


def framework_document_to_oscal(
    document: dict[str, Any], last_modified: datetime
) -> dict[str, Any]:
    """A framework document (as `parse_framework` gives it) as an OSCAL catalog."""
    return {
        "catalog": {
            "uuid": catalog_uuid(document["identifier"], document["version"]),
            "metadata": {
                "title": document["title"],
                "last-modified": format_datetime(last_modified),
                "version": document["version"],
                "oscal-version": OSCAL_VERSION,
                "props": [
                    _prop("identifier", document["identifier"]),
                    _prop("status", document["status"]),
                    _prop(
                        "replace-with-official-text",
                        "true" if document["replace_with_official_text"] else "false",
                    ),
                ],
                "remarks": _remarks(document),
            },
            "groups": [
                *(_theme(theme) for theme in document["themes"]),
                _scales(document["scales"]),
            ],
            "back-matter": {"resources": [_source(document)]},
        }
    }


def framework_version_to_oscal(version: FrameworkVersion) -> dict[str, Any]:
    """A loaded framework version as an OSCAL catalog (a JSON-ready dictionary)."""
    return framework_document_to_oscal(framework_version_document(version), version.last_modified)


def oscal_json(catalog: dict[str, Any]) -> str:
    return json.dumps(catalog, indent=2, ensure_ascii=False) + "\n"


def framework_version_oscal_json(version: FrameworkVersion) -> str:
    return oscal_json(framework_version_to_oscal(version))


# Reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OscalProblem(Problem):
    """A problem in a JSON catalog: named by its path in the catalog, as JSON has no lines worth
    counting once a tool has rewritten it."""

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}: {where}{self.message}"


@dataclass(frozen=True)
class OscalFramework:
    document: dict[str, Any]
    last_modified: datetime


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


class _Reader:
    """Reads a catalog into the shape of a framework file, noting where each value came from."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.where: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.problems.append(OscalProblem(self.file, 0, path, message))

    def obj(
        self, value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...], what: str
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"{what} must be a JSON object")
            return {}
        for key in value:
            if key not in allowed:
                self.fail(
                    f"{path}.{key}",
                    f"unknown key '{key}' in {what}; the keys read here are "
                    + ", ".join(sorted(allowed)),
                )
        for key in required:
            if key not in value:
                self.fail(path, f"{what} is missing '{key}'")
        return value

    def array(self, value: Any, path: str, what: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, f"{what} must be a JSON array")
            return []
        return value

    def props(
        self, value: Any, path: str, names: dict[str, bool]
    ) -> dict[str, list[tuple[Any, str]]]:
        """The platform's properties, by name, each with its path. `names` says which may repeat."""
        found: dict[str, list[tuple[Any, str]]] = {}
        for i, raw in enumerate(self.array(value, f"{path}.props", "props")):
            prop_path = f"{path}.props[{i}]"
            prop = self.obj(raw, prop_path, ("name", "ns", "value"), ("name", "value"), "a prop")
            if "name" not in prop or "value" not in prop:
                continue
            name = prop["name"]
            if not isinstance(name, str) or not isinstance(prop["value"], str):
                self.fail(prop_path, "the name and value of a property must be text")
            elif prop.get("ns") != NS:
                self.fail(
                    prop_path,
                    f"the property '{name}' is not in the platform's namespace ({NS}), so it "
                    "cannot be read",
                )
            elif name not in names:
                self.fail(
                    prop_path,
                    f"unknown property '{name}'; the properties read here are "
                    + ", ".join(sorted(names)),
                )
            elif found.get(name) and not names[name]:
                self.fail(prop_path, f"the property '{name}' appears twice")
            else:
                found.setdefault(name, []).append((prop["value"], prop_path))
        return found

    def one(
        self,
        props: dict[str, list[tuple[Any, str]]],
        name: str,
        path: str,
        key: str | None,
        *,
        required: bool = True,
    ) -> Any:
        """The value of a single property, noting `key` (the framework file's path), if given, as
        read from it. None if it is absent."""
        if name not in props:
            if required:
                self.fail(path, f"there is no '{name}' property (ns {NS})")
            if key is not None:
                self.where[key] = path
            return None
        value, prop_path = props[name][0]
        if key is not None:
            self.where[key] = prop_path
        return value

    def references(
        self, props: dict[str, list[tuple[Any, str]]], name: str, path: str, key: str
    ) -> list[Any]:
        found = props.get(name, [])
        self.where[key] = f"{path}.props"
        for i, (_, prop_path) in enumerate(found):
            self.where[f"{key}[{i}]"] = prop_path
        return [value for value, _ in found]


def _whole_number(value: Any) -> Any:
    if isinstance(value, str) and _WHOLE_NUMBER.match(value):
        return int(value)
    return value


def _parse_remarks(reader: _Reader, remarks: Any, path: str) -> dict[str, str]:
    if not isinstance(remarks, str):
        reader.fail(path, "the remarks must be text")
        return {}
    pieces = _HEADING.split(remarks)
    found: dict[str, str] = {}
    if len(pieces) == 1:
        reader.fail(
            path,
            "the remarks must be the Markdown sections '## Summary', '## Provenance' and, for "
            "a historical framework, '## Historical note'",
        )
        return found
    if pieces[0].strip():
        reader.fail(path, "there is text before the first section of the remarks")
    for heading, body in zip(pieces[1::2], pieces[2::2], strict=True):
        key = REMARK_SECTIONS.get(heading.strip())
        if key is None:
            reader.fail(
                path,
                f"unknown section '## {heading}' in the remarks; the sections read are "
                + ", ".join(f"'## {h}'" for h in REMARK_SECTIONS),
            )
        elif key in found:
            reader.fail(path, f"the section '## {heading}' appears twice in the remarks")
        else:
            found[key] = _unescape(body.strip("\n"))
    for heading in ("Summary", "Provenance"):
        if REMARK_SECTIONS[heading] not in found:
            reader.fail(path, f"the remarks have no section '## {heading}'")
    return found


def _read_guidance_and_parts(
    reader: _Reader, raw: dict[str, Any], path: str, key: str, allowed: tuple[str, ...]
) -> dict[str, tuple[dict[str, Any], str]]:
    """The parts of a group or control, by name (each at most once)."""
    parts: dict[str, tuple[dict[str, Any], str]] = {}
    for i, value in enumerate(reader.array(raw.get("parts"), f"{path}.parts", "parts")):
        part_path = f"{path}.parts[{i}]"
        if not isinstance(value, dict):
            reader.fail(part_path, "a part must be a JSON object")
            continue
        name = value.get("name")
        namespace = value.get("ns")
        expected = None if name == "guidance" else NS
        if name not in allowed:
            reader.fail(
                part_path,
                f"unknown part '{name}'; the parts read here are " + ", ".join(allowed),
            )
        elif namespace != expected:
            where = f"in the namespace {NS}" if expected else "without a namespace"
            reader.fail(part_path, f"the part '{name}' must be {where}")
        elif name in parts:
            reader.fail(part_path, f"the part '{name}' appears twice")
        else:
            parts[str(name)] = (value, part_path)
    if "guidance" in parts:
        guidance, guidance_path = parts["guidance"]
        reader.obj(guidance, guidance_path, ("name", "prose"), ("name", "prose"), "the guidance")
        reader.where[f"{key}.guidance"] = f"{guidance_path}.prose"
    return parts


def _read_control(reader: _Reader, raw: Any, path: str, key: str) -> dict[str, Any]:
    control = reader.obj(
        raw,
        path,
        ("id", "class", "title", "props", "parts", "controls"),
        ("id", "class", "title"),
        "a control",
    )
    reader.where[key] = path
    node: dict[str, Any] = {}
    if "class" in control and control["class"] != CRITERION_CLASS:
        reader.fail(
            f"{path}.class", f"a control must have the class '{CRITERION_CLASS}' to be read"
        )
    _read_identifier_and_title(reader, control, path, key, node)
    props = reader.props(
        control.get("props"),
        path,
        {"weight": False, "paragraph": True, "scale": False},
    )
    _read_weight_and_paragraphs(reader, props, path, key, node)
    scale = reader.one(props, "scale", path, f"{key}.scale", required=False)
    if scale is not None:
        node["scale"] = scale
    parts = _read_guidance_and_parts(reader, control, path, key, ("guidance", "evidence", "rubric"))
    if "guidance" in parts:
        node["guidance"] = parts["guidance"][0].get("prose")
    if "evidence" in parts:
        evidence, evidence_path = parts["evidence"]
        reader.obj(evidence, evidence_path, ("name", "ns", "parts"), ("parts",), "the evidence")
        reader.where[f"{key}.evidence"] = evidence_path
        node["evidence"] = []
        items = reader.array(evidence.get("parts"), f"{evidence_path}.parts", "parts")
        for i, item in enumerate(items):
            item_path = f"{evidence_path}.parts[{i}]"
            item = reader.obj(item, item_path, ("name", "ns", "prose"), ("prose",), "an item")
            if item and (item.get("name"), item.get("ns")) != ("evidence-item", NS):
                reader.fail(item_path, f"an item of evidence is the part 'evidence-item' in {NS}")
            reader.where[f"{key}.evidence[{i}]"] = f"{item_path}.prose"
            node["evidence"].append(item.get("prose"))
    if "rubric" in parts:
        rubric, rubric_path = parts["rubric"]
        reader.obj(
            rubric, rubric_path, ("name", "ns", "props", "parts"), ("props", "parts"), "the rubric"
        )
        reader.where[f"{key}.rubric"] = rubric_path
        rubric_props = reader.props(rubric.get("props"), rubric_path, {"written-by": False})
        written_by = reader.one(rubric_props, "written-by", rubric_path, f"{key}.rubric_written_by")
        if written_by is not None:
            node["rubric_written_by"] = written_by
        node["rubric"] = {}
        levels = reader.array(rubric.get("parts"), f"{rubric_path}.parts", "parts")
        for i, level in enumerate(levels):
            level_path = f"{rubric_path}.parts[{i}]"
            level = reader.obj(
                level, level_path, ("name", "ns", "props", "prose"), ("props", "prose"), "a level"
            )
            if level and (level.get("name"), level.get("ns")) != ("rubric-level", NS):
                reader.fail(level_path, f"a level of a rubric is the part 'rubric-level' in {NS}")
            level_props = reader.props(level.get("props"), level_path, {"level": False})
            value = _whole_number(reader.one(level_props, "level", level_path, None))
            if value is None:
                continue
            if value in node["rubric"]:
                reader.fail(level_path, f"level {value} appears twice in the rubric")
            reader.where[f"{key}.rubric.{value}"] = level_path
            node["rubric"][value] = level.get("prose")
    children = control.get("controls")
    if children is not None:
        reader.where[f"{key}.criteria"] = f"{path}.controls"
        node["criteria"] = [
            _read_control(reader, child, f"{path}.controls[{j}]", f"{key}.criteria[{j}]")
            for j, child in enumerate(reader.array(children, f"{path}.controls", "controls"))
        ]
    return node


def _read_identifier_and_title(
    reader: _Reader, raw: dict[str, Any], path: str, key: str, node: dict[str, Any]
) -> None:
    if "id" in raw:
        identifier = raw["id"]
        node["identifier"] = (
            identifier_from_oscal_id(identifier) if isinstance(identifier, str) else identifier
        )
        reader.where[f"{key}.identifier"] = f"{path}.id"
    if "title" in raw:
        node["title"] = raw["title"]
        reader.where[f"{key}.title"] = f"{path}.title"


def _read_weight_and_paragraphs(
    reader: _Reader,
    props: dict[str, list[tuple[Any, str]]],
    path: str,
    key: str,
    node: dict[str, Any],
) -> None:
    weight = reader.one(props, "weight", path, f"{key}.weight", required=False)
    if weight is not None:
        node["weight"] = weight
    paragraphs = reader.references(props, "paragraph", path, f"{key}.paragraphs")
    if paragraphs:
        node["paragraphs"] = paragraphs
    else:
        reader.fail(path, f"there is no 'paragraph' property (ns {NS}): cite the source")


def _read_theme(reader: _Reader, raw: dict[str, Any], path: str, key: str) -> dict[str, Any]:
    group = reader.obj(
        raw,
        path,
        ("id", "class", "title", "props", "parts", "controls"),
        ("id", "title", "controls"),
        "a theme",
    )
    reader.where[key] = path
    node: dict[str, Any] = {}
    _read_identifier_and_title(reader, group, path, key, node)
    props = reader.props(group.get("props"), path, {"weight": False, "paragraph": True})
    _read_weight_and_paragraphs(reader, props, path, key, node)
    parts = _read_guidance_and_parts(reader, group, path, key, ("guidance",))
    if "guidance" in parts:
        node["guidance"] = parts["guidance"][0].get("prose")
    reader.where[f"{key}.criteria"] = f"{path}.controls"
    controls = reader.array(group.get("controls"), f"{path}.controls", "controls")
    node["criteria"] = [
        _read_control(reader, control, f"{path}.controls[{j}]", f"{key}.criteria[{j}]")
        for j, control in enumerate(controls)
    ]
    return node


def _read_scales(reader: _Reader, raw: dict[str, Any], path: str) -> list[dict[str, Any]]:
    group = reader.obj(raw, path, ("id", "class", "title", "parts"), ("parts",), "the scales")
    reader.where["scales"] = f"{path}.parts"
    scales = []
    for i, value in enumerate(reader.array(group.get("parts"), f"{path}.parts", "parts")):
        scale_path = f"{path}.parts[{i}]"
        key = f"scales[{i}]"
        reader.where[key] = scale_path
        part = reader.obj(
            value,
            scale_path,
            ("name", "ns", "title", "props", "parts"),
            ("name", "ns", "title", "props", "parts"),
            "a rating scale",
        )
        if part and (part.get("name"), part.get("ns")) != ("rating-scale", NS):
            reader.fail(scale_path, f"a rating scale is the part 'rating-scale' in {NS}")
        props = reader.props(
            part.get("props"), scale_path, {"identifier": False, "written-by": False}
        )
        scale: dict[str, Any] = {
            "identifier": reader.one(props, "identifier", scale_path, f"{key}.identifier"),
            "descriptors_written_by": reader.one(
                props, "written-by", scale_path, f"{key}.descriptors_written_by"
            ),
            "title": part.get("title"),
            "levels": [],
        }
        reader.where[f"{key}.title"] = f"{scale_path}.title"
        reader.where[f"{key}.levels"] = f"{scale_path}.parts"
        for j, level in enumerate(reader.array(part.get("parts"), f"{scale_path}.parts", "parts")):
            level_path = f"{scale_path}.parts[{j}]"
            level_key = f"{key}.levels[{j}]"
            reader.where[level_key] = level_path
            level = reader.obj(
                level,
                level_path,
                ("name", "ns", "title", "props", "prose"),
                ("name", "ns", "title", "props", "prose"),
                "a level",
            )
            if level and (level.get("name"), level.get("ns")) != ("level", NS):
                reader.fail(level_path, f"a level of a rating scale is the part 'level' in {NS}")
            level_props = reader.props(level.get("props"), level_path, {"value": False})
            reader.where[f"{level_key}.label"] = f"{level_path}.title"
            reader.where[f"{level_key}.descriptor"] = f"{level_path}.prose"
            found = {
                "value": _whole_number(
                    reader.one(level_props, "value", level_path, f"{level_key}.value")
                ),
                "label": level.get("title"),
                "descriptor": level.get("prose"),
            }
            scale["levels"].append({k: v for k, v in found.items() if v is not None})
        scales.append({k: v for k, v in scale.items() if v is not None})
    return scales


def _read_source(reader: _Reader, resources: list[Any], path: str) -> dict[str, Any]:
    found = []
    for i, resource in enumerate(resources):
        props = resource.get("props") if isinstance(resource, dict) else None
        if isinstance(props, list) and any(
            isinstance(p, dict)
            and (p.get("name"), p.get("ns"), p.get("value")) == ("role", NS, SOURCE_ROLE)
            for p in props
        ):
            found.append((resource, f"{path}[{i}]"))
        else:
            reader.fail(
                f"{path}[{i}]",
                f"the only resource read is the source document (the property 'role' = "
                f"'{SOURCE_ROLE}' in {NS})",
            )
    reader.where["source"] = path
    if len(found) != 1:
        if not found:
            reader.fail(path, "there is no source document among the back-matter resources")
        else:
            reader.fail(path, "there is more than one source document")
        return {}
    resource, resource_path = found[0]
    reader.obj(
        resource,
        resource_path,
        ("uuid", "title", "description", "props", "citation", "rlinks"),
        ("uuid", "description", "props"),
        "the source document",
    )
    if "uuid" in resource and not (
        isinstance(resource["uuid"], str) and _UUID.match(resource["uuid"])
    ):
        reader.fail(f"{resource_path}.uuid", "must be a version 4 or 5 uuid")
    reader.where["source"] = resource_path
    reader.where["source.document"] = f"{resource_path}.description"
    props = reader.props(
        resource.get("props"), resource_path, {"role": False, "paragraph": True, "figure": True}
    )
    source: dict[str, Any] = {
        "document": resource.get("description"),
        "paragraphs": reader.references(props, "paragraph", resource_path, "source.paragraphs"),
        "figures": reader.references(props, "figure", resource_path, "source.figures"),
    }
    if not source["paragraphs"]:
        reader.fail(resource_path, f"there is no 'paragraph' property (ns {NS}): cite the source")
    rlinks = reader.array(resource.get("rlinks"), f"{resource_path}.rlinks", "rlinks")
    if len(rlinks) > 1:
        reader.fail(f"{resource_path}.rlinks", "the source document has at most one link")
    if rlinks:
        link = reader.obj(rlinks[0], f"{resource_path}.rlinks[0]", ("href",), ("href",), "a link")
        source["url"] = link.get("href")
        reader.where["source.url"] = f"{resource_path}.rlinks[0].href"
    return {k: v for k, v in source.items() if v is not None}


def _read_metadata(reader: _Reader, value: Any, raw: dict[str, Any]) -> datetime | None:
    path = "catalog.metadata"
    keys = ("title", "last-modified", "version", "oscal-version", "props", "remarks")
    metadata = reader.obj(value, path, keys, keys, "the metadata")
    for key in ("identifier", "status", "replace_with_official_text"):
        reader.where[key] = path
    for key in ("title", "version"):
        if key in metadata:
            raw[key] = metadata[key]
            reader.where[key] = f"{path}.{key}"
    version = metadata.get("oscal-version")
    if "oscal-version" in metadata and not (
        isinstance(version, str) and _OSCAL_VERSION.match(version)
    ):
        reader.fail(
            f"{path}.oscal-version",
            f"'{version}' is not an OSCAL 1.x version (this platform writes {OSCAL_VERSION})",
        )
    last_modified = None
    if "last-modified" in metadata:
        text = metadata["last-modified"]
        try:
            last_modified = datetime.fromisoformat(text) if isinstance(text, str) else None
        except ValueError:
            last_modified = None
        if last_modified is None or last_modified.tzinfo is None:
            last_modified = None
            reader.fail(
                f"{path}.last-modified",
                f"'{text}' is not a date and time with a time zone, like 2024-05-01T12:00:00Z",
            )
    if "props" in metadata:
        props = reader.props(
            metadata["props"],
            path,
            {"identifier": False, "status": False, "replace-with-official-text": False},
        )
        for name in ("identifier", "status"):
            found = reader.one(props, name, path, name)
            if found is not None:
                raw[name] = found
        flag = reader.one(
            props, "replace-with-official-text", path, "replace_with_official_text", required=False
        )
        if flag is not None:
            raw["replace_with_official_text"] = {"true": True, "false": False}.get(flag, flag)
    if "remarks" in metadata:
        raw.update(_parse_remarks(reader, metadata["remarks"], f"{path}.remarks"))
        for key in REMARK_SECTIONS.values():
            reader.where[key] = f"{path}.remarks"
    return last_modified


def _read_groups(reader: _Reader, value: Any, raw: dict[str, Any]) -> None:
    themes: list[dict[str, Any]] = []
    scale_groups: list[tuple[dict[str, Any], str]] = []
    reader.where["themes"] = "catalog.groups"
    for i, group in enumerate(reader.array(value, "catalog.groups", "groups")):
        path = f"catalog.groups[{i}]"
        kind = group.get("class") if isinstance(group, dict) else None
        if kind == SCALES_CLASS:
            scale_groups.append((group, path))
        elif kind == THEME_CLASS:
            themes.append(_read_theme(reader, group, path, f"themes[{len(themes)}]"))
        else:
            reader.fail(
                path,
                f"a group must have the class '{THEME_CLASS}' (a theme) or '{SCALES_CLASS}' "
                "(the rating scales)",
            )
    if len(scale_groups) != 1:
        reader.fail(
            "catalog.groups",
            f"there must be exactly one group of class '{SCALES_CLASS}', not {len(scale_groups)}",
        )
    else:
        raw["scales"] = _read_scales(reader, *scale_groups[0])
    if themes:
        raw["themes"] = themes
    else:
        reader.fail("catalog.groups", f"there is no group of class '{THEME_CLASS}'")


def _read_catalog(reader: _Reader, data: Any) -> tuple[dict[str, Any], datetime | None]:
    root = reader.obj(data, "", ("catalog",), ("catalog",), "an OSCAL document")
    keys = ("uuid", "metadata", "groups", "back-matter")
    catalog = (
        reader.obj(root["catalog"], "catalog", keys, keys, "the catalog")
        if "catalog" in root
        else {}
    )
    if "uuid" in catalog and not (
        isinstance(catalog["uuid"], str) and _UUID.match(catalog["uuid"])
    ):
        reader.fail("catalog.uuid", "must be a version 4 or 5 uuid")
    raw: dict[str, Any] = {}
    last_modified = None
    if "metadata" in catalog:
        last_modified = _read_metadata(reader, catalog["metadata"], raw)
    if "back-matter" in catalog:
        back_matter = reader.obj(
            catalog["back-matter"],
            "catalog.back-matter",
            ("resources",),
            ("resources",),
            "the back matter",
        )
        resources = reader.array(
            back_matter.get("resources"), "catalog.back-matter.resources", "resources"
        )
        source = _read_source(reader, resources, "catalog.back-matter.resources")
        if source:
            raw["source"] = source
    if "groups" in catalog:
        _read_groups(reader, catalog["groups"], raw)
    return raw, last_modified


def _locate(where: dict[str, str], path: str) -> str:
    while path and path not in where:
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return where.get(path, "catalog")


_LINE_REFERENCE = re.compile(r" at line \d+")


def read_oscal_catalog(data: Any, file_name: str) -> OscalFramework:
    """The framework in an OSCAL catalog, checked as a framework file is, or DocumentInvalid
    naming every problem by its path in the catalog."""
    reader = _Reader(file_name)
    raw, last_modified = _read_catalog(reader, data)
    text = yaml.dump(raw, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    try:
        document = parse_framework(text, file_name)
    except DocumentInvalid as error:
        found: list[Problem] = []
        for problem in error.problems:
            if "is missing '" in problem.message and reader.problems:
                continue  # the reader has said what is missing, in the catalog's terms
            path = _locate(reader.where, problem.path)
            if any(
                path == p.path or path.startswith((f"{p.path}.", f"{p.path}["))
                for p in reader.problems
            ):
                continue
            message = _LINE_REFERENCE.sub(" earlier in the catalog", problem.message)
            found.append(OscalProblem(file_name, 0, path, message))
        raise DocumentInvalid(reader.problems + found or error.problems) from None
    if reader.problems or last_modified is None:
        raise DocumentInvalid(reader.problems)
    return OscalFramework(document, last_modified)


def framework_version_from_oscal(data: dict[str, Any], file_name: str) -> dict[str, Any]:
    """The framework document (as `parse_framework` gives it) in an OSCAL catalog."""
    return read_oscal_catalog(data, file_name).document


def oscal_loads(text: str, file_name: str) -> Any:
    """JSON text as data, or DocumentInvalid saying where it stops being JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentInvalid(
            [Problem(file_name, error.lineno, "", f"this is not valid JSON: {error.msg}")]
        ) from error
