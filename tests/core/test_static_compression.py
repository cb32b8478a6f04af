"""Static files are served compressed to a browser that accepts it; pages and API answers never
are (ADR 0029, ADR 0031).

Each test collects static files as production does (its STORAGES, read from
config/settings/production.py), into a temporary STATIC_ROOT, and serves them through the
production middleware with WhiteNoise reading that folder, not the source folders as the other
tests' settings do. Only the project's own static folder is collected: Django's admin and
django-ninja's files would take half a minute to compress and prove nothing more.
"""

from __future__ import annotations

import gzip
import importlib
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import brotli
import pytest
from django.core.management import call_command
from django.test import Client, override_settings

import config.env

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROJECT_STATIC = ROOT / "lde" / "static"
STYLESHEET = "css/application.css"


@pytest.fixture
def production_storages(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The STORAGES of config/settings/production.py, loaded with the variables it demands."""
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/lde")
    monkeypatch.setenv("LDE_SECRET_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("LDE_AUDIT_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("LDE_SITE_URL", "https://lde.example.gov.uk")
    try:
        importlib.reload(config.env)
        sys.modules.pop("config.settings.production", None)
        storages = dict(importlib.import_module("config.settings.production").STORAGES)
    finally:
        # The other tests' settings read config.env as the test settings left it.
        monkeypatch.undo()
        importlib.reload(config.env)
        sys.modules.pop("config.settings.production", None)
    yield storages


@contextmanager
def collected(storages: dict[str, Any], sources: Path, static_root: Path) -> Iterator[None]:
    """Settings as in production for static files, collected from `sources` into static_root."""
    with override_settings(
        STORAGES=storages,
        STATIC_ROOT=static_root,
        STATICFILES_DIRS=[sources],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


def _body(response: Any) -> bytes:
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


def test_production_compresses_static_files_with_whitenoise(
    production_storages: dict[str, Any],
) -> None:
    assert production_storages["staticfiles"] == {
        "BACKEND": "lde.core.static_files.CompressedStaticFiles"
    }


def test_the_stylesheet_is_sent_compressed_to_a_browser_that_accepts_it(
    production_storages: dict[str, Any], tmp_path: Path
) -> None:
    original = (PROJECT_STATIC / STYLESHEET).read_bytes()
    with collected(production_storages, PROJECT_STATIC, tmp_path / "static"):
        # A client made here builds its middleware now, so WhiteNoise scans the collected folder.
        client = Client()
        brotli_answer = client.get(f"/static/{STYLESHEET}", headers={"accept-encoding": "gzip, br"})
        gzip_answer = client.get(f"/static/{STYLESHEET}", headers={"accept-encoding": "gzip"})
        plain_answer = client.get(f"/static/{STYLESHEET}")

    assert brotli_answer.status_code == 200
    assert brotli_answer["Content-Encoding"] == "br"
    assert brotli_answer["Vary"] == "Accept-Encoding"
    assert brotli_answer["Content-Type"].startswith("text/css")
    sent = _body(brotli_answer)
    assert int(brotli_answer["Content-Length"]) == len(sent)
    # The stylesheet is 140 KB; compressed it is about a tenth of that.
    assert len(sent) < len(original) // 5
    assert brotli.decompress(sent) == original

    assert gzip_answer["Content-Encoding"] == "gzip"
    sent = _body(gzip_answer)
    assert len(sent) < len(original) // 5
    assert gzip.decompress(sent) == original

    assert not plain_answer.has_header("Content-Encoding")
    assert _body(plain_answer) == original


def test_pages_and_api_answers_are_never_compressed(
    production_storages: dict[str, Any], tmp_path: Path
) -> None:
    with collected(production_storages, PROJECT_STATIC, tmp_path / "static"):
        client = Client()
        page = client.get("/accessibility/", headers={"accept-encoding": "gzip, br"})
        sign_in = client.get("/sign-in/", headers={"accept-encoding": "gzip, br"})
        api = client.get("/api/v1/", headers={"accept-encoding": "gzip, br"})
        stylesheet = client.get(f"/static/{STYLESHEET}", headers={"accept-encoding": "gzip, br"})

    assert (page.status_code, sign_in.status_code, api.status_code) == (200, 200, 200)
    for answer in (page, sign_in, api):
        assert not answer.has_header("Content-Encoding")
    # The sign-in page carries the CSRF token: the reason pages are not compressed (ADR 0029).
    assert b'name="csrfmiddlewaretoken"' in sign_in.content
    # The pages link the stylesheet by its plain name (no manifest, ADR 0031), which is the
    # file served compressed.
    assert f'href="/static/{STYLESHEET}"'.encode() in page.content
    assert stylesheet["Content-Encoding"] == "br"
    stylesheet.close()


def test_a_file_already_compressed_is_not_compressed_again_until_it_changes(
    production_storages: dict[str, Any], tmp_path: Path
) -> None:
    sources = tmp_path / "sources"
    (sources / "css").mkdir(parents=True)
    source = sources / "css" / "site.css"
    first = "".join(f".lde-rule-{n}{{margin:{n}px}}\n" for n in range(2000))
    source.write_text(first)
    static_root = tmp_path / "static"
    copies = [static_root / "css" / f"site.css{suffix}" for suffix in (".gz", ".br")]

    with collected(production_storages, sources, static_root):
        pass
    written = [copy.stat().st_ino for copy in copies]
    assert gzip.decompress(copies[0].read_bytes()).decode() == first

    # `lde serve` starting again on the same release: the copies are left as they were (each is
    # written under a new name and renamed, so a rewritten one would have a new inode).
    with collected(production_storages, sources, static_root):
        pass
    assert [copy.stat().st_ino for copy in copies] == written

    # A release that changes the file: collectstatic copies it afresh, and it is compressed again.
    second = first.replace("margin", "padding")
    source.write_text(second)
    later = source.stat().st_mtime + 10
    os.utime(source, (later, later))
    with collected(production_storages, sources, static_root):
        pass
    assert [copy.stat().st_ino for copy in copies] != written
    assert gzip.decompress(copies[0].read_bytes()).decode() == second
    assert brotli.decompress(copies[1].read_bytes()).decode() == second
    assert not [p.name for p in (static_root / "css").iterdir() if p.name.startswith(".")]
