"""The demo's questionnaires: built through the services under an evaluation protocol in force,
every collection state once, about thirty people answering before and after so that the change
page shows an interval and effect sizes; running the builder again adds nothing; the demo's
participant link opens the answer page with no sign-in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lde.core.audit.chain import audit_verify
from lde.core.audit.models import AuditEvent
from lde.partnerships.demo import demo_build as partnerships_demo
from lde.partnerships.models import Membership, Role
from lde.sharing.models import Protocol, ProtocolStatus
from lde.surveys.models import (
    Answer,
    Collection,
    CollectionStatus,
    ParticipantLink,
    Questionnaire,
    Response,
    Wave,
)
from lde.surveys.questionnaires import demo, services
from lde.surveys.questionnaires.analysis import change_for
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def built() -> None:
    partnerships_demo()
    demo.demo_build()


def _coordinator() -> object:
    return (
        Membership.objects.filter(partnership__name=demo.PARTNERSHIP, role=Role.COORDINATOR)
        .order_by("pk")
        .first()
        .user  # type: ignore[union-attr]
    )


def test_the_demo_has_every_state_under_a_protocol_in_force(built: None) -> None:
    protocol = Protocol.objects.get(title=demo.PROTOCOL)
    assert protocol.status == ProtocolStatus.IN_FORCE
    assert services.protocol_problems(protocol) == []
    states = sorted(Collection.objects.values_list("status", flat=True))
    # Each state once, and open twice: with answers (after) and with links unused (pilot).
    assert states == sorted(["closed", "open", "open", "draft"])
    voices = Questionnaire.objects.get(title=demo.VOICES)
    assert voices.protocol == protocol
    before = voices.collections.get(wave=Wave.BEFORE)
    after = voices.collections.get(wave=Wave.AFTER)
    assert (before.status, after.status) == (CollectionStatus.CLOSED, CollectionStatus.OPEN)
    assert before.responses.count() == demo.PAIRED + demo.BEFORE_ONLY
    assert after.responses.count() == demo.PAIRED
    assert after.links.filter(used_at__isnull=True).count() == demo.UNUSED_AFTER
    pilot = Collection.objects.get(title=demo.PILOT_BEFORE)
    assert pilot.status == CollectionStatus.OPEN and pilot.responses.count() == 0
    assert pilot.links.filter(used_at__isnull=True).count() > 0
    assert Collection.objects.get(title=demo.PILOT_AFTER).status == CollectionStatus.DRAFT
    venues = Questionnaire.objects.get(title=demo.VENUES)
    assert venues.protocol is None and not venues.collections.exists()
    assert services.protocol_problems(venues.protocol)
    # The invented email address was withheld by the personal-data guard, not stored.
    withheld = Answer.objects.exclude(withheld="")
    assert withheld.exists() and not withheld.exclude(value="").exists()
    assert not Answer.objects.filter(value__contains="@").exists()
    # Built through the services: each answer and each opening audited, the chain intact.
    assert AuditEvent.objects.filter(verb="QUESTIONNAIRE_ANSWERED").count() == (
        Response.objects.count()
    )
    assert AuditEvent.objects.filter(verb="COLLECTION_OPENED").count() == 3
    assert audit_verify().problems == []


def test_the_change_page_shows_thirty_pairs_an_interval_and_effect_sizes(built: None) -> None:
    voices = Questionnaire.objects.get(title=demo.VOICES)
    coordinator = _coordinator()
    changes = change_for(user=coordinator, questionnaire=voices)  # type: ignore[arg-type]
    assert [c.question.name for c in changes] == [name for name, _, _ in demo.SCALES]
    for change in changes:
        assert change.n == demo.PAIRED and change.before_only == demo.BEFORE_ONLY
        figures = change.figures
        assert figures["ci_low"] is not None and figures["ci_high"] is not None
        assert figures["ci_low"] < figures["mean_difference"] < figures["ci_high"]  # type: ignore[operator]
        assert figures["d_z"] is not None and figures["g_av"] is not None
    # Knowing where to get help rose clearly: its interval lies above nothing changing.
    know_help = changes[1].figures
    assert know_help["ci_low"] > 0  # type: ignore[operator]
    page = sign_in(Client(), coordinator).get(
        reverse("questionnaires:questionnaire-change", args=[voices.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert f"among {demo.PAIRED} people who answered both times" in text
    assert "95% interval" in text


def test_the_answers_are_the_same_every_time() -> None:
    assert demo.participants() == demo.participants()
    people = demo.participants()
    assert len({p.code for p in people}) == demo.PAIRED + demo.BEFORE_ONLY
    assert sum(1 for p in people if p.after) == demo.PAIRED


def test_running_the_builder_again_adds_nothing(built: None) -> None:
    counts = (
        Protocol.objects.count(),
        Questionnaire.objects.count(),
        Collection.objects.count(),
        Response.objects.count(),
        ParticipantLink.objects.count(),
    )
    demo.demo_build()
    assert counts == (
        Protocol.objects.count(),
        Questionnaire.objects.count(),
        Collection.objects.count(),
        Response.objects.count(),
        ParticipantLink.objects.count(),
    )


def test_the_demo_link_opens_the_answer_page_without_signing_in(built: None) -> None:
    url = demo.demo_link()
    path = url.split("://", 1)[-1].split("/", 1)[1]
    page = Client().get("/" + path)
    assert page.status_code == 200
    assert "How confident do you feel talking with your child" in page.content.decode()
    # A second call issues another link: the demo cannot print one it kept, it keeps none.
    assert demo.demo_link() != url


def test_no_demo_link_before_the_demo() -> None:
    with pytest.raises(LookupError, match="run `lde demo` first"):
        demo.demo_link()
