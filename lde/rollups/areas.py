"""Reading area data and finding each area's nearest neighbours.

Two CSV files: the variables' declaration (name, label, source, licence, protected, and an
optional weight) and the figures (a `gss_code` column, then one column per declared variable).
Everything is checked before anything is computed, and every problem is named by file, row and
column, so that the person importing can fix them all at once.

The neighbours follow CIPFA's nearest-neighbour model: every variable is standardised (z-scores,
so that a percentage and a density weigh alike), the distance between two areas is the
Euclidean distance over the weighted z-scores, and each area keeps its 15 nearest. A pair's
"why close" is each variable's contribution to their squared distance: the smallest are what
brings them together.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from lde.core import limits
from lde.rollups.models import NEIGHBOURS
from lde.sharing.models import ProtectedCharacteristic

MAX_BYTES = 5_000_000
GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")
CODE_COLUMN = "gss_code"
DECLARATION_COLUMNS = ("name", "label", "source", "licence", "protected")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}

# The words, besides those of each characteristic's own name in the information-source
# catalogue's list (lde.sharing.models.ProtectedCharacteristic), by which a variable describes
# it. A variable whose name or label holds any of them is refused even if declared not to
# describe a protected characteristic: the domain's line is that no place is ever rated by the
# religion or ethnicity of its people, whatever a column is called.
OTHER_WORDS: Mapping[str, tuple[str, ...]] = {
    ProtectedCharacteristic.AGE: ("aged", "ages", "elderly", "pensioners", "pensionable"),
    ProtectedCharacteristic.DISABILITY: ("disabled", "disabilities", "impairment", "impaired"),
    ProtectedCharacteristic.GENDER_REASSIGNMENT: ("transgender", "trans", "gender", "genders"),
    ProtectedCharacteristic.MARRIAGE: (
        "married",
        "marital",
        "spouse",
        "civil partnership",
        "civil partnerships",
        "civil partner",
    ),
    ProtectedCharacteristic.PREGNANCY: ("pregnant", "pregnancies", "maternal"),
    ProtectedCharacteristic.RACE: (
        "ethnic",
        "ethnicity",
        "ethnicities",
        "races",
        "racial",
        "bame",
        "bme",
        "asian",
        "black",
        "white",
        "colour",
        "nationality",
        "nationalities",
        "migrant",
        "migrants",
        "heritage",
        "national origin",
        "national origins",
    ),
    ProtectedCharacteristic.RELIGION: (
        "religious",
        "religions",
        "faith",
        "faiths",
        "beliefs",
        "muslim",
        "muslims",
        "islam",
        "islamic",
        "christian",
        "christians",
        "jewish",
        "jews",
        "hindu",
        "hindus",
        "sikh",
        "sikhs",
        "buddhist",
        "buddhists",
        "mosque",
        "mosques",
        "church",
        "synagogue",
        "atheist",
    ),
    ProtectedCharacteristic.SEX: ("male", "female", "males", "females", "men", "women", "sexes"),
    ProtectedCharacteristic.SEXUAL_ORIENTATION: (
        "sexuality",
        "gay",
        "lesbian",
        "bisexual",
        "lgb",
        "lgbt",
        "lgbtq",
        "heterosexual",
        "homosexual",
    ),
}
# Words of the characteristics' names that say nothing on their own ("civil" and "national" are
# matched only in the phrases above).
_NOT_CHARACTERISTIC_WORDS = {
    "and",
    "or",
    "including",
    "national",
    "origins",
    "civil",
    "partnership",
    "orientation",
}


def _words(text: str) -> list[str]:
    # "ReligionShare", "pct_religion", "religion-share" all give "religion".
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]


def _characteristic_words() -> dict[str, str]:
    """Each word that names a protected characteristic, to the characteristic's label."""
    found: dict[str, str] = {}
    for characteristic in ProtectedCharacteristic:
        label = str(characteristic.label)
        own = _words(characteristic.value) + _words(label)
        for word in [*own, *OTHER_WORDS.get(characteristic, ())]:
            if word not in _NOT_CHARACTERISTIC_WORDS:
                found.setdefault(word, label)
    return found


CHARACTERISTIC_WORDS = _characteristic_words()


def characteristic_named(*texts: str) -> str | None:
    """The protected characteristic a variable's name or label describes, if any: a word of
    it, or a phrase ("civil partnership"), matched whole, so "average" is not "age"."""
    for text in texts:
        padded = f" {' '.join(_words(text))} "
        for words, label in CHARACTERISTIC_WORDS.items():
            if f" {words} " in padded:
                return label
    return None


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    source: str
    licence: str
    weight: float

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "source": self.source,
            "licence": self.licence,
            "weight": self.weight,
        }


