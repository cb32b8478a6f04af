"""`lde bench load`: two web instances and two workers on one PostgreSQL, under 50 people at once.

    scripts/with-postgres .venv/bin/lde bench load

On the national data (PostgreSQL only: several processes share the database), `measure` starts
the service as it is deployed (`benchmarks/services_running.py`): two `lde serve` instances
(gunicorn, config.settings.production, DEBUG off) on two loopback ports and two `lde worker`
processes. It signs in real roles of the generated world — coordinators, viewers, inspectors
and national analysts (sessions made in the database, past the second factor; API tokens made as
`lde bench assessments` makes them) — checks that every page each of them opens answers 200 on
both instances, then runs locust headless in its own process (`benchmarks/load_locustfile.py`):
`--clients` people (50) for `--seconds` (60), started `--spawn-rate` a second, split evenly across
the two instances, each opening its role's pages and API reads one after another with a pause of
`--wait-min`–`--wait-max` seconds between, as someone reading them would.

Meanwhile the bench process queues `--emails` emails (as `lde.core.mail.email_queue` does: a
row and its task, in one transaction), spread over the run, for the two workers to send. Emails
go to the console backend, so every message delivered is printed in a worker's log; at the end
the run counts, per email, the messages printed across both logs (`delivered_twice`, 0) and the
task rows claimed more than once (`tasks_run_twice`, 0: claims are
`SELECT … FOR UPDATE SKIP LOCKED`).

Figures (from locust's CSV, in milliseconds, over every request of the run, the ramp included):
`requests`, `errors`, `requests_per_second`, `median_ms`, `p95_ms`, `p99_ms`, `max_ms`, overall
and per page (`pages`); `requests_by_instance` from the gunicorn access logs. Target: no errors
and `p95_ms` within 300 ms. locust reports its percentiles rounded to two significant figures.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from argparse import ArgumentParser
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from benchmarks.console import Console
from benchmarks.harness import Benchmark
from benchmarks.machine import cpu_times, cpu_use_between
from benchmarks.national import NationalWorld
from benchmarks.services_running import Deployment, deployment, free_port, get, postgres_required
from benchmarks.services_running import sessions_signed_with as signed_sessions
from benchmarks.timing import spread
from lde.accounts.models import ApiToken, User
from lde.core.access.roles import Role
from lde.core.mail import EmailStatus, OutgoingEmail
from lde.partnerships.models import Assignment

NAME = "load"
TARGET_P95_MS = 300.0
LOCUSTFILE = Path(__file__).resolve().parent / "load_locustfile.py"
EMAIL_KIND = "benchmarks/load"
# Sent by locust's people and named in the instances' access logs, to tell their requests from
# the checks made before the run.
USER_AGENT = "lde-bench-load"
# gunicorn's access log with each request's time in the worker (`%(M)s`, milliseconds): the
# server's own time, apart from the wait in the listening socket's queue that locust also sees.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s "%(a)s" %(M)s'
ACCESS_LINE = re.compile(r'"GET (\S+) HTTP/[\d.]+" (\d+) "' + USER_AGENT + r'" (\d+)$')
EMAIL_DOMAIN = "load.synthetic.invalid"
# How many of each role are signed in (the people of the run take them in turn).
PERSONAS = {"coordinator": 20, "viewer": 10, "inspector": 5, "national_analyst": 5}


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--clients", type=int, default=50, help="People at once (default 50).")
    parser.add_argument(
        "--spawn-rate", type=float, default=10, help="People started a second (default 10)."
    )
    parser.add_argument("--seconds", type=int, default=60, help="Length of the run (default 60).")
    parser.add_argument(
        "--wait-min", type=float, default=1.0, help="Least pause between pages (default 1 s)."
    )
    parser.add_argument(
        "--wait-max", type=float, default=3.0, help="Longest pause between pages (default 3 s)."
    )
    parser.add_argument(
        "--emails", type=int, default=300, help="Emails queued during the run (default 300)."
    )
    parser.add_argument(
        "--gunicorn-workers",
        type=int,
        default=2,
        help="gunicorn workers in each of the two instances (default 2, `lde serve`'s).",
    )


def check_postgres(world: NationalWorld, options: Mapping[str, Any], done: Any) -> None:
    """The benchmark's `extend`: nothing to add, but refuse SQLite before anything is started."""
    postgres_required(NAME)


