"""The demo loads every framework shipped with the platform, and a small fictional framework in
two versions with a mapping, so the difference between versions can be seen."""

from __future__ import annotations

from pathlib import Path

from lde.frameworks.services import framework_load_file, frameworks_load_shipped, mapping_load

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"


def demo_build() -> None:
    frameworks_load_shipped(actor=None)
    for name in ("example-partnership-check-1.0.yaml", "example-partnership-check-1.1.yaml"):
        framework_load_file(actor=None, path=DEMO_DATA / name)
    mapping = DEMO_DATA / "example-partnership-check-1.0-to-1.1.yaml"
    mapping_load(actor=None, text=mapping.read_text(encoding="utf-8"), file_name=mapping.name)
