"""Static files compressed once, for WhiteNoise to serve compressed (ADR 0029, ADR 0031).

`collectstatic` under this storage writes a `.gz` (and a `.br`, with the `brotli` package) beside
each static file that compression makes smaller; WhiteNoise then answers a browser that accepts
either with the smaller file and `Content-Encoding`. Only static files: they are the same for
everyone and hold no secret, so the compressed size tells an observer nothing (pages and API
answers stay uncompressed, ADR 0029).

Two differences from WhiteNoise's `CompressedStaticFilesStorage`, both because `lde serve` runs
`collectstatic` at every start, into `LDE_DATA_DIR/static`, which several instances may share:

- A file whose compressed copies are already there and no older than it is not compressed
  again. Compressing every file of Django's admin, django-ninja's API pages and GOV.UK Frontend
  at brotli's best level takes about half a minute of a two-core machine; a release that
  changed no file need not pay it at each start of each instance.
- A compressed copy is written to a temporary name and renamed into place, so another instance
  starting at the same time never scans or serves a half-written `.gz` or `.br`.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedStaticFilesStorage

# Which encodings a compressed copy may have: brotli's only when the package is installed.
SUFFIXES: tuple[str, ...]
try:
    import brotli  # noqa: F401

    SUFFIXES = (".gz", ".br")
except ImportError:  # pragma: no cover - brotli is a dependency of the project
    SUFFIXES = (".gz",)


class _CompressorWritingWhole(Compressor):
    """WhiteNoise's compressor, but a compressed copy appears whole or not at all."""

    def write_data(self, path: str, data: bytes, suffix: str, stat_result: os.stat_result) -> str:
        filename = path + suffix
        handle, temporary = tempfile.mkstemp(
            dir=os.path.dirname(filename), prefix=".compressing-", suffix=suffix
        )
        try:
            with os.fdopen(handle, "wb") as output:
                output.write(data)
            os.chmod(temporary, stat.S_IMODE(stat_result.st_mode))
            # The copy keeps the original's time: that is how the next start knows it is current.
            os.utime(temporary, ns=(stat_result.st_atime_ns, stat_result.st_mtime_ns))
            os.replace(temporary, filename)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return filename


class CompressedStaticFiles(CompressedStaticFilesStorage):
    """The production storage of static files (config/settings/production.py)."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return _CompressorWritingWhole(**kwargs)

    def compressed_copies_current(self, name: str) -> bool:
        """Whether every compressed copy of the collected file is there and no older than it.

        A file that compression would not make smaller has no copy and is tried again each time;
        those are few and small (images and fonts are not tried at all)."""
        original = Path(self.path(name))
        try:
            changed = original.stat().st_mtime_ns
            return all(
                Path(f"{original}{suffix}").stat().st_mtime_ns >= changed for suffix in SUFFIXES
            )
        except FileNotFoundError:
            return False

    def post_process(
        self, paths: dict[str, Any], dry_run: bool = False, **options: Any
    ) -> Iterator[Any]:
        # collectstatic copies a changed file afresh (a later time than its old copies'), so the
        # files left out here are exactly those whose compressed copies still match them.
        to_compress = {
            name: found for name, found in paths.items() if not self.compressed_copies_current(name)
        }
        yield from super().post_process(to_compress, dry_run=dry_run, **options)
