from django.apps import AppConfig


class WhatWorksConfig(AppConfig):
    name = "lde.what_works"
    label = "what_works"
    verbose_name = "What works"

    def ready(self) -> None:
        from lde.core.backup import restored
        from lde.what_works.search import index_rebuild

        # A restore loads the entries; the full-text table beside them is written again here.
        restored.connect(index_rebuild, dispatch_uid="what_works_index_rebuild")
