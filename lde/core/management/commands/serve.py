"""lde serve: the web server (gunicorn), and optionally the task worker beside it."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


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
        env = dict(os.environ)
        worker = None
        if with_worker:
            worker = subprocess.Popen([sys.executable, "-m", "lde.cli", "worker"], env=env)
        self.stdout.write(f"Serving {settings.SERVICE_NAME} at http://{bind}/ (Ctrl+C to stop)")
        try:
            subprocess.call(  # noqa: S603
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
                ],
                env=env,
            )
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
