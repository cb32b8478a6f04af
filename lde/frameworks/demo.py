"""The demo loads every framework shipped with the platform."""

from __future__ import annotations

from lde.frameworks.services import frameworks_load_shipped


def demo_build() -> None:
    frameworks_load_shipped(actor=None)
