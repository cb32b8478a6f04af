"""Framework pages: the library, one version's tree with guidance and rubrics, and differences."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lde.core.files import file_download
from lde.frameworks import selectors
from lde.frameworks.exchange import framework_version_yaml
from lde.frameworks.models import WrittenBy
from lde.frameworks.oscal import framework_version_oscal_json


@login_required
def framework_library(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frameworks/library.html",
        {"library": selectors.framework_library(user=request.user)},
    )


@login_required
def version_detail(request: HttpRequest, identifier: str, version: str) -> HttpResponse:
    found = selectors.framework_version_get(
        user=request.user, identifier=identifier, version=version
    )
    versions = list(selectors.framework_versions(framework=found.framework))
    return render(
        request,
        "frameworks/version_detail.html",
        {
            "version": found,
            "versions": versions,
            "tree": selectors.framework_version_tree(version=found),
            "platform": WrittenBy.PLATFORM,
        },
    )


@login_required
def version_export(request: HttpRequest, identifier: str, version: str) -> HttpResponse:
    found = selectors.framework_version_get(
        user=request.user, identifier=identifier, version=version
    )
    return file_download(
        framework_version_yaml(found).encode(),
        file_name=f"{found.framework.identifier}-{found.version}.yaml",
        content_type="application/yaml; charset=utf-8",
    )


@login_required
def version_oscal(request: HttpRequest, identifier: str, version: str) -> HttpResponse:
    """The version as an OSCAL catalog (JSON), to download."""
    found = selectors.framework_version_get(
        user=request.user, identifier=identifier, version=version
    )
    return file_download(
        framework_version_oscal_json(found).encode(),
        file_name=f"{found.framework.identifier}-{found.version}-oscal.json",
        content_type="application/json; charset=utf-8",
    )


@login_required
def version_difference(
    request: HttpRequest, identifier: str, version: str, other: str
) -> HttpResponse:
    older = selectors.framework_version_get(
        user=request.user, identifier=identifier, version=version
    )
    newer = selectors.framework_version_get(user=request.user, identifier=identifier, version=other)
    if older.pk == newer.pk:
        raise Http404
    if older.sort_key > newer.sort_key:
        older, newer = newer, older
    return render(
        request,
        "frameworks/version_difference.html",
        {
            "older": older,
            "newer": newer,
            "difference": selectors.version_difference(older=older, newer=newer),
        },
    )
