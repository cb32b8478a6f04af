"""The roll-ups' periodic job: embargoed open data goes out when its embargo ends."""

from __future__ import annotations

from datetime import timedelta

from lde.core.scheduler import schedule
from lde.rollups.opendata_services import open_data_releases_due


# Every ten minutes, so that an embargo ending at 09:30 is lifted by 09:40 at the latest; the
# job only reads one indexed row set when nothing is due.
@schedule("open-data-embargoes", every=timedelta(minutes=10))
def open_data_embargoes() -> None:
    open_data_releases_due()
