"""Reading framework and mapping files: YAML with every problem pointed at its line.

The YAML is composed into nodes first (not loaded straight to Python), so that each value keeps the
line it came from; validation then checks the whole document against the format described in
docs/how-to/write-a-framework.md and collects every problem before giving up, so that an author
fixes a file in one pass rather than one error at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

IDENTIFIER = re.compile(r"^[a-z][a-z0-9-]{0,59}$")
VERSION = re.compile(r"^\d+(\.\d+)*$")
REFERENCE = re.compile(r"^(\d+(-\d+)?|Figure \d+|Case study \d+|Appendix \d+(\([a-z]\))?)$")
WRITTEN_BY = ("report", "official", "platform")
MAPPING_KINDS = ("same", "renamed", "split", "merged", "new", "retired")

FRAMEWORK_KEYS = {
    "identifier": True,
    "version": True,
    "title": True,
    "status": True,
    "summary": True,
    "source": True,
    "provenance": True,
    "historical_note": False,
    "replace_with_official_text": False,
    "scales": True,
    "themes": True,
}
SOURCE_KEYS = {"document": True, "paragraphs": True, "figures": False, "url": False}
SCALE_KEYS = {"identifier": True, "title": True, "descriptors_written_by": True, "levels": True}
LEVEL_KEYS = {"value": True, "label": True, "descriptor": True}
THEME_KEYS = {
    "identifier": True,
    "title": True,
    "guidance": False,
    "paragraphs": True,
    "weight": False,
    "criteria": True,
}
CRITERION_KEYS = {
    "identifier": True,
    "title": True,
    "guidance": False,
    "evidence": False,
    "weight": False,
    "paragraphs": True,
    "scale": False,
    "rubric": False,
    "rubric_written_by": False,
    "criteria": False,
}
MAPPING_KEYS = {"framework": True, "from_version": True, "to_version": True, "changes": True}
CHANGE_KEYS = {"kind": True, "from": True, "to": True, "note": False}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class DocumentInvalid(Exception):
    """A framework or mapping file that cannot be loaded; `problems` says every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Located:
    """Plain Python values from the YAML, with the line of every path."""

    value: Any
    lines: dict[str, int] = field(default_factory=dict)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _compose(text: str, file: str) -> Located:
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        raise DocumentInvalid(
            [Problem(file, line, "", f"this is not valid YAML: {problem}")]
        ) from error
    if root is None:
        raise DocumentInvalid([Problem(file, 1, "", "the file is empty")])
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    constructor = yaml.SafeLoader("")

    def build(node: yaml.Node, path: str) -> Any:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = constructor.construct_object(key_node, deep=True)
                child = _join(path, str(key))
                if key in result:
                    problems.append(
                        Problem(file, key_node.start_mark.line + 1, child, "this key appears twice")
                    )
                lines[child] = key_node.start_mark.line + 1
                result[key] = build(value_node, child)
                lines[child] = key_node.start_mark.line + 1
            return result
        if isinstance(node, yaml.SequenceNode):
            return [build(item, _join(path, i)) for i, item in enumerate(node.value)]
        return constructor.construct_object(node, deep=True)

    value = build(root, "")
    if problems:
        raise DocumentInvalid(problems)
    return Located(value, lines)


