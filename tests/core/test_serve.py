"""`lde serve` stops everything it started when it is stopped: gunicorn (whose master stops its
own workers) and the task worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from lde.core.management.commands import serve

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that has exited but not been reaped is a zombie: gone for our purposes.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _catches(pid: int, signum: int) -> bool:
    """Whether the process has its own handler for the signal yet (SigCgt in /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    return False


def _wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


# Stands in for gunicorn's master: a process with a child of its own, which it stops on SIGTERM.
MASTER = """
import signal, subprocess, sys, time
worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
def stop(*args):
    worker.terminate()
    worker.wait()
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
time.sleep(60)
"""
SUPERVISOR = """
import sys
from lde.core.management.commands.serve import supervise
sys.exit(supervise([[sys.executable, "-c", sys.argv[1]], [sys.executable, "-c", sys.argv[2]]]))
"""


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_supervisor_stops_every_child(stop_signal: signal.Signals) -> None:
    # Given a supervisor running a master with a worker of its own, and a second process
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, MASTER, "import time; time.sleep(60)"], cwd=ROOT
    )
    try:
        _wait_for(lambda: len(_children(supervisor.pid)) == 2)
        master, other = _children(supervisor.pid)
        _wait_for(lambda: len(_children(master)) == 1)
        (worker,) = _children(master)
        # Both install their handlers after starting their children: on a busy machine (the
        # suite runs in parallel processes) a signal sent before that would simply kill them.
        _wait_for(lambda: all(_catches(supervisor.pid, s) for s in serve.STOP_SIGNALS))
        _wait_for(lambda: _catches(master, signal.SIGTERM))
        # When it is stopped
        supervisor.send_signal(stop_signal)
        # Then it exits with the master's code, and nothing it started is left running
        assert supervisor.wait(timeout=10) == 0
        _wait_for(lambda: not any(_alive(pid) for pid in (master, worker, other)))
    finally:
        if supervisor.poll() is None:
            supervisor.kill()


def test_when_one_child_ends_the_others_are_stopped_and_its_code_returned() -> None:
    started = time.monotonic()
    code = serve.supervise(
        [
            [sys.executable, "-c", "import sys; sys.exit(3)"],
            [sys.executable, "-c", "import time; time.sleep(60)"],
        ]
    )
    assert code == 3
    assert time.monotonic() - started < 10


def test_serve_runs_gunicorn_and_the_worker_under_the_supervisor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    supervised: list[list[list[str]]] = []
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)

    def supervise(commands: list[list[str]], env: dict[str, str]) -> int:
        supervised.append(commands)
        return 0

    monkeypatch.setattr(serve, "supervise", supervise)
    serve.Command().handle(bind="127.0.0.1:8123", workers=3, with_worker=True)
    assert supervised == [
        [
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                "127.0.0.1:8123",
                "--workers",
                "3",
                "--access-logfile",
                "-",
                "--log-level",
                "warning",
            ],
            [sys.executable, "-m", "lde.cli", "worker"],
        ]
    ]
