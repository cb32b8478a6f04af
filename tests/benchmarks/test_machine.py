"""The CPU shares a benchmark records beside its timings (benchmarks/machine.py)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.machine import CPU_KINDS, cpu_times, cpu_use_between


def test_cpu_times_reads_the_first_line_of_proc_stat(tmp_path: Path) -> None:
    stat = tmp_path / "stat"
    stat.write_text(
        "cpu  100 5 20 800 10 0 5 60 7 0\ncpu0 50 2 10 400 5 0 2 30 3 0\nintr 1\n",
        encoding="ascii",
    )
    assert cpu_times(str(stat)) == {
        "user": 100,
        "nice": 5,
        "system": 20,
        "idle": 800,
        "iowait": 10,
        "irq": 0,
        "softirq": 5,
        "steal": 60,
    }


def test_cpu_times_is_none_where_the_system_does_not_say(tmp_path: Path) -> None:
    assert cpu_times(str(tmp_path / "missing")) is None
    odd = tmp_path / "odd"
    odd.write_text("intr 1 2 3\n", encoding="ascii")
    assert cpu_times(str(odd)) is None


def test_shares_are_of_the_time_that_passed_between_the_readings() -> None:
    start = dict.fromkeys(CPU_KINDS, 0)
    end = {**start, "user": 300, "system": 100, "idle": 400, "iowait": 100, "steal": 100}
    # 1,000 ticks passed: 400 running, 500 idle or waiting on the disk, 100 taken by the host.
    assert cpu_use_between(start, end) == {"busy_percent": 40.0, "stolen_percent": 10.0}
    assert cpu_use_between(start, start) is None
    assert cpu_use_between(None, end) is None
