"""The personal-data guard, as engagement asks it of every free text it keeps.

Engagement records organisations and roles only, never an individual's views (¶121–148 and the
rule the platform never crosses). `lde.core.personal_data` finds the obvious identifiers (email
addresses, phone numbers, National Insurance numbers, dates of birth, an address with a full
postcode). A forum's minutes are more likely to slip in another way: a person named by title
("Mr Khan", "Imam Ali", "Cllr Jones") or a view put in one person's mouth ("he said", "her
views"). Those two patterns are added here. Like the core guard, this reads patterns, not
meaning: a name written bare ("Tariq thinks") is not found, and the form says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from lde.core import personal_data

# A person named by a title and a capitalised name: staff, councillors and community members
# alike are recorded by their post or organisation here, never by name.
NAMED_BY_TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Cllr|Councillor|Imam|Sheikh|Shaykh|Maulana|Mufti|Rev|"
    r"Reverend|Father|Rabbi|Pastor|Canon|Sister|Brother|PC|PCSO|DC|DS|Sgt|Insp|Inspector|"
    r"Sergeant|Constable)\.?\s+[A-Z][a-z'’-]+",
)
# One person's views: a view put in a he or she's mouth, or theirs by possessive.
PERSONAL_VIEW = re.compile(
    r"\b(?:(?:he|she)\s+(?:said|says|thinks|thought|believes|believed|feels|felt|told|stated|"
    r"argued|complained|claimed|insisted|wants|wanted)|(?:his|her)\s+(?:views?|opinions?|"
    r"beliefs?|concerns?|politics|attitudes?))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Problem:
    kind: str
    text: str
    line: int


def problems_in(text: str) -> list[Problem]:
    """What the guard finds in one text, in the order it appears."""
    found = [Problem(f.kind, f.text, f.line) for f in personal_data.scan_text(text)]
    for pattern, kind in (
        (NAMED_BY_TITLE, "A person named by title"),
        (PERSONAL_VIEW, "One person's views"),
    ):
        for match in pattern.finditer(text or ""):
            line = text.count("\n", 0, match.start()) + 1
            found.append(Problem(kind, match.group(0), line))
    return found


def refusal(label: str, problems: list[Problem]) -> str:
    """Why a text was refused, in words that help the author put it right, with each finding
    masked (enough to find it again, never the identifier itself)."""
    shown = "; ".join(
        f"{p.kind.lower()} ({personal_data.masked(p.text)}, line {p.line})" for p in problems[:3]
    )
    more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
    return (
        f"{label} must not hold a person's views or details: the guard found {shown}{more}. "
        "Record organisations and roles only"
    )


def guard_texts(texts: dict[str, tuple[str, str]]) -> None:
    """Refuse, with a field error for each, any of `texts` (field -> (label, text)) in which the
    guard finds a person's identifiers or views."""
    errors = {}
    for field, (label, text) in texts.items():
        problems = problems_in(text)
        if problems:
            errors[field] = refusal(label, problems)
    if errors:
        raise ValidationError(errors)
