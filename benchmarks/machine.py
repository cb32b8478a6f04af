"""The machine and software a benchmark ran on, recorded beside its numbers."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path
from typing import Any

import django
from django.db import connection


def _first(path: str, key: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == key:
            return value.strip()
    return ""


def machine_info() -> dict[str, Any]:
    """CPU model (from /proc/cpuinfo), cores, and memory (from /proc/meminfo)."""
    memory_kib = _first("/proc/meminfo", "MemTotal").removesuffix("kB").strip()
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        available = os.cpu_count() or 0
    return {
        "cpu_model": _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cpu_cores": os.cpu_count(),
        "cpu_cores_available": available,
        "memory_gib": round(int(memory_kib) / 1024 / 1024, 1) if memory_kib.isdigit() else None,
        "platform": platform.platform(),
        "load_average_at_end": load_average(),
    }


def load_average() -> list[float] | None:
    """1, 5 and 15-minute load: other work on the machine makes timings slower and noisier."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# /proc/stat's first line: time in clock ticks by kind, summed over every core. "guest" time is
# already counted in "user", so the total is of the first eight.
CPU_KINDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


def cpu_times(path: str = "/proc/stat") -> dict[str, int] | None:
    """The machine's CPU time so far, by kind; None where the system does not say."""
    try:
        first = Path(path).read_text(encoding="ascii").splitlines()[0].split()
    except (OSError, IndexError, UnicodeDecodeError):
        return None
    if not first or first[0] != "cpu" or len(first) < 1 + len(CPU_KINDS):
        return None
    return dict(zip(CPU_KINDS, (int(v) for v in first[1:]), strict=False))


def cpu_use_between(
    start: dict[str, int] | None, end: dict[str, int] | None
) -> dict[str, float] | None:
    """Of the CPU time that passed between two readings: the share busy (everything running,
    the benchmark and anything else), and the share stolen, which a virtual machine's host gave to
    other machines. A run on the same code that is slower with more stolen was slowed by the
    host, not by the change."""
    if start is None or end is None:
        return None
    passed = {kind: end[kind] - start[kind] for kind in CPU_KINDS}
    total = sum(passed.values())
    if total <= 0:
        return None
    idle = passed["idle"] + passed["iowait"]
    return {
        "busy_percent": round(100 * (total - idle - passed["steal"]) / total, 1),
        "stolen_percent": round(100 * passed["steal"] / total, 1),
    }


def database_info() -> dict[str, str]:
    """The default database's engine and server version (call while it exists)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            row = cursor.fetchone()
        version = str(row[0]) if row else ""
    elif connection.vendor == "sqlite":
        version = sqlite3.sqlite_version
    else:
        version = ""
    return {"engine": connection.vendor, "version": version}


def software_info() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
    }
