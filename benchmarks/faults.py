"""`lde bench faults`: PostgreSQL restarted under load, and what the service does about it.

    scripts/with-postgres .venv/bin/lde bench faults

PostgreSQL only, and only under `scripts/with-postgres`, which names its throwaway cluster
(`LDE_PG_DATA`, `LDE_PG_BIN`) so that this benchmark may restart it: it never restarts a server
it did not start. On the national data, `measure` starts the service as deployed
(`benchmarks/services_running.py`: two `lde serve` instances and one `lde worker`, production
settings) and drives it from threads of this process, each request with a 5 s time-out:

- `--readers` threads open a coordinator's partnership page, as signed-in coordinators, over
  and over, alternating between the instances;
- `--writers` threads give a new person a role through the API
  (`POST /api/v1/partnerships/<id>/memberships`, a coordinator's token): one service call that
  writes the account, the membership, their audit events and the email telling them, all or
  nothing.

After `--before` seconds it restarts PostgreSQL (`pg_ctl restart -m fast`: every connection is
cut), and keeps driving for `--after` seconds. Figures:

- `restart_s`: how long `pg_ctl restart` took (the database was unreachable for about that long).
- `recovered_after_s`: from the restart's start to the end of the last failed request; every
  request after it succeeded. Target within 10 s. `first_success_after_s`: to the first request
  that succeeded after the restart began.
- `requests` and `failed` before, during (up to `recovered_after_s`) and after, by kind, and the
  statuses or errors of the failures.
- `half_applied`: invitations of which some rows exist but not all (an account without its
  membership, a membership without its audit event, …); 0 means no request was half-applied.
  `acknowledged_missing`: invitations answered 201 whose rows are not all there (0).
- `audit_verify_exit`: `lde audit verify`, run with the instances' audit key, after the run (0).
- `worker_alive` and `emails_sent_after_restart`: the worker outlived the restart and went on
  sending the invitations' emails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from argparse import ArgumentParser
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from django.urls import reverse

from benchmarks.console import Console
from benchmarks.harness import Benchmark
from benchmarks.national import NationalWorld
from benchmarks.services_running import (
    Deployment,
    deployment,
    free_port,
    postgres_required,
    sessions_signed_with,
)
from lde.accounts.models import ApiToken, User
from lde.core.audit.models import AuditEvent
from lde.core.mail import EmailStatus, OutgoingEmail
from lde.partnerships.models import Membership

NAME = "faults"
TARGET_RECOVERY_S = 10.0
REQUEST_TIMEOUT_S = 5.0
DOMAIN = "faults.synthetic.invalid"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--readers", type=int, default=4, help="Reading threads (default 4).")
    parser.add_argument("--writers", type=int, default=2, help="Writing threads (default 2).")
    parser.add_argument(
        "--before", type=float, default=8, help="Seconds of load before the restart (default 8)."
    )
    parser.add_argument(
        "--after", type=float, default=25, help="Seconds of load after it (default 25)."
    )


def check_postgres(world: NationalWorld, options: Mapping[str, Any], done: Any) -> None:
    postgres_required(NAME)
    if not (os.environ.get("LDE_PG_DATA") and os.environ.get("LDE_PG_BIN")):
        raise SystemExit(
            "lde bench faults restarts the PostgreSQL it runs on, so it runs only on the "
            "throwaway one: `scripts/with-postgres .venv/bin/lde bench faults`."
        )


@dataclass
class Attempt:
    kind: str
    started: float
    ended: float
    ok: bool
    outcome: str  # the status, or the error's name
    email: str = ""


def _request(
    address: str, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> str:
    """The status of one request as text, or the name of the error that stopped it."""
    import http.client

    host, port = address.removeprefix("http://").split(":")
    link = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT_S)
    try:
        link.request(method, path, body=body, headers={"X-Forwarded-Proto": "https", **headers})
        response = link.getresponse()
        response.read()
        return str(response.status)
    except OSError as error:
        return type(error).__name__
    finally:
        link.close()


def _drive(
    kind: str,
    hosts: list[str],
    make: Any,
    attempts: list[Attempt],
    stop: threading.Event,
    clock_zero: float,
) -> None:
    n = 0
    while not stop.is_set():
        method, path, headers, body, email, good = make(n)
        started = time.monotonic() - clock_zero
        outcome = _request(hosts[n % len(hosts)], method, path, headers, body)
        ended = time.monotonic() - clock_zero
        attempts.append(Attempt(kind, started, ended, outcome == good, outcome, email))
        n += 1
        time.sleep(0.05)


def _restart(console: Console) -> float:
    pg_ctl = [str(Path(os.environ["LDE_PG_BIN"]) / "pg_ctl")]
    if os.geteuid() == 0:  # the cluster belongs to postgres, as scripts/with-postgres made it
        pg_ctl = ["runuser", "-u", "postgres", "--", *pg_ctl]
    started = time.monotonic()
    subprocess.run(  # noqa: S603 - the throwaway cluster's own pg_ctl
        [*pg_ctl, "-D", os.environ["LDE_PG_DATA"], "-m", "fast", "-w", "restart"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.monotonic() - started
    console.line(f"PostgreSQL restarted in {seconds:.1f} s.")
    return seconds


def _phase(attempts: list[Attempt]) -> dict[str, Any]:
    by_kind: dict[str, Any] = {}
    for kind in sorted({a.kind for a in attempts}):
        mine = [a for a in attempts if a.kind == kind]
        by_kind[kind] = {
            "requests": len(mine),
            "failed": sum(1 for a in mine if not a.ok),
            "failures": dict(Counter(a.outcome for a in mine if not a.ok)),
        }
    return by_kind


def _consistency(attempts: list[Attempt]) -> dict[str, Any]:
    """Each invitation tried: all of its rows or none of them."""
    emails = [a.email for a in attempts if a.kind == "write"]
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    memberships = dict(
        Membership.objects.filter(user_id__in=users.values()).values_list("user_id", "pk")
    )
    audited_users = set(
        AuditEvent.objects.filter(
            verb="USER_CREATED", target_id__in=[str(pk) for pk in users.values()]
        ).values_list("target_id", flat=True)
    )
    audited_memberships = set(
        AuditEvent.objects.filter(
            verb="MEMBERSHIP_CREATED", target_id__in=[str(pk) for pk in memberships.values()]
        ).values_list("target_id", flat=True)
    )
    complete, absent, half = 0, 0, []
    for email in emails:
        user = users.get(email)
        membership = memberships.get(user) if user is not None else None
        parts = [
            user is not None,
            membership is not None,
            user is not None and str(user) in audited_users,
            membership is not None and str(membership) in audited_memberships,
        ]
        if all(parts):
            complete += 1
        elif not any(parts):
            absent += 1
        else:
            half.append(email)
    acknowledged = {a.email for a in attempts if a.kind == "write" and a.ok}
    return {
        "invitations_tried": len(emails),
        "complete": complete,
        "absent": absent,
        "half_applied": len(half),
        "half_applied_examples": half[:5],
        "acknowledged": len(acknowledged),
        "acknowledged_missing": sum(1 for e in acknowledged if e not in users),
    }


def _audit_verify(deployed: Deployment) -> tuple[int, str]:
    completed = subprocess.run(
        [sys.executable, "-m", "lde.cli", "audit", "verify"],
        env=deployed.environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.returncode, (completed.stdout + completed.stderr).strip()[-500:]


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    check_postgres(world, options, None)
    folder = Path(tempfile.mkdtemp(prefix="lde-faults-"))
    console.line(f"Logs in {folder}")
    chosen = world.coordinators()
    seen: set[int] = set()
    coordinators: list[tuple[int, int]] = []
    for partnership_id, user_id in chosen:
        if partnership_id not in seen:
            seen.add(partnership_id)
            coordinators.append((partnership_id, user_id))
        if len(coordinators) == max(options["readers"], options["writers"]):
            break
    with deployment(folder) as deployed:
        users = User.objects.in_bulk([u for _, u in coordinators])
        cookies = sessions_signed_with(deployed.secret_key, list(users.values()))
        tokens = {}
        for _, user_id in coordinators:
            raw, digest = ApiToken.generate()
            ApiToken.objects.create(
                user_id=user_id, name="Synthetic faults token", digest=digest, hint=raw[:8]
            )
            tokens[user_id] = raw
        hosts = [deployed.serve(f"web-{n}", free_port(), gunicorn_workers=2) for n in (1, 2)]
        deployed.worker("worker-1")
        attempts: list[Attempt] = []
        stop = threading.Event()
        zero = time.monotonic()
        threads = []
        for number in range(options["readers"]):
            partnership_id, user_id = coordinators[number % len(coordinators)]
            path = reverse("partnerships:partnership-detail", args=[partnership_id])
            cookie = cookies[user_id]

            def read(n: int, path: str = path, cookie: str = cookie) -> tuple[Any, ...]:
                return "GET", path, {"Cookie": cookie}, None, "", "200"

            threads.append(
                threading.Thread(target=_drive, args=("read", hosts, read, attempts, stop, zero))
            )
        for number in range(options["writers"]):
            partnership_id, user_id = coordinators[number % len(coordinators)]
            bearer = {"Authorization": f"Bearer {tokens[user_id]}"}

            def write(
                n: int, p: int = partnership_id, bearer: dict[str, str] = bearer, w: int = number
            ) -> tuple[Any, ...]:
                email = f"fault-{w}-{n:05d}@{DOMAIN}"
                body = json.dumps(
                    {"email": email, "full_name": f"Synthetic Person {w}-{n}", "role": "viewer"}
                ).encode()
                headers = {**bearer, "Content-Type": "application/json"}
                return "POST", f"/api/v1/partnerships/{p}/memberships", headers, body, email, "201"

            threads.append(
                threading.Thread(target=_drive, args=("write", hosts, write, attempts, stop, zero))
            )
        for thread in threads:
            thread.start()
        time.sleep(options["before"])
        restart_at = time.monotonic() - zero
        restart_s = _restart(console)
        # This process's own connection was cut too; the next query opens a new one.
        connection.close()
        time.sleep(options["after"])
        stop.set()
        for thread in threads:
            thread.join()
        failed_after = [a for a in attempts if not a.ok and a.ended >= restart_at]
        succeeded_after = [a for a in attempts if a.ok and a.started >= restart_at]
        recovered_at = max((a.ended for a in failed_after), default=restart_at)
        first_success = min((a.ended for a in succeeded_after), default=float("nan"))
        emails_sent_after = _emails_sent_after(restart_at, zero)
        worker_alive = deployed.processes["worker-1"].poll() is None
        failed_before = [a for a in attempts if not a.ok and a.ended < restart_at]
        deployed.stop_all()
        verify_exit, verify_said = _audit_verify(deployed)
        consistency = _consistency(attempts)
    recovered_after = round(recovered_at - restart_at, 2)
    console.line(
        f"Recovered {recovered_after} s after the restart began; "
        f"{consistency['half_applied']} half-applied; audit verify exit {verify_exit}."
    )
    return {
        "settings": {
            "instances": 2,
            "task_workers": 1,
            "django_settings": "config.settings.production",
            "readers": options["readers"],
            "writers": options["writers"],
            "before_s": options["before"],
            "after_s": options["after"],
            "request_timeout_s": REQUEST_TIMEOUT_S,
        },
        "restart_s": round(restart_s, 2),
        "recovered_after_s": recovered_after,
        "first_success_after_s": round(first_success - restart_at, 2),
        "target_recovery_s": TARGET_RECOVERY_S,
        "within_target": recovered_after <= TARGET_RECOVERY_S
        and not failed_before
        and consistency["half_applied"] == 0
        and consistency["acknowledged_missing"] == 0
        and verify_exit == 0,
        "before": _phase([a for a in attempts if a.ended < restart_at]),
        "during": _phase([a for a in attempts if restart_at <= a.ended <= recovered_at]),
        "after": _phase([a for a in attempts if a.ended > recovered_at]),
        **consistency,
        "audit_verify_exit": verify_exit,
        "audit_verify_said": verify_said,
        "worker_alive": worker_alive,
        "emails_sent_after_restart": emails_sent_after,
        "logs": str(folder),
    }


def _emails_sent_after(restart_at: float, zero: float) -> int:
    """Invitation emails the worker sent once the restart had begun (after a few seconds'
    grace for the last of them to go)."""
    from datetime import timedelta

    from django.utils import timezone

    time.sleep(5)
    since = timezone.now() - timedelta(seconds=time.monotonic() - zero - restart_at)
    return OutgoingEmail.objects.filter(
        to__endswith=f"@{DOMAIN}", status=EmailStatus.SENT, sent_at__gte=since
    ).count()


BENCHMARK = Benchmark(
    name=NAME,
    help="PostgreSQL restarted under load: time to recover, nothing half-applied, audit intact.",
    add_arguments=add_arguments,
    measure=measure,
    extend=check_postgres,
)