def _page(name: str, path: str, *, api: bool = False) -> dict[str, Any]:
    return {"name": name, "path": path, "api": api}


def _pages(role: str, partnership_id: int | None) -> list[dict[str, Any]]:
    """The pages and API reads a person in `role` opens, of `partnership_id` where it has one."""
    pages = [
        _page("home", reverse("core:home")),
        _page("partnership_list", reverse("partnerships:partnership-list")),
        _page("api_me", "/api/v1/me", api=True),
    ]
    if partnership_id is not None:
        p = partnership_id
        pages += [
            _page("partnership_detail", reverse("partnerships:partnership-detail", args=[p])),
            _page("members", reverse("partnerships:membership-list", args=[p])),
            _page("actions", reverse("action_plans:action-list", args=[p])),
            _page("api_partnership", f"/api/v1/partnerships/{p}", api=True),
            _page("api_memberships", f"/api/v1/partnerships/{p}/memberships", api=True),
        ]
        if role == "coordinator":
            pages.append(_page("posts", reverse("partnerships:post-list", args=[p])))
    return pages


def _people(world: NationalWorld) -> list[tuple[str, int, int | None]]:
    """(role, user id, partnership id or None) for each persona, chosen the same way every run."""
    people: list[tuple[str, int, int | None]] = []
    for role, count in (("coordinator", Role.COORDINATOR), ("viewer", Role.VIEWER)):
        chosen = 0
        for partnership_id in world.partnership_ids:
            holders = world.role_holders(count, partnership_id)
            if holders and chosen < PERSONAS[role]:
                people.append((role, holders[0], partnership_id))
                chosen += 1
    covered = dict(
        Assignment.objects.filter(user_id__in=world.inspector_ids, ends_on__gte=world.day)
        .values_list("user_id", "partnerships")
        .order_by("user_id", "partnerships")
    )
    for user_id in world.inspector_ids[: PERSONAS["inspector"]]:
        people.append(("inspector", user_id, covered.get(user_id)))
    for user_id in world.national_analyst_ids[: PERSONAS["national_analyst"]]:
        people.append(("national_analyst", user_id, None))
    return people


def _personas(world: NationalWorld, secret_key: str) -> list[dict[str, Any]]:
    people = _people(world)
    users = User.objects.in_bulk([u for _, u, _ in people])
    cookies = signed_sessions(secret_key, list(users.values()))
    personas = []
    for role, user_id, partnership_id in people:
        raw, digest = ApiToken.generate()
        ApiToken.objects.create(
            user_id=user_id, name="Synthetic load token", digest=digest, hint=raw[:8]
        )
        personas.append(
            {
                "role": role,
                "cookie": cookies[user_id],
                "token": raw,
                "pages": _pages(role, partnership_id),
            }
        )
    return personas


def _preflight(hosts: list[str], personas: list[dict[str, Any]]) -> dict[str, Any]:
    """Every page of every persona, once on each instance: all must answer 200 (else the run
    would measure refusals). Also warms each gunicorn worker's imports and templates."""
    refused = []
    opened = 0
    for host in hosts:
        for persona in personas:
            for page in persona["pages"]:
                headers = (
                    {"Authorization": f"Bearer {persona['token']}"}
                    if page["api"]
                    else {"Cookie": persona["cookie"]}
                )
                status, _ = get(host, page["path"], headers)
                opened += 1
                if status != 200:
                    refused.append(f"{persona['role']} {page['path']} on {host}: {status}")
    if refused:
        raise SystemExit("Pages not answering 200 before the run:\n  " + "\n  ".join(refused))
    return {"requests": opened, "all_200": True}


