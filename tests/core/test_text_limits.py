"""Every free text has a limit, the same in the model, the page form and the API, and every
error is in the service's own words, never Django's defaults (issue 12, items 4 and 6)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.test import Client

import lde
from lde.accounts.models import Organisation
from lde.accounts.services import api_token_create
from lde.assessments.forms import ResponseForm
from lde.assessments.models import CriterionResponse
from lde.core.access.markings import Marking
from lde.core.govuk.forms import DJANGO_DEFAULTS
from lde.partnerships.models import Role
from tests.factories import MembershipFactory

LDE = Path(lde.__file__).parent


def _lde_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("lde.")]


def test_every_text_field_of_every_model_has_a_limit_that_full_clean_checks() -> None:
    unlimited = []
    for model in _lde_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField | models.TextField):
                continue
            name = f"{model.__name__}.{field.name}"
            if not field.max_length:
                unlimited.append(name)
            elif isinstance(field, models.TextField) and not any(
                isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
                for v in field.validators
            ):
                unlimited.append(f"{name} (max_length is not checked: use limits.limited_text)")
    assert unlimited == []


def test_a_text_over_its_limit_is_refused_by_the_model_in_our_words() -> None:
    response = CriterionResponse(commentary="x" * 5_001)
    with pytest.raises(ValidationError) as refused:
        response.clean_fields(exclude=["assessment", "criterion"])
    assert "commentary" in refused.value.message_dict


def _form_classes() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages([str(LDE)], prefix="lde."):
        if info.name.split(".")[-1].startswith("forms"):
            importlib.import_module(info.name)
    found: list[type[forms.BaseForm]] = []
    seen: set[type] = set()
    todo: list[type] = [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            todo.append(sub)
            # The bases themselves name no fields; a ModelForm without a model cannot be made.
            if sub.__module__.startswith("lde.") and sub.__module__ != "lde.core.govuk.forms":
                found.append(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _instance(cls: type[forms.BaseForm]) -> forms.BaseForm:
    """The form as a page makes it, with empty choices for what the page would pass in."""
    kwargs: dict[str, Any] = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
            if name == "statuses":
                kwargs[name] = []
            elif name == "marking":
                # A marking's form reads the marking it changes; the scheme is data the
                # migrations load, so there is always one.
                kwargs[name] = Marking.objects.order_by("pk").first()
            else:
                kwargs[name] = Organisation.objects.none()
    for args in ((), (None,)):
        try:
            return cls(*args, **kwargs)
        except TypeError:
            continue
    raise AssertionError(f"{cls.__qualname__} could not be made with no arguments")


def _codes(field: forms.Field) -> list[str]:
    codes = ["required"]
    if "invalid" in field.error_messages:
        codes.append("invalid")
    if isinstance(field, forms.CharField) and not field.widget.is_hidden:
        codes.append("max_length")
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        codes.append("invalid_choice")
    return codes


def test_there_are_forms_to_check() -> None:
    names = {cls.__name__ for cls in _form_classes()}
    assert {"ResponseForm", "ProtocolForm", "SignInForm", "ActionForm"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("cls", _form_classes(), ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_form_speaks_in_the_services_words_and_limits_its_text(cls: Any) -> None:
    form = _instance(cls)
    problems = []
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField) and not field.widget.is_hidden:
            if not field.max_length:
                problems.append(f"{name}: no limit")
            if "maxlength" in field.widget.attrs:
                problems.append(f"{name}: the browser would cut text off without a word")
        for code in _codes(field):
            message = str(field.error_messages.get(code, ""))
            if not message or message in DJANGO_DEFAULTS:
                problems.append(f"{name}: {code} is Django's ({message!r})")
    assert problems == []


def test_a_page_form_names_the_field_and_its_limit() -> None:
    form = ResponseForm(data={"commentary": "x" * 5_001, "revision": "1"})
    assert not form.is_valid()
    assert form.errors["commentary"] == ["Commentary must be 5,000 characters or fewer"]
    assert (
        form.fields["commentary"].max_length
        == CriterionResponse._meta.get_field("commentary").max_length
    )


@pytest.mark.django_db
def test_the_api_refuses_text_over_its_limit_with_422_naming_the_field(client: Client) -> None:
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    _, raw = api_token_create(actor=coordinator.user, name="script")
    answer = client.post(
        f"/api/v1/partnerships/{coordinator.partnership_id}/memberships",
        {"email": "a@example.test", "full_name": "x" * 151, "role": "viewer"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.status_code == 422
    (error,) = answer.json()["errors"]
    assert error["loc"][0] == "body" and error["loc"][-1] == "full_name"
    assert error["msg"] == "Full name must be 150 characters or fewer"


def test_no_page_title_says_error_twice() -> None:
    # base.html puts "Error: " before the title of a page whose form has errors; a page's own
    # title block must not add another.
    doubled = [
        str(path.relative_to(LDE))
        for path in LDE.rglob("*.html")
        if path.name != "base.html" and "{% block title %}{% if form.errors %}" in path.read_text()
    ]
    assert doubled == []


@pytest.mark.django_db
def test_a_save_by_any_way_in_refuses_text_over_its_limit_naming_the_field() -> None:
    # A command, the admin or a service that asks no form: the model's own check.
    membership = MembershipFactory(role=Role.COORDINATOR)
    partnership = membership.partnership
    partnership.name = "x" * 201
    with pytest.raises(ValidationError) as refused:
        partnership.save()
    assert refused.value.message_dict == {"name": ["Name must be 200 characters or fewer"]}
