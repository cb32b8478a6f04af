"""A served process loads its URLs and freezes what it loaded before its first request."""

import gc

from django.urls import clear_url_caches, get_resolver

from lde.core.startup import load_and_freeze


def test_load_and_freeze_loads_the_urls_and_freezes_what_is_alive() -> None:
    clear_url_caches()
    assert "url_patterns" not in vars(get_resolver())
    try:
        frozen = load_and_freeze()
        assert frozen == gc.get_freeze_count()
        # Django, every app and the API: far more than an empty interpreter holds.
        assert frozen > 50_000
        # The URL configuration was loaded (a cached property), so it is among what was frozen.
        assert "url_patterns" in vars(get_resolver())
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