def _queue_emails(count: int, seconds: float, stop: threading.Event) -> None:
    """Queue `count` emails evenly over `seconds`, each as `email_queue` queues one."""
    from lde.core.tasks import email_deliver

    try:
        for number in range(count):
            if stop.wait(seconds / max(count, 1)):
                break
            with transaction.atomic():
                email = OutgoingEmail.objects.create(
                    kind=EMAIL_KIND,
                    to=f"load-{number:05d}@{EMAIL_DOMAIN}",
                    subject=f"Synthetic load email {number}",
                    body="Synthetic: sent during lde bench load.",
                )
                email_deliver.enqueue(email.pk)
    finally:
        connection.close()


def _locust(
    plan: Path, hosts: list[str], options: Mapping[str, Any], folder: Path
) -> tuple[int, Path]:
    prefix = folder / "locust"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(options["clients"]),
        "--spawn-rate",
        str(options["spawn_rate"]),
        "--run-time",
        f"{options['seconds']}s",
        "--host",
        hosts[0],
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    with (folder / "locust.log").open("wb") as log:
        completed = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            command,
            env={**Deployment(folder=folder).environment(), "LDE_LOAD_PLAN": str(plan)},
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return completed.returncode, prefix


def _figures(row: Mapping[str, str]) -> dict[str, Any]:
    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "requests_per_second": round(float(row["Requests/s"]), 2),
        "median_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "max_ms": round(float(row["Max Response Time"]), 1),
        "mean_ms": round(float(row["Average Response Time"]), 1),
    }


def _stats(prefix: Path) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    overall = next(_figures(r) for r in rows if r["Name"] == "Aggregated")
    pages = {r["Name"]: _figures(r) for r in rows if r["Name"] != "Aggregated"}
    failures_file = Path(f"{prefix}_failures.csv")
    failures = []
    if failures_file.exists():
        with failures_file.open(encoding="utf-8") as rows_file:
            failures = [
                {"page": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])}
                for r in csv.DictReader(rows_file)
            ]
    return overall, pages, failures


