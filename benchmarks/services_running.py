"""The service as it is deployed, started by a benchmark: `lde serve` instances and `lde worker`
processes under config.settings.production, on the bench's throwaway PostgreSQL database.

`lde bench load` and `lde bench faults` run the real processes, not Django's test client: the
point is gunicorn, several instances and several workers sharing one database. Each process gets
the production settings' required variables with keys made for the run; its output goes to a
log file in the run's folder. Sessions for the people the benchmark signs in are made in the
bench process with the same `LDE_SECRET_KEY` (`sessions_signed_with`), as `lde bench pages`
makes them: the session is written straight to the database, already past the second factor,
which a load tool may do and a person may not (benchmarks/README.md says so).
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from lde.accounts.models import User

BACKEND = "django.contrib.auth.backends.ModelBackend"
STARTUP_TIMEOUT_S = 90.0


def postgres_required(benchmark: str) -> None:
    """Stop with a clear message unless the bench database is PostgreSQL."""
    if connection.vendor != "postgresql":
        raise SystemExit(
            f"lde bench {benchmark} needs PostgreSQL (several processes share one database): "
            f"run it as `scripts/with-postgres .venv/bin/lde bench {benchmark}`, or set "
            "DATABASE_URL to a server where the role may create databases."
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_database_url() -> str:
    """DATABASE_URL naming the bench's own throwaway database (`lde_bench`)."""
    db = settings.DATABASES["default"]
    user, password = quote(str(db.get("USER") or "")), quote(str(db.get("PASSWORD") or ""))
    return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@dataclass
class Deployment:
    """The environment of every process of one run, and the processes started in it."""

    folder: Path
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    audit_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    # More variables for every process (a benchmark's own, such as gunicorn's log format).
    extra: dict[str, str] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": bench_database_url(),
            "LDE_SECRET_KEY": self.secret_key,
            "LDE_AUDIT_KEY": self.audit_key,
            "LDE_SITE_URL": "https://lde-load.invalid",
            "LDE_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # TLS ends at the (absent) load balancer; the requests say so by X-Forwarded-Proto.
            "LDE_SSL_REDIRECT": "false",
            "LDE_DATA_DIR": str(self.folder / "data"),
            # Emails are printed to the workers' logs: every message delivered can be counted.
            "LDE_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "PYTHONUNBUFFERED": "1",
            **self.extra,
        }

    def log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def start(self, name: str, *arguments: str) -> subprocess.Popen[bytes]:
        with self.log(name).open("ab") as output:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [sys.executable, "-m", "lde.cli", *arguments],
                env=self.environment(),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def serve(self, name: str, port: int, *, gunicorn_workers: int) -> str:
        """Start `lde serve` on a loopback port and wait until it answers; return its address."""
        self.start(name, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(gunicorn_workers))
        address = f"http://127.0.0.1:{port}"
        wait_until_answering(address, self.processes[name], self.log(name))
        return address

    def worker(self, name: str) -> None:
        self.start(name, "worker")

    def stop(self, name: str) -> int | None:
        """SIGTERM (the process group: gunicorn's workers too), then SIGKILL after 30 s."""
        process = self.processes.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        return process.returncode

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)


@contextmanager
def deployment(folder: Path, extra: dict[str, str] | None = None) -> Iterator[Deployment]:
    folder.mkdir(parents=True, exist_ok=True)
    running = Deployment(folder=folder, extra=extra or {})
    try:
        yield running
    finally:
        running.stop_all()


def get(
    address: str, path: str, headers: dict[str, str], *, timeout: float = 10.0
) -> tuple[int, bytes]:
    """One GET, redirects not followed: (status, body)."""
    host, port = address.removeprefix("http://").split(":")
    link = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        link.request("GET", path, headers={"X-Forwarded-Proto": "https", **headers})
        response = link.getresponse()
        return response.status, response.read()
    finally:
        link.close()


def wait_until_answering(address: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{address} stopped at start; its log, {log}:\n{log.read_text()}")
        try:
            status, _ = get(address, "/accessibility/", {}, timeout=2)
        except OSError:
            time.sleep(0.3)
            continue
        if status == 200:
            return
        time.sleep(0.3)
    raise SystemExit(f"{address} did not answer within {STARTUP_TIMEOUT_S:.0f} s; see {log}")


def sessions_signed_with(secret_key: str, users: list[User]) -> dict[int, str]:
    """A session cookie ("name=value") for each user, signed with the instances' key and past
    the second factor with the user's confirmed device where they have one."""
    devices = {d.user_id: d for d in TOTPDevice.objects.filter(user__in=users, confirmed=True)}
    cookies: dict[int, str] = {}
    with override_settings(SECRET_KEY=secret_key):
        for user in users:
            client = Client()
            client.force_login(user, backend=BACKEND)
            if user.pk in devices:
                session = client.session
                session["otp_device_id"] = devices[user.pk].persistent_id
                session.save()
            name = settings.SESSION_COOKIE_NAME
            cookies[user.pk] = f"{name}={client.cookies[name].value}"
    return cookies
