"""The demo loads every framework shipped with the platform, and a small fictional framework in
two versions with a mapping, so the difference between versions can be seen. The fictional one
is marked as a demonstration, so that it is never offered to start a cycle against."""

from __future__ import annotations

from pathlib import Path

from lde.frameworks.services import (
    framework_demonstration_mark,
    framework_load_file,
    frameworks_load_shipped,
    mapping_load,
)

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"


def demo_build() -> None:
    frameworks_load_shipped(actor=None)
    for name in ("example-partnership-check-1.0.yaml", "example-partnership-check-1.1.yaml"):
        loaded = framework_load_file(actor=None, path=DEMO_DATA / name)
        framework_demonstration_mark(actor=None, framework=loaded.version.framework)
    mapping = DEMO_DATA / "example-partnership-check-1.0-to-1.1.yaml"
    mapping_load(actor=None, text=mapping.read_text(encoding="utf-8"), file_name=mapping.name)