@dataclass(frozen=True)
class AreaData:
    variables: list[Variable]
    values: dict[str, list[float]]  # gss code -> figures in the variables' order


class Refused(Exception):
    """The files' problems by field ("file" for the figures, "variables" for the
    declaration), each naming its row and column."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for ms in problems.values() for m in ms))
        self.problems = problems


def _rows(data: bytes, what: str, problems: list[str]) -> list[dict[str, str]] | None:
    if len(data) > MAX_BYTES:
        problems.append(f"{what}: the file is larger than {MAX_BYTES:,} bytes")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(f"{what}: the file is not UTF-8 text (save it as CSV UTF-8)")
        return None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        problems.append(f"{what}: the file is empty")
        return None
    reader.fieldnames = [(name or "").strip() for name in reader.fieldnames]
    try:
        return list(reader)
    except csv.Error as error:
        problems.append(f"{what}: not a CSV file ({error})")
        return None


def _declared(data: bytes) -> tuple[list[Variable], list[str], set[str]]:
    """The variables declared, the problems, and the names declared but refused."""
    problems: list[str] = []
    rows = _rows(data, "Variables", problems)
    if rows is None:
        return [], problems, set()
    missing = [c for c in DECLARATION_COLUMNS if c not in (rows[0].keys() if rows else ())]
    if not rows:
        return [], ["Variables: the file declares no variables"], set()
    if missing:
        return [], [f"Variables: the column {c!r} is missing" for c in missing], set()
    variables: list[Variable] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        where = f"Variables row {number}"
        name = (row.get("name") or "").strip()
        label = (row.get("label") or "").strip()
        protected = (row.get("protected") or "").strip().lower()
        if not name:
            problems.append(f"{where}, column 'name': enter the variable's name")
            continue
        if name in seen:
            problems.append(
                f"{where}, column 'name': {name!r} is declared twice (also row {seen[name]})"
            )
            continue
        seen[name] = number
        incomplete = False
        for column in ("label", "source", "licence"):
            text = (row.get(column) or "").strip()
            incomplete = incomplete or not text or len(text) > limits.TITLE
            if not text:
                problems.append(
                    f"{where}, column {column!r}: enter the {name!r} variable's {column}"
                )
            elif len(text) > limits.TITLE:
                problems.append(
                    f"{where}, column {column!r}: {limits.too_long(column, limits.TITLE)}"
                )
        if protected in YES:
            problems.append(
                f"{where}, column 'protected': {name!r} describes a protected characteristic; "
                "no area is compared by a protected characteristic of its people"
            )
            continue
        if protected not in NO:
            problems.append(f"{where}, column 'protected': answer yes or no, not {protected!r}")
            continue
        characteristic = characteristic_named(name, label)
        if characteristic is not None:
            problems.append(
                f"{where}, columns 'name' and 'label': {name!r} ({label}) describes a "
                f"protected characteristic ({characteristic}), though declared not to; no area "
                "is compared by a protected characteristic of its people"
            )
            continue
        if incomplete:
            continue
        weight = 1.0
        raw_weight = (row.get("weight") or "").strip()
        if raw_weight:
            try:
                weight = float(raw_weight)
            except ValueError:
                weight = math.nan
            if not math.isfinite(weight) or weight <= 0:
                problems.append(f"{where}, column 'weight': {raw_weight!r} is not a number above 0")
                continue
        variables.append(
            Variable(
                name=name[: limits.TITLE],
                label=label[: limits.TITLE],
                source=(row.get("source") or "").strip()[: limits.TITLE],
                licence=(row.get("licence") or "").strip()[: limits.TITLE],
                weight=weight,
            )
        )
    kept = {v.name for v in variables}
    return variables, problems, set(seen) - kept


def read(data: bytes, declaration: bytes, known_codes: Iterable[str]) -> AreaData:
    """The area data, checked: raises `Refused` naming every problem."""
    variables, variable_problems, refused_names = _declared(declaration)
    problems: list[str] = []
    rows = _rows(data, "Area data", problems)
    if rows is not None:
        columns = list(rows[0].keys()) if rows else []
        if not rows:
            problems.append("Area data: the file has no areas")
        elif CODE_COLUMN not in columns:
            problems.append(f"Area data: the column {CODE_COLUMN!r} is missing")
        else:
            _check_figures(rows, columns, variables, refused_names, set(known_codes), problems)
    if problems or variable_problems:
        found: dict[str, list[str]] = {}
        if problems:
            found["file"] = problems
        if variable_problems:
            found["variables"] = variable_problems
        raise Refused(found)
    assert rows is not None
    names = [v.name for v in variables]
    values = {row[CODE_COLUMN].strip(): [float(row[name]) for name in names] for row in rows}
    return AreaData(variables=variables, values=values)


def _check_figures(
    rows: list[dict[str, str]],
    columns: list[str],
    variables: list[Variable],
    refused_names: set[str],
    known: set[str],
    problems: list[str],
) -> None:
    declared = {v.name for v in variables}
    figures = [c for c in columns if c != CODE_COLUMN]
    for column in figures:
        if column in refused_names:
            problems.append(
                f"Area data, column {column!r}: refused with its declaration (see the variables)"
            )
        elif column not in declared and characteristic_named(column):
            problems.append(
                f"Area data, column {column!r}: describes a protected characteristic "
                f"({characteristic_named(column)}); no area is compared by a protected "
                "characteristic of its people"
            )
        elif column not in declared:
            problems.append(
                f"Area data, column {column!r}: not declared in the variables file; declare it, "
                "saying whether it describes a protected characteristic"
            )
    for variable in variables:
        if variable.name not in columns:
            problems.append(f"Area data: the declared variable {variable.name!r} has no column")
    seen: dict[str, int] = {}
    numbers: dict[str, list[float]] = {v.name: [] for v in variables if v.name in columns}
    for number, row in enumerate(rows, start=2):
        code = (row.get(CODE_COLUMN) or "").strip().upper()
        where = f"Area data row {number}"
        if not GSS_CODE.match(code):
            problems.append(
                f"{where}, column {CODE_COLUMN!r}: {code[:20]!r} is not a GSS code "
                "(a letter and eight digits, such as E06000001)"
            )
        elif code not in known:
            problems.append(
                f"{where}, column {CODE_COLUMN!r}: {code} is an unknown GSS code: no partnership "
                "covers it"
            )
        elif code in seen:
            problems.append(
                f"{where}, column {CODE_COLUMN!r}: {code} is duplicated (also row {seen[code]})"
            )
        else:
            seen[code] = number
        row[CODE_COLUMN] = code
        for name in numbers:
            raw = (row.get(name) or "").strip()
            if not raw:
                problems.append(f"{where}, column {name!r}: the value is missing")
                continue
            try:
                value = float(raw)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                problems.append(f"{where}, column {name!r}: {raw[:20]!r} is not a number")
                continue
            numbers[name].append(value)
    for name, found in numbers.items():
        if len(found) == len(rows) and len(set(found)) == 1 and len(rows) > 1:
            problems.append(
                f"Area data, column {name!r}: every area has the same value ({found[0]:g}), "
                "so it cannot tell areas apart"
            )
    if len(rows) < 2 and not problems:
        problems.append("Area data: at least two areas are needed to compare")


@dataclass(frozen=True)
class Neighbours:
    """For area i (in `codes` order), its neighbours' indices, distances and each variable's
    contribution to the squared distance, nearest first."""

    codes: list[str]
    index: np.ndarray  # (n, k) ints; -1 where an area has fewer than k candidates
    distance: np.ndarray  # (n, k)
    contributions: np.ndarray  # (n, k, variables)


def nearest(
    values: Mapping[str, list[float]],
    weights: list[float],
    owners: Mapping[str, int],
    k: int = NEIGHBOURS,
) -> Neighbours:
    """Every area's k nearest, for all areas at once. Areas of the same partnership are not
    each other's neighbours (nor is an area its own). Ties are broken by GSS code."""
    codes = sorted(values)
    x = np.array([values[c] for c in codes], dtype=float)
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    scaled = z * np.sqrt(np.asarray(weights, dtype=float))
    # Squared differences for every pair and variable: n * n * variables floats (350 areas of
    # 10 variables: 10 MB), exact where the |a|^2 + |b|^2 - 2ab expansion would cancel.
    squares = (scaled[:, None, :] - scaled[None, :, :]) ** 2
    d2 = squares.sum(axis=2)
    owner = np.array([owners[c] for c in codes])
    d2[owner[:, None] == owner[None, :]] = np.inf
    k = min(k, len(codes) - 1)
    order = np.argsort(d2, axis=1, kind="stable")[:, :k]
    rows = np.arange(len(codes))[:, None]
    chosen = d2[rows, order]
    index = np.where(np.isfinite(chosen), order, -1)
    return Neighbours(
        codes=codes,
        index=index,
        distance=np.sqrt(np.where(np.isfinite(chosen), chosen, 0.0)),
        contributions=squares[rows, order],
    )
