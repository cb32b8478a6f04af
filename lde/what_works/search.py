"""Full-text search over the library, on whichever database the platform runs.

Each entry's searchable words are written to `Entry.search_text` by the services on every save
(`entry_index`). On SQLite a full-text table (FTS5, created by migration 0002, Porter stemming)
holds the same text under the entry's id, kept in step by `entry_index`, and is ranked by BM25;
on PostgreSQL the text is matched by `to_tsvector('english', …)` against a web-search query,
under the GIN index of migration 0002, and ranked by `ts_rank`. `matching_ids` chooses by
`connection.vendor`; the rest of the library does not know which ran.

The person's words never reach either engine as syntax: each is reduced to its letters and
digits and quoted (SQLite) or passed as a plain web-search query (PostgreSQL), so a quote or a
bracket cannot break the search. Highlighting is done here in Python over escaped text, so a
title cannot put markup on the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lde.what_works.models import (
    EMMIE,
    Audience,
    Design,
    EffectDirection,
    Entry,
    EntryKind,
    Setting,
    Strand,
)

WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12  # a search of more words than this is a paste, not a query
SNIPPET = 240


def search_words(text: str) -> list[str]:
    """The words of a search, lower-cased, in order, each once, at most MAX_WORDS."""
    seen: list[str] = []
    for word in WORD.findall(text.lower()):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_WORDS]


def entry_search_text(entry: Entry) -> str:
    """Every word a search should find the entry by: its own texts and its labels in words."""
    parts: list[str] = [entry.title, entry.summary, entry.source, entry.paragraphs]
    parts += [str(getattr(entry, name)) for name in EMMIE]
    parts.append(str(EntryKind(entry.kind).label))
    parts.append(str(Setting(entry.setting).label))
    parts.append(str(Design(entry.design).label))
    parts.append(str(EffectDirection(entry.effect_direction).label))
    parts += [str(Strand(s).label) for s in entry.strand_list if s in Strand.values]
    parts += [str(Audience(a).label) for a in entry.audience_list if a in Audience.values]
    if entry.project is not None:
        parts.append(entry.project.title)
    return "\n".join(p for p in parts if p)


def entry_index(entry: Entry) -> None:
    """Write the entry's searchable text, and on SQLite its row of the full-text table."""
    entry.search_text = entry_search_text(entry)
    Entry.objects.filter(pk=entry.pk).update(search_text=entry.search_text)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM what_works_entry_fts WHERE rowid = %s", [entry.pk])
            cursor.execute(
                "INSERT INTO what_works_entry_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [entry.pk, entry.title, entry.search_text],
            )


def index_rebuild(**_signal: object) -> int:
    """Write the full-text table again from the entries' saved text: after a restore
    (lde.core.backup.restored), which loads the entries but not the table it does not manage.
    On PostgreSQL the index is over the entries' own column, restored with them."""
    if connection.vendor != "sqlite":
        return 0
    rows = list(Entry.objects.order_by("pk").values_list("pk", "title", "search_text"))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM what_works_entry_fts")
        cursor.executemany(
            "INSERT INTO what_works_entry_fts (rowid, title, body) VALUES (%s, %s, %s)", rows
        )
    return len(rows)


def _sqlite_ids(words: list[str]) -> list[int]:
    # Each word quoted and matched as a prefix: "school"* finds schools and schooling.
    query = " ".join(f'"{w}"*' for w in words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM what_works_entry_fts WHERE what_works_entry_fts MATCH %s "
            "ORDER BY bm25(what_works_entry_fts, 5.0, 1.0), rowid",
            [query],
        )
        return [int(row[0]) for row in cursor.fetchall()]


def _postgresql_ids(words: list[str]) -> list[int]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector("search_text", config="english")
    query = SearchQuery(" ".join(words), search_type="websearch", config="english")
    return list(
        Entry.objects.annotate(document=vector)
        .filter(document=query)
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "pk")
        .values_list("pk", flat=True)
    )


def matching_ids(text: str) -> list[int] | None:
    """The ids of every entry the words of `text` find, best first; None when `text` has no
    words (no search: every entry). One query on either database."""
    words = search_words(text)
    if not words:
        return None
    if connection.vendor == "postgresql":
        return _postgresql_ids(words)
    return _sqlite_ids(words)


def highlight(text: str, words: Iterable[str]) -> SafeString:
    """`text` escaped, with each word that begins with one of `words` in <mark>."""
    stems = [w for w in words if w]
    if not stems:
        return escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in stems) + r")\w*", re.IGNORECASE)
    out: list[str] = []
    last = 0
    for found in pattern.finditer(text):
        out.append(escape(text[last : found.start()]))
        out.append(f"<mark>{escape(found.group(0))}</mark>")
        last = found.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above was escaped


def snippet(text: str, words: Iterable[str], length: int = SNIPPET) -> SafeString:
    """A piece of `text` around the first word found, highlighted; the start if none is."""
    wanted = [w for w in words if w]
    start = 0
    if wanted:
        first = re.search(
            r"\b(" + "|".join(re.escape(w) for w in wanted) + r")", text, re.IGNORECASE
        )
        if first:
            start = max(0, first.start() - length // 3)
            space = text.rfind(" ", 0, start)
            start = space + 1 if start and space >= 0 else start
    piece = text[start : start + length]
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(text) else ""
    return mark_safe(escape(prefix) + highlight(piece, wanted) + escape(suffix))  # noqa: S308
