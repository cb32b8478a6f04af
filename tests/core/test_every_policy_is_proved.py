"""Every access policy has a property test proving that its two answers agree.

Each policy answers "may this user do X to this object" (`allows`) and "which objects"
(`filter_for`) — one rule stated twice — and architecture.md ("One predicate") asks that property
tests over generated worlds prove the two agree. This test finds every policy instance at module
level in every app's `policies` module under lde/ and checks it against the table below: a new
policy without a property test, or a table entry naming a test that does not exist or never
mentions the policy, fails the build.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from lde.core.access.policy import Policy

ROOT = Path(__file__).resolve().parents[2]

# Each policy instance, by its name in its app's policies module, and the property test that
# proves `allows` and `filter_for` agree for it over generated worlds.
PROVED_BY = {
    "document_request_policy": "tests/inspections/test_policy_properties.py",
    "interview_note_policy": "tests/inspections/test_policy_properties.py",
    "pre_visit_analysis_policy": "tests/inspections/test_policy_properties.py",
    "programme_policy": "tests/inspections/test_policy_properties.py",
    "site_policy": "tests/inspections/test_policy_properties.py",
    "visit_policy": "tests/inspections/test_policy_properties.py",
    "area_data_set_policy": "tests/rollups/test_policy_properties.py",
    "area_neighbour_policy": "tests/rollups/test_policy_properties.py",
    "peer_review_request_policy": "tests/rollups/test_policy_properties.py",
    "distribution_policy": "tests/rollups/test_distributions_properties.py",
    "money_distribution_policy": "tests/rollups/test_distributions_properties.py",
    "open_data_release_policy": "tests/rollups/test_opendata_policy_properties.py",
    "questionnaire_policy": "tests/surveys/questionnaires/test_policy_properties.py",
    "readiness_plan_policy": "tests/consequence_management/test_policy_properties.py",
    "key_contact_policy": "tests/consequence_management/test_policy_properties.py",
    "cascade_policy": "tests/consequence_management/test_policy_properties.py",
    "exercise_policy": "tests/consequence_management/test_policy_properties.py",
    "entry_policy": "tests/what_works/test_policy_properties.py",
    "finding_policy": "tests/inspections/test_learning_policy_properties.py",
    "key_learning_policy": "tests/inspections/test_learning_policy_properties.py",
    "case_study_policy": "tests/inspections/test_learning_policy_properties.py",
    "site_feedback_policy": "tests/inspections/test_learning_policy_properties.py",
    "advisory_member_policy": "tests/inspections/test_learning_policy_properties.py",
    "advisory_comment_policy": "tests/inspections/test_learning_policy_properties.py",
    "survey_data_set_policy": "tests/surveys/datasets/test_policy_properties.py",
    "saved_estimate_policy": "tests/surveys/datasets/test_policy_properties.py",
    "funding_stream_policy": "tests/programme/test_policy_properties.py",
    "allocation_policy": "tests/programme/test_policy_properties.py",
    "tier_label_policy": "tests/programme/test_policy_properties.py",
    "project_funding_policy": "tests/programme/test_policy_properties.py",
    "project_policy": "tests/programme/test_policy_properties.py",
    "activity_policy": "tests/programme/test_policy_properties.py",
    "alliance_pot_policy": "tests/programme/test_policy_properties.py",
    "pot_contribution_policy": "tests/programme/test_policy_properties.py",
    "call_policy": "tests/commissioning/test_policy_properties.py",
    "bid_policy": "tests/commissioning/test_policy_properties.py",
    "applicant_bid_policy": "tests/commissioning/test_policy_properties.py",
    "devolved_pot_policy": "tests/commissioning/test_devolved_pot_properties.py",
    "agreement_policy": "tests/monitoring/test_policy_properties.py",
    "return_policy": "tests/monitoring/test_policy_properties.py",
    "indicator_policy": "tests/indicators/test_policy_properties.py",
    "applicant_agreement_policy": "tests/monitoring/test_policy_properties.py",
    "applicant_return_policy": "tests/monitoring/test_policy_properties.py",
    "board_member_policy": "tests/capacity/test_policy_properties.py",
    "terms_of_reference_policy": "tests/capacity/test_policy_properties.py",
    "board_meeting_policy": "tests/capacity/test_policy_properties.py",
    "board_decision_policy": "tests/capacity/test_policy_properties.py",
    "scrutiny_session_policy": "tests/capacity/test_policy_properties.py",
    "course_policy": "tests/capacity/test_policy_properties.py",
    "training_session_policy": "tests/capacity/test_policy_properties.py",
    "team_policy": "tests/capacity/test_policy_properties.py",
    "training_attendance_policy": "tests/capacity/test_policy_properties.py",
    "community_relationship_policy": "tests/capacity/test_policy_properties.py",
    "partnership_policy": "tests/core/test_access_properties.py",
    "membership_policy": "tests/core/test_access_properties.py",
    "alliance_policy": "tests/partnerships/test_policy_properties.py",
    "assignment_policy": "tests/partnerships/test_policy_properties.py",
    "organisation_policy": "tests/core/test_access_properties.py",
    "post_policy": "tests/core/test_access_properties.py",
    "clearance_policy": "tests/core/test_access_properties.py",
    "caveat_grant_policy": "tests/accounts/test_policy_properties.py",
    "api_token_policy": "tests/accounts/test_policy_properties.py",
    "person_policy": "tests/accounts/test_person_policy_properties.py",
    "marking_policy": "tests/core/test_site_settings_properties.py",
    "site_settings_policy": "tests/core/test_site_settings_properties.py",
    "assessment_policy": "tests/assessments/test_policy_properties.py",
    "action_policy": "tests/action_plans/test_policy.py",
    "framework_version_policy": "tests/frameworks/test_policy_properties.py",
    "product_policy": "tests/sharing/test_gateway_properties.py",
    "protocol_policy": "tests/sharing/test_protocol_properties.py",
    "access_request_policy": "tests/sharing/test_access_request_properties.py",
    "information_source_policy": "tests/sharing/test_information_source_properties.py",
    "forum_policy": "tests/engagement/test_policy_properties.py",
    "forum_meeting_policy": "tests/engagement/test_policy_properties.py",
    "initiative_policy": "tests/engagement/test_policy_properties.py",
    "support_request_policy": "tests/engagement/test_policy_properties.py",
    "audience_policy": "tests/engagement/test_policy_properties.py",
    "channel_policy": "tests/engagement/test_policy_properties.py",
    "key_message_policy": "tests/engagement/test_policy_properties.py",
    "media_briefing_policy": "tests/engagement/test_policy_properties.py",
    "spokesperson_policy": "tests/engagement/test_policy_properties.py",
    "school_engagement_policy": "tests/engagement/test_policy_properties.py",
    "school_activity_policy": "tests/engagement/test_policy_properties.py",
    "narrative_policy": "tests/narratives/test_policy_properties.py",
}


def policies_modules() -> list[str]:
    """The dotted name of every `policies` module (or package) of an app under lde/."""
    found = []
    for path in sorted((ROOT / "lde").rglob("policies.py")) + sorted(
        (ROOT / "lde").rglob("policies/__init__.py")
    ):
        relative = path.relative_to(ROOT).with_suffix("")
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        found.append(".".join(parts))
    return sorted(found)


def policy_instances() -> dict[str, Policy[Any]]:
    """Every module-level Policy instance of every policies module, by name. The same instance
    imported into another policies module counts once; two different policies may not share a
    name."""
    found: dict[str, Policy[Any]] = {}
    for module_name in policies_modules():
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if isinstance(value, Policy):
                assert found.get(name, value) is value, f"two policies are named {name}"
                found[name] = value
    return found


def test_the_policies_modules_are_found() -> None:
    modules = policies_modules()
    for expected in (
        "lde.accounts.policies",
        "lde.action_plans.policies",
        "lde.assessments.policies",
        "lde.frameworks.policies",
        "lde.partnerships.policies",
        "lde.sharing.policies",
    ):
        assert expected in modules


def test_every_policy_has_a_property_test_and_every_entry_is_a_policy() -> None:
    found = policy_instances()
    missing = sorted(set(found) - set(PROVED_BY))
    stale = sorted(set(PROVED_BY) - set(found))
    assert missing == [], f"policies without a property test in PROVED_BY: {missing}"
    assert stale == [], f"PROVED_BY names policies that do not exist: {stale}"
    assert len(found) == len(PROVED_BY)


def test_each_property_test_exists_and_names_its_policy() -> None:
    for name, test_module in PROVED_BY.items():
        path = ROOT / test_module
        assert path.is_file(), (name, test_module)
        text = path.read_text(encoding="utf-8")
        assert name in text, f"{test_module} does not mention {name}"
        # It compares the filter with the per-object answer.
        assert "visible_to" in text, test_module
        assert "user_can" in text or ".allows(" in text, test_module
