"""lde serve: the web server (gunicorn), and optionally the task worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
# How long a child has to finish its requests or its task before it is killed.
GRACE_SECONDS = 30


def _stop_with_parent() -> None:
    """Ask Linux to send the child SIGTERM if `lde serve` itself dies, even by SIGKILL, so that
    no gunicorn or worker outlives the command that started it. Elsewhere, the signal handlers
    of `supervise` are all there is."""
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def supervise(commands: Sequence[Sequence[str]], *, env: dict[str, str] | None = None) -> int:
    """Run each command as a child until a stop signal comes or any child ends, then stop them
    all (SIGTERM, then SIGKILL after the grace period) and wait for them.

    Gunicorn stops its own workers when its master gets SIGTERM, so forwarding the signal to
    the master is enough. Returns the exit code of the first command (the web server).
    """
    children = [
        subprocess.Popen(list(command), env=env, preexec_fn=_stop_with_parent)  # noqa: S603
        for command in commands
    ]

    def stop(signum: int | None = None, frame: object = None) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.1)
        stop()
        for child in children:
            try:
                child.wait(timeout=GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    code = children[0].returncode
    # Ended by the SIGTERM we sent it (before it had its own handler, on a busy machine): that is
    # the stop asked for, not a failure.
    return 0 if code == -signal.SIGTERM else code


class Command(BaseCommand):
    help = "Serve the platform on 127.0.0.1:8000 (gunicorn), with --with-worker for the worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--with-worker", action="store_true")

    def handle(
        self, *args: Any, bind: str, workers: int, with_worker: bool, **options: Any
    ) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        commands = [
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                "--log-level",
                "warning",
            ]
        ]
        if with_worker:
            commands.append([sys.executable, "-m", "lde.cli", "worker"])
        self.stdout.write(f"Serving {settings.SERVICE_NAME} at http://{bind}/ (Ctrl+C to stop)")
        self.stdout.flush()
        code = supervise(commands, env=dict(os.environ))
        if code not in (0, -signal.SIGTERM, -signal.SIGINT):
            raise SystemExit(code)