class _Checker:
    def __init__(self, located: Located, file: str) -> None:
        self.lines = located.lines
        self.file = file
        self.problems: list[Problem] = []

    def line(self, path: str) -> int:
        """The line of `path`, or of the nearest enclosing path that has one."""
        while path and path not in self.lines:
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.lines.get(path, 1)

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.line(path), path, message))

    def mapping(self, value: Any, path: str, keys: dict[str, bool], what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"{what} must be a set of keys and values")
            return {}
        for key in value:
            if key not in keys:
                hint = ""
                if key == "criteria" and "criteria" not in keys:
                    hint = " (criteria must sit inside a theme)"
                allowed = ", ".join(sorted(keys))
                self.fail(
                    _join(path, str(key)),
                    f"unknown key '{key}'{hint}; the keys allowed here are {allowed}",
                )
        for key, required in keys.items():
            if required and key not in value:
                self.fail(path, f"{what} is missing '{key}'")
        return value

    def present(self, path: str) -> bool:
        return path in self.lines

    def text(self, value: Any, path: str, *, required: bool = True) -> str:
        if value is None and (not required or not self.present(path)):
            # Missing optional text is fine; a missing required key is reported once, by
            # `mapping`, as missing.
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(path, "must be some text")
            return ""
        return value.strip()

    def identifier(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not IDENTIFIER.match(value):
            self.fail(
                path,
                f"'{value}' is not an identifier: use lowercase letters, digits and "
                "hyphens, starting with a letter, at most 60 characters",
            )
            return ""
        return value

    def choice(self, value: Any, path: str, choices: tuple[str, ...]) -> str:
        if value not in choices:
            self.fail(path, f"must be one of {', '.join(choices)}, not '{value}'")
            return ""
        return str(value)

    def weight(self, value: Any, path: str) -> Decimal:
        if value is None:
            return Decimal(1)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(path, f"must be a number greater than 0, not '{value}'")
            return Decimal(1)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(path, f"must be a number greater than 0, not '{value}'")
            return Decimal(1)
        if not number.is_finite() or number <= 0 or number > 10000:
            self.fail(path, f"must be a number greater than 0 (and at most 10000), not '{value}'")
            return Decimal(1)
        return number

    def references(self, value: Any, path: str, *, required: bool = True) -> list[str]:
        if value is None and (not required or not self.present(path)):
            return []
        if not isinstance(value, list) or (required and not value):
            self.fail(path, 'must be a list of one or more references, like ["89", "92-94"]')
            return []
        found = []
        for i, item in enumerate(value):
            item_text = str(item) if isinstance(item, int) and not isinstance(item, bool) else item
            if not isinstance(item_text, str) or not REFERENCE.match(item_text):
                self.fail(
                    _join(path, i),
                    f"'{item}' is not a reference: write a paragraph "
                    '("89"), a range ("89-91"), "Figure 4", "Case study 3" or '
                    '"Appendix 1(c)"',
                )
            else:
                found.append(item_text)
        return found

    def text_list(self, value: Any, path: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "must be a list of short lines of text")
            return []
        return [self.text(item, _join(path, i)) for i, item in enumerate(value)]

    def raise_if_problems(self) -> None:
        if self.problems:
            self.problems.sort(key=lambda p: (p.line, p.path))
            raise DocumentInvalid(self.problems)


def parse_framework(text: str, file: str) -> dict[str, Any]:
    """The framework as a plain, checked dictionary, or DocumentInvalid with every problem."""
    located = _compose(text, file)
    check = _Checker(located, file)
    doc = check.mapping(located.value, "", FRAMEWORK_KEYS, "The framework")
    version = doc.get("version")
    if "version" in doc and (not isinstance(version, str) or not VERSION.match(version)):
        hint = ' (write it in quotes, like "1.0")' if isinstance(version, int | float) else ""
        check.fail("version", f"'{version}' is not a version number{hint}")
    result: dict[str, Any] = {
        "identifier": check.identifier(doc.get("identifier"), "identifier"),
        "version": version if isinstance(version, str) else str(version),
        "title": check.text(doc.get("title"), "title"),
        "status": check.choice(doc.get("status"), "status", ("current", "historical")),
        "summary": check.text(doc.get("summary"), "summary"),
        "provenance": check.text(doc.get("provenance"), "provenance"),
        "historical_note": check.text(
            doc.get("historical_note"), "historical_note", required=False
        ),
        "replace_with_official_text": bool(doc.get("replace_with_official_text", False)),
    }
    if "replace_with_official_text" in doc and not isinstance(
        doc["replace_with_official_text"], bool
    ):
        check.fail("replace_with_official_text", "must be true or false")
    if result["status"] == "historical" and not result["historical_note"]:
        check.fail("historical_note", "a historical framework needs a historical_note saying why")
    source = check.mapping(doc.get("source", {}), "source", SOURCE_KEYS, "The source")
    result["source"] = {
        "document": check.text(source.get("document"), "source.document"),
        "paragraphs": check.references(source.get("paragraphs"), "source.paragraphs"),
        "figures": check.references(source.get("figures"), "source.figures", required=False),
        "url": check.text(source.get("url"), "source.url", required=False),
    }
    scales = doc.get("scales")
    result["scales"] = []
    if not isinstance(scales, list) or not scales:
        if "scales" in doc:
            check.fail("scales", "must be a list of one or more rating scales")
    else:
        seen: set[str] = set()
        for i, raw in enumerate(scales):
            path = f"scales[{i}]"
            scale = check.mapping(raw, path, SCALE_KEYS, "A scale")
            identifier = check.identifier(scale.get("identifier"), f"{path}.identifier")
            if identifier in seen:
                check.fail(f"{path}.identifier", f"scale identifier '{identifier}' is used twice")
            seen.add(identifier)
            result["scales"].append(
                {
                    "identifier": identifier,
                    "title": check.text(scale.get("title"), f"{path}.title"),
                    "descriptors_written_by": check.choice(
                        scale.get("descriptors_written_by"),
                        f"{path}.descriptors_written_by",
                        WRITTEN_BY,
                    ),
                    "levels": _levels(check, scale.get("levels"), f"{path}.levels"),
                }
            )
    scale_levels = {s["identifier"]: [lv["value"] for lv in s["levels"]] for s in result["scales"]}
    default_scale = result["scales"][0]["identifier"] if result["scales"] else ""
    identifiers: dict[str, str] = {}
    themes = doc.get("themes")
    result["themes"] = []
    if not isinstance(themes, list) or not themes:
        if "themes" in doc:
            check.fail("themes", "must be a list of one or more themes")
    else:
        for i, raw in enumerate(themes):
            path = f"themes[{i}]"
            theme = check.mapping(raw, path, THEME_KEYS, "A theme")
            identifier = check.identifier(theme.get("identifier"), f"{path}.identifier")
            _unique(check, identifiers, identifier, f"{path}.identifier")
            criteria = theme.get("criteria")
            if not isinstance(criteria, list) or not criteria:
                if "criteria" in theme:
                    check.fail(f"{path}.criteria", "a theme needs one or more criteria")
                criteria = []
            result["themes"].append(
                {
                    "identifier": identifier,
                    "title": check.text(theme.get("title"), f"{path}.title"),
                    "guidance": check.text(
                        theme.get("guidance"), f"{path}.guidance", required=False
                    ),
                    "paragraphs": check.references(theme.get("paragraphs"), f"{path}.paragraphs"),
                    "weight": check.weight(theme.get("weight"), f"{path}.weight"),
                    "criteria": [
                        _criterion(
                            check,
                            c,
                            f"{path}.criteria[{j}]",
                            identifiers,
                            scale_levels,
                            default_scale,
                        )
                        for j, c in enumerate(criteria)
                    ],
                }
            )
    check.raise_if_problems()
    return result


def _levels(check: _Checker, raw: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or len(raw) < 2:
        check.fail(path, "a scale needs two or more levels")
        return []
    levels = []
    previous: int | None = None
    for i, item in enumerate(raw):
        level_path = f"{path}[{i}]"
        level = check.mapping(item, level_path, LEVEL_KEYS, "A level")
        value = level.get("value")
        if isinstance(value, bool) or not isinstance(value, int):
            check.fail(f"{level_path}.value", f"must be a whole number, not '{value}'")
            value = None
        elif previous is not None and value <= previous:
            check.fail(f"{level_path}.value", f"levels must rise: {value} comes after {previous}")
        if value is not None:
            previous = value
        levels.append(
            {
                "value": value,
                "label": check.text(level.get("label"), f"{level_path}.label"),
                "descriptor": check.text(level.get("descriptor"), f"{level_path}.descriptor"),
            }
        )
    return levels


def _unique(check: _Checker, seen: dict[str, str], identifier: str, path: str) -> None:
    if not identifier:
        return
    if identifier in seen:
        check.fail(path, f"identifier '{identifier}' is already used at {seen[identifier]}")
    else:
        seen[identifier] = f"line {check.line(path)}"


def _criterion(
    check: _Checker,
    raw: Any,
    path: str,
    identifiers: dict[str, str],
    scale_levels: dict[str, list[int]],
    default_scale: str,
) -> dict[str, Any]:
    criterion = check.mapping(raw, path, CRITERION_KEYS, "A criterion")
    identifier = check.identifier(criterion.get("identifier"), f"{path}.identifier")
    _unique(check, identifiers, identifier, f"{path}.identifier")
    scale = criterion.get("scale", default_scale)
    if scale not in scale_levels:
        check.fail(f"{path}.scale", f"there is no scale '{scale}' in this framework")
        levels: list[int] = []
    else:
        levels = scale_levels[scale]
    rubric: dict[int, str] = {}
    raw_rubric = criterion.get("rubric")
    if raw_rubric is not None:
        if not isinstance(raw_rubric, dict):
            check.fail(f"{path}.rubric", "must map each level of the scale to a descriptor")
        else:
            for key, text in raw_rubric.items():
                if isinstance(key, bool) or not isinstance(key, int) or key not in levels:
                    check.fail(
                        f"{path}.rubric.{key}", f"'{key}' is not a level of the scale '{scale}'"
                    )
                else:
                    rubric[key] = check.text(text, f"{path}.rubric.{key}")
            missing = [v for v in levels if v not in raw_rubric]
            if missing:
                check.fail(
                    f"{path}.rubric",
                    "the rubric has no descriptor for level " + ", ".join(str(v) for v in missing),
                )
        if "rubric_written_by" not in criterion:
            check.fail(path, "a criterion with a rubric needs 'rubric_written_by'")
    written_by = ""
    if "rubric_written_by" in criterion:
        written_by = check.choice(
            criterion.get("rubric_written_by"), f"{path}.rubric_written_by", WRITTEN_BY
        )
        if raw_rubric is None:
            check.fail(f"{path}.rubric_written_by", "there is no rubric to attribute")
    children = criterion.get("criteria")
    if children is not None and (not isinstance(children, list) or not children):
        check.fail(f"{path}.criteria", "sub-criteria must be a list of one or more criteria")
        children = []
    return {
        "identifier": identifier,
        "title": check.text(criterion.get("title"), f"{path}.title"),
        "guidance": check.text(criterion.get("guidance"), f"{path}.guidance", required=False),
        "evidence": check.text_list(criterion.get("evidence"), f"{path}.evidence"),
        "weight": check.weight(criterion.get("weight"), f"{path}.weight"),
        "paragraphs": check.references(criterion.get("paragraphs"), f"{path}.paragraphs"),
        "scale": scale if scale in scale_levels else "",
        "rubric": rubric,
        "rubric_written_by": written_by,
        "criteria": [
            _criterion(check, c, f"{path}.criteria[{j}]", identifiers, scale_levels, default_scale)
            for j, c in enumerate(children or [])
        ],
    }


def parse_mapping(text: str, file: str) -> dict[str, Any]:
    """A version mapping file, checked for shape (its identifiers are checked when loaded)."""
    located = _compose(text, file)
    check = _Checker(located, file)
    doc = check.mapping(located.value, "", MAPPING_KEYS, "The mapping")
    result: dict[str, Any] = {
        "framework": check.identifier(doc.get("framework"), "framework"),
        "from_version": str(doc.get("from_version", "")),
        "to_version": str(doc.get("to_version", "")),
        "changes": [],
        "lines": {},
    }
    for key in ("from_version", "to_version"):
        if key in doc and (not isinstance(doc[key], str) or not VERSION.match(doc[key])):
            check.fail(key, f"'{doc[key]}' is not a version number in quotes, like \"1.0\"")
    changes = doc.get("changes")
    if not isinstance(changes, list) or not changes:
        if "changes" in doc:
            check.fail("changes", "must be a list of one or more changes")
        changes = []
    for i, raw in enumerate(changes):
        path = f"changes[{i}]"
        change = check.mapping(raw, path, CHANGE_KEYS, "A change")
        kind = check.choice(change.get("kind"), f"{path}.kind", MAPPING_KINDS)
        sides = {}
        for side in ("from", "to"):
            items = change.get(side)
            if not isinstance(items, list):
                if side in change:
                    check.fail(f"{path}.{side}", "must be a list of criterion identifiers")
                items = []
            sides[side] = [check.identifier(x, f"{path}.{side}[{j}]") for j, x in enumerate(items)]
        counts = (len(sides["from"]), len(sides["to"]))
        rule = {
            "same": counts == (1, 1) and sides["from"] == sides["to"],
            "renamed": counts == (1, 1) and sides["from"] != sides["to"],
            "split": counts[0] == 1 and counts[1] >= 2,
            "merged": counts[0] >= 2 and counts[1] == 1,
            "new": counts[0] == 0 and counts[1] >= 1,
            "retired": counts[0] >= 1 and counts[1] == 0,
        }
        if kind and not rule[kind]:
            check.fail(
                path,
                f"a '{kind}' change has the wrong number of identifiers "
                f"({counts[0]} from, {counts[1]} to): see the table in "
                "docs/how-to/write-a-framework.md",
            )
        result["changes"].append(
            {
                "kind": kind,
                "from": sides["from"],
                "to": sides["to"],
                "note": check.text(change.get("note"), f"{path}.note", required=False),
            }
        )
        result["lines"][i] = check.line(path)
    check.raise_if_problems()
    result["check"] = check
    return result
