"""The pieces of `lde bench load` at a tiny size, without starting any process: the people it
signs in can open every page it sends them to, and what it reads back from locust's CSV and
gunicorn's access log is read right. The run itself (two instances, two workers, locust) is
`scripts/with-postgres .venv/bin/lde bench load`, never part of the suite."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from django.test import Client, override_settings

from benchmarks.load import (
    ACCESS_LINE,
    ACCESS_LOG_FORMAT,
    PERSONAS,
    USER_AGENT,
    _personas,
    _stats,
)
from benchmarks.national import generate_national
from benchmarks.services_running import postgres_required

pytestmark = pytest.mark.django_db


def test_every_persona_opens_every_page_of_its_role() -> None:
    world = generate_national(partnerships=6, users=300, seed=1)
    key = secrets.token_urlsafe(48)
    personas = _personas(world, key)
    roles = {p["role"] for p in personas}
    assert roles == set(PERSONAS)
    tried = set()
    with override_settings(SECRET_KEY=key):
        for persona in personas:
            if persona["role"] in tried:
                continue
            tried.add(persona["role"])
            for page in persona["pages"]:
                headers = (
                    {"Authorization": f"Bearer {persona['token']}"}
                    if page["api"]
                    else {"Cookie": persona["cookie"]}
                )
                response = Client().get(page["path"], headers=headers)
                assert response.status_code == 200, (persona["role"], page["path"])
    assert tried == set(PERSONAS)


def test_locusts_csv_and_gunicorns_log_are_read_as_written(tmp_path: Path) -> None:
    header = (
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
        "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,"
        "75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
    )
    rows = [
        "GET,home,10,1,120,130.5,20.1,400.2,9000,2.5,0.1,120,130,140,150,200,300,350,400,400,400,400",
        ",Aggregated,10,1,120,130.5,20.1,400.2,9000,2.5,0.1,120,130,140,150,200,300,350,400,400,400,400",
    ]
    (tmp_path / "run_stats.csv").write_text("\n".join([header, *rows]) + "\n")
    (tmp_path / "run_failures.csv").write_text(
        "Method,Name,Error,Occurrences\nGET,home,302 from /,1\n"
    )
    overall, pages, failures = _stats(tmp_path / "run")
    assert (overall["requests"], overall["errors"], overall["median_ms"], overall["p95_ms"]) == (
        10,
        1,
        120.0,
        300.0,
    )
    assert list(pages) == ["home"]
    assert failures == [{"page": "home", "error": "302 from /", "count": 1}]
    # A line as gunicorn writes it with ACCESS_LOG_FORMAT: host, time, request, status, agent, ms.
    assert ACCESS_LOG_FORMAT.endswith("%(M)s")
    line = (
        '127.0.0.1 [06/Dec/2026:19:48:49 +0000] "GET /partnerships/5/ HTTP/1.1" 200 '
        f'"{USER_AGENT}" 37'
    )
    match = ACCESS_LINE.search(line)
    assert match is not None
    assert (match[1], match[2], match[3]) == ("/partnerships/5/", "200", "37")
    assert ACCESS_LINE.search(line.replace(USER_AGENT, "-")) is None


def test_the_load_and_faults_benchmarks_refuse_sqlite() -> None:
    from unittest import mock

    from django.db import connection

    with (
        mock.patch.object(connection, "vendor", "sqlite"),
        pytest.raises(SystemExit, match="needs PostgreSQL"),
    ):
        postgres_required("load")
    with mock.patch.object(connection, "vendor", "postgresql"):
        postgres_required("load")
