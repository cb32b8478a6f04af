"""Questionnaire services: the XLSForm import (all of it or nothing, each problem named by
sheet, row and column), opening under a protocol in force, links, answers joined by code, the
personal-data guard, and the daily retention job."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lde.core.audit.models import AuditEvent
from lde.core.refusals import Conflict
from lde.sharing.models import ProtocolStatus
from lde.surveys.models import (
    Answer,
    Collection,
    CollectionStatus,
    ParticipantLink,
    Question,
    Questionnaire,
    Response,
    Wave,
)
from lde.surveys.questionnaires import services
from lde.surveys.questionnaires.tasks import questionnaire_answers_retention
from tests.surveys.questionnaires.builders import (
    SURVEY,
    collection,
    protocol,
    questionnaire,
    xlsform,
)
from tests.surveys.questionnaires.conftest import Cast

pytestmark = pytest.mark.django_db


def _detail(event: AuditEvent) -> dict[str, object]:
    return dict(json.loads(event.payload)["detail"])


def test_an_xlsform_is_imported_with_its_types_groups_choices_and_settings(cast: Cast) -> None:
    made = services.questionnaire_import_xlsform(
        actor=cast.coordinator, partnership=cast.partnership, data=xlsform(), name="youth.xlsx"
    )
    assert (made.title, made.form_id, made.version) == ("Youth voice", "youth_voice", "2026-1")
    kinds = list(made.questions.values_list("kind", "name"))
    assert kinds == [
        ("note", "intro"),
        ("begin_group", "views"),
        ("select_one", "confidence"),
        ("integer", "trusted"),
        ("end_group", ""),
        ("select_multiple", "where"),
        ("text", "where_other"),
        ("decimal", "hours"),
        ("date", "joined"),
        ("text", "comment"),
    ]
    trusted = made.questions.get(name="trusted")
    assert (trusted.required, trusted.constraint, trusted.constraint_message) == (
        True,
        ". >= 0 and . <= 50",
        "Between 0 and 50",
    )
    assert made.choices.filter(list_name="agree5").count() == 5
    event = AuditEvent.objects.get(verb="QUESTIONNAIRE_IMPORTED")
    assert _detail(event) == {"questions": 10, "choices": 8}


def test_an_xlsform_with_a_bad_row_changes_nothing_and_names_sheet_row_and_column(
    cast: Cast,
) -> None:
    survey = [list(row) for row in SURVEY]
    survey[4][0] = "select_one nowhere"  # row 5: a list the choices sheet lacks
    survey[8][6] = ". <> 3"  # row 9: an operator the platform does not read
    survey[9][0] = "geopoint"  # row 10: a type it does not read
    with pytest.raises(services.XlsformRefused) as refused:
        services.questionnaire_import_xlsform(
            actor=cast.coordinator,
            partnership=cast.partnership,
            data=xlsform(survey),
            name="bad.xlsx",
        )
    words = [str(p) for p in refused.value.problems]
    assert (
        "survey sheet, row 10, column type: geopoint is not a type this platform reads"
        in (words[1])
    )
    assert any(
        w.startswith("survey sheet, row 9, column constraint: cannot read it") for w in words
    )
    assert (
        "survey sheet, row 5, column type: the choices list nowhere is not on the choices sheet"
        in words
    )
    assert Questionnaire.objects.count() == 0
    assert Question.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="QUESTIONNAIRE_IMPORTED").exists()


def test_a_choices_row_and_an_unknown_name_are_named_too(cast: Cast) -> None:
    survey = [list(row) for row in SURVEY]
    survey[7][5] = "selected(${wher}, 'other')"
    choices = [["list_name", "name", "label"], ["agree5", "1", "One"], ["agree5", "1", "Again"]]
    with pytest.raises(services.XlsformRefused) as refused:
        services.questionnaire_import_xlsform(
            actor=cast.coordinator,
            partnership=cast.partnership,
            data=xlsform(survey, choices),
            name="bad.xlsx",
        )
    words = [str(p) for p in refused.value.problems]
    assert "survey sheet, row 8, column relevant: ${wher} is not the name of a question" in words
    assert "choices sheet, row 3, column name: 1 is already in agree5" in words


def test_a_file_that_is_not_a_workbook_is_refused_by_its_content(cast: Cast) -> None:
    with pytest.raises(ValidationError) as refused:
        services.questionnaire_import_xlsform(
            actor=cast.coordinator,
            partnership=cast.partnership,
            data=b"type,name\ninteger,age\n",
            name="form.xlsx",
        )
    assert "file" in refused.value.message_dict
    assert Questionnaire.objects.count() == 0


def test_only_a_coordinator_imports(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        services.questionnaire_import_xlsform(
            actor=cast.viewer, partnership=cast.partnership, data=xlsform(), name="f.xlsx"
        )


def test_a_collection_opens_only_under_a_protocol_in_force_that_names_what_it_must(
    cast: Cast,
) -> None:
    made = questionnaire(cast.partnership, with_protocol=False)
    wave = collection(made, status=CollectionStatus.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.collection_open(actor=cast.coordinator, collection=wave)
    assert refused.value.message_dict["status"] == [
        "Choose the information sharing protocol the answers are collected under"
    ]
    made.protocol = protocol(status=ProtocolStatus.SUSPENDED, dpia_reference="")
    made.save()
    with pytest.raises(ValidationError) as refused:
        services.collection_open(actor=cast.coordinator, collection=wave)
    assert refused.value.message_dict["status"] == [
        "The protocol Youth project evaluation is not in force",
        "The protocol Youth project evaluation does not name a data protection impact assessment",
    ]
    wave.refresh_from_db()
    assert wave.status == CollectionStatus.DRAFT
    made.protocol = protocol()
    made.save()
    services.collection_open(actor=cast.coordinator, collection=wave)
    wave.refresh_from_db()
    assert wave.status == CollectionStatus.OPEN and wave.opened_at is not None
    assert list(wave.history.values_list("from_status", "to_status")) == [("draft", "open")]
    assert AuditEvent.objects.filter(verb="COLLECTION_OPENED").count() == 1
    with pytest.raises(Conflict):
        services.question_add(
            actor=cast.coordinator,
            questionnaire=made,
            kind="integer",
            name="late",
            label="Too late",
        )


def _answer(token: str, code: str, confidence: str, **more: str) -> services.Submitted:
    return services.response_submit(token=token, code=code, data={"confidence": confidence, **more})


def test_a_link_answers_once_and_the_answers_are_kept_by_code_alone(cast: Cast) -> None:
    made = questionnaire(cast.partnership)
    wave = collection(made)
    [token] = services.links_issue(actor=cast.coordinator, collection=wave, count=1)
    assert not ParticipantLink.objects.filter(token_hash=token).exists()  # only the hash
    submitted = _answer(token, "bcdf 2345", "4", trusted="3")
    assert submitted.response.code == "BCDF-2345"
    assert list(Answer.objects.order_by("question__position").values_list("value", "number")) == [
        ("4", 4),
        ("3", 3),
    ]
    with pytest.raises(services.LinkRefused) as refused:
        _answer(token, "BCDF-2346", "2")
    assert refused.value.reason == "used"
    event = AuditEvent.objects.get(verb="QUESTIONNAIRE_ANSWERED")
    assert event.actor_id is None and _detail(event) == {"answers": 2, "withheld": 0}


def test_answers_are_checked_before_anything_is_stored(cast: Cast) -> None:
    made = questionnaire(cast.partnership)
    [token] = services.links_issue(actor=cast.coordinator, collection=collection(made), count=1)
    with pytest.raises(services.AnswersRefused) as refused:
        services.response_submit(token=token, code="Jo Bloggs", data={"trusted": "51"})
    assert refused.value.problems == {
        "code": "Enter your code: 8 letters and numbers, like BCDF-2345",
        "confidence": "Select an answer for I feel confident reporting a hate crime",
        "trusted": "50 at most",
    }
    assert Response.objects.count() == 0
    assert ParticipantLink.objects.get().used_at is None


def test_free_text_with_a_persons_identifier_is_not_stored(cast: Cast) -> None:
    made = questionnaire(cast.partnership)
    [token] = services.links_issue(actor=cast.coordinator, collection=collection(made), count=1)
    submitted = _answer(token, "BCDF-2345", "3", comment="Ring me on 07700 900123 about the club")
    answer = Answer.objects.get(question__name="comment")
    assert (answer.value, answer.withheld) == ("", "Phone number")
    assert submitted.withheld == ["Anything else: it looked like it held a phone number"]


def test_expired_and_closed_links_are_refused(cast: Cast) -> None:
    made = questionnaire(cast.partnership)
    wave = collection(made)
    first, second = services.links_issue(actor=cast.coordinator, collection=wave, count=2)
    ParticipantLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.LinkRefused) as refused:
        services.link_check(first)
    assert refused.value.reason == "expired"
    services.collection_close(actor=cast.coordinator, collection=wave)
    with pytest.raises(services.LinkRefused) as refused:
        services.link_check(second)
    assert refused.value.reason == "closed"
    with pytest.raises(services.LinkRefused) as refused:
        services.link_check("made-up")
    assert refused.value.reason == "invalid"


def test_the_daily_job_deletes_answers_past_the_protocols_retention_period(cast: Cast) -> None:
    made = questionnaire(cast.partnership)
    assert made.protocol is not None
    made.protocol.retention_days = 30
    made.protocol.save()
    wave = collection(made)
    old, new = services.links_issue(actor=cast.coordinator, collection=wave, count=2)
    _answer(old, "BCDF-2345", "2")
    _answer(new, "BCDF-2346", "5")
    Response.objects.filter(code="BCDF-2345").update(
        submitted_at=timezone.now() - timedelta(days=31)
    )
    questionnaire_answers_retention()
    assert list(Response.objects.values_list("code", flat=True)) == ["BCDF-2346"]
    assert Answer.objects.filter(response__code="BCDF-2345").count() == 0
    event = AuditEvent.objects.get(verb="QUESTIONNAIRE_ANSWERS_DELETED")
    assert _detail(event) == {"responses": 1, "reason": "past the protocol's retention period"}
    assert event.partnership_id == cast.partnership.pk


def test_questions_are_added_and_moved_in_the_platform(cast: Cast) -> None:
    made = services.questionnaire_create(
        actor=cast.coordinator, partnership=cast.partnership, title="Built here"
    )
    services.question_add(
        actor=cast.coordinator,
        questionnaire=made,
        kind="select_one",
        name="safe",
        label="I feel safe",
        choices_text="1 Not at all\n2 A little\n3 Very",
    )
    second = services.question_add(
        actor=cast.coordinator, questionnaire=made, kind="integer", name="n", label="How many"
    )
    services.question_move(actor=cast.coordinator, question=second, direction="up")
    assert list(made.questions.order_by("position").values_list("name", flat=True)) == [
        "n",
        "safe",
    ]
    assert list(made.choices.values_list("name", "label")) == [
        ("1", "Not at all"),
        ("2", "A little"),
        ("3", "Very"),
    ]
    with pytest.raises(ValidationError) as refused:
        services.question_add(
            actor=cast.coordinator,
            questionnaire=made,
            kind="text",
            name="why",
            label="Why",
            relevant="${nope} = 1",
        )
    assert refused.value.message_dict["relevant"] == ["${nope} is not the name of a question"]


def test_a_wave_takes_each_code_once(cast: Cast) -> None:
    made = questionnaire(cast.partnership)
    wave = collection(made, Wave.AFTER)
    first, second = services.links_issue(actor=cast.coordinator, collection=wave, count=2)
    _answer(first, "BCDF-2345", "2")
    with pytest.raises(services.AnswersRefused) as refused:
        _answer(second, "BCDF-2345", "3")
    assert "already answered" in refused.value.problems["code"]
    assert Collection.objects.get().responses.count() == 1