def _wait_for_emails(count: int, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        waiting = (
            OutgoingEmail.objects.filter(kind=EMAIL_KIND)
            .exclude(status__in=[EmailStatus.SENT, EmailStatus.FAILED])
            .count()
        )
        if waiting == 0:
            break
        time.sleep(0.5)
    return round(time.monotonic() - started, 1)


def _tasks(deployed: Deployment, workers: list[str], queued: int) -> dict[str, Any]:
    """What the two workers did, from the database and from their logs."""
    delivered: Counter[str] = Counter()
    by_worker = {}
    pattern = re.compile(rf"^To: (load-\d+@{re.escape(EMAIL_DOMAIN)})$", re.MULTILINE)
    for name in workers:
        found = pattern.findall(deployed.log(name).read_text(encoding="utf-8", errors="replace"))
        by_worker[name] = len(found)
        delivered.update(found)
    results = list(DBTaskResult.objects.values("status", "worker_ids"))
    sent = OutgoingEmail.objects.filter(kind=EMAIL_KIND, status=EmailStatus.SENT).count()
    return {
        "emails_queued": queued,
        "emails_sent": sent,
        "emails_delivered": sum(delivered.values()),
        "delivered_by_worker": by_worker,
        "delivered_twice": sum(1 for n in delivered.values() if n > 1),
        "tasks_run": sum(1 for r in results if r["worker_ids"]),
        "tasks_run_twice": sum(1 for r in results if len(r["worker_ids"]) > 1),
        "tasks_by_status": dict(Counter(r["status"] for r in results)),
    }


def _server_times(
    deployed: Deployment, instances: list[str], personas: list[dict[str, Any]]
) -> tuple[dict[str, int], dict[str, Any]]:
    """Requests each instance served to locust, and the server's time for them: overall and by
    page, from the instances' access logs."""
    name_of = {page["path"]: page["name"] for p in personas for page in p["pages"]}
    by_instance: dict[str, int] = {}
    times: dict[str, list[float]] = {}
    for instance in instances:
        text = deployed.log(instance).read_text(encoding="utf-8", errors="replace")
        found = [m for m in map(ACCESS_LINE.search, text.splitlines()) if m]
        by_instance[instance] = len(found)
        for match in found:
            path = str(match[1])
            times.setdefault(name_of.get(path, path), []).append(float(match[3]))
    every = [t for page in times.values() for t in page]
    server = {
        "overall": spread(every) if every else {},
        "pages": {name: spread(page) for name, page in sorted(times.items())},
    }
    return by_instance, server


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    postgres_required(NAME)
    folder = Path(tempfile.mkdtemp(prefix="lde-load-"))
    console.line(f"Logs in {folder}")
    instances, workers = ["web-1", "web-2"], ["worker-1", "worker-2"]
    gunicorn = {"GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_LOG_FORMAT}'"}
    with deployment(folder, gunicorn) as deployed:
        personas = _personas(world, deployed.secret_key)
        started = time.perf_counter()
        hosts = [
            deployed.serve(name, free_port(), gunicorn_workers=options["gunicorn_workers"])
            for name in instances
        ]
        for name in workers:
            deployed.worker(name)
        console.line(
            f"Started {', '.join(hosts)} and two workers in {time.perf_counter() - started:.1f} s."
        )
        preflight = _preflight(hosts, personas)
        plan = folder / "plan.json"
        plan.write_text(
            json.dumps(
                {
                    "hosts": hosts,
                    "personas": personas,
                    "wait_min_s": options["wait_min"],
                    "wait_max_s": options["wait_max"],
                    "user_agent": USER_AGENT,
                }
            ),
            encoding="utf-8",
        )
        stop = threading.Event()
        mailer = threading.Thread(
            target=_queue_emails, args=(options["emails"], options["seconds"] * 0.9, stop)
        )
        console.line(
            f"locust: {options['clients']} people for {options['seconds']} s across both instances."
        )
        mailer.start()
        cpu_at_start = cpu_times()
        try:
            exit_code, prefix = _locust(plan, hosts, options, folder)
        finally:
            stop.set()
            mailer.join()
        cpu_during_run = cpu_use_between(cpu_at_start, cpu_times())
        drained_s = _wait_for_emails(options["emails"], timeout=60)
        for name in [*instances, *workers]:
            deployed.stop(name)
        overall, pages, failures = _stats(prefix)
        tasks = _tasks(deployed, workers, options["emails"])
        by_instance, server = _server_times(deployed, instances, personas)
    console.line(
        f"{overall['requests']} requests, {overall['errors']} errors, "
        f"{overall['requests_per_second']} a second; median {overall['median_ms']} ms, "
        f"p95 {overall['p95_ms']} ms. Tasks run {tasks['tasks_run']}, twice "
        f"{tasks['tasks_run_twice']}; emails delivered twice {tasks['delivered_twice']}."
    )
    return {
        "settings": {
            "instances": len(instances),
            "gunicorn_workers_each": options["gunicorn_workers"],
            "task_workers": len(workers),
            "django_settings": "config.settings.production",
            "clients": options["clients"],
            "spawn_rate": options["spawn_rate"],
            "seconds": options["seconds"],
            "wait_s": [options["wait_min"], options["wait_max"]],
            "personas": dict(Counter(p["role"] for p in personas)),
            "locust_exit_code": exit_code,
        },
        "preflight": preflight,
        **overall,
        "target_p95_ms": TARGET_P95_MS,
        "within_target": overall["errors"] == 0 and overall["p95_ms"] <= TARGET_P95_MS,
        "pages": pages,
        "failures": failures,
        "requests_by_instance": by_instance,
        "server_time_ms": server,
        # The whole machine's, the locust run only: how near full the two cores were, and how
        # much of them the host of this virtual machine gave elsewhere.
        "cpu_during_run": cpu_during_run,
        "tasks": {**tasks, "drained_after_run_s": drained_s},
        "logs": str(folder),
    }


BENCHMARK = Benchmark(
    name=NAME,
    help="Two `lde serve` instances and two workers on one PostgreSQL under 50 people (locust).",
    add_arguments=add_arguments,
    measure=measure,
    extend=check_postgres,
)
