"""Progress lines and a plain progress bar for long benchmark steps."""

from __future__ import annotations

from collections.abc import Callable


class Console:
    """Writes to the command's output; draws a bar in a terminal, a single line elsewhere."""

    def __init__(self, write: Callable[[str], object], *, interactive: bool) -> None:
        self._write = write
        self.interactive = interactive

    def line(self, text: str = "") -> None:
        self._write(text + "\n")

    def progress(self, label: str, done: int, total: int) -> None:
        if not self.interactive:
            if done == total:
                self.line(f"  {label}: {total}/{total}")
            return
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "." * (width - filled)
        self._write(f"\r  {label:<28} [{bar}] {done}/{total}")
        if done == total:
            self._write("\n")
