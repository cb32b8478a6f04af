"""The scope question: "may I do this here" is asked of a partnership (or of the platform)
with `user_can_in`, never by building an unsaved object to ask `user_can` of.

For every scope action, over generated facts: `allows_in` gives what permissions.md says, and
the same answer `allows` gives for any object in that partnership — the rule is written once.
And nothing under lde/ builds a probe object to ask a policy any more.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lde.action_plans.models import Action, ActionStatus
from lde.action_plans.policies import action_policy
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.assessments.policies import assessment_policy
from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.partnerships.models import Role
from lde.sharing.models import InformationSource
from lde.sharing.policies import information_source_policy, protocol_policy
from tests.core.test_every_policy_is_proved import policy_instances

ROOT = Path(__file__).resolve().parents[2]
PARTNERSHIPS = (1, 2, 3)
ROLES = [r.value for r in Role]
READERS = {"coordinator", "board_member", "contributor", "viewer"}


@st.composite
def facts(draw: Any) -> UserFacts:
    roles = draw(
        st.dictionaries(
            st.sampled_from(PARTNERSHIPS),
            st.frozensets(st.sampled_from(ROLES), min_size=1, max_size=3),
            max_size=3,
        )
    )
    organisation = draw(st.none() | st.sampled_from((10, 11)))
    partners = draw(
        st.dictionaries(
            st.sampled_from(PARTNERSHIPS), st.frozensets(st.sampled_from((10, 11, 12))), max_size=3
        )
    )
    return UserFacts(
        user_id=7,
        today=date(2026, 12, 6),
        roles=roles,
        inspected=draw(st.frozensets(st.sampled_from(PARTNERSHIPS), max_size=2)),
        organisation_id=organisation,
        partner_organisations=partners,
    )


def held(f: UserFacts, partnership: int, *roles: str) -> bool:
    return bool(set(f.roles.get(partnership, ())) & set(roles))


# Each scope action: what permissions.md says, and an object of the partnership to ask `allows`.
PARTNERSHIP_SCOPED: list[tuple[Policy[Any], str, Any, Any]] = [
    (
        assessment_policy,
        "start",
        lambda f, p: held(f, p, "coordinator"),
        lambda p: Assessment(
            partnership_id=p, kind=AssessmentKind.SELF, status=AssessmentStatus.DRAFT
        ),
    ),
    (
        action_policy,
        "view",
        lambda f, p: held(f, p, *READERS) or p in f.inspected,
        lambda p: Action(partnership_id=p, status=ActionStatus.PLANNED),
    ),
    (
        action_policy,
        "raise",
        lambda f, p: held(f, p, "coordinator", "board_member"),
        lambda p: Action(partnership_id=p, status=ActionStatus.PLANNED),
    ),
    (
        information_source_policy,
        "view",
        lambda f, p: held(f, p, *READERS) or p in f.inspected,
        lambda p: InformationSource(partnership_id=p),
    ),
    (
        information_source_policy,
        "manage",
        lambda f, p: held(f, p, "coordinator"),
        lambda p: InformationSource(partnership_id=p),
    ),
]


@settings(max_examples=300, deadline=None)
@given(f=facts(), partnership=st.sampled_from(PARTNERSHIPS))
def test_a_partnership_is_asked_what_permissions_md_says(f: UserFacts, partnership: int) -> None:
    for policy, action, reference, instance in PARTNERSHIP_SCOPED:
        expected = reference(f, partnership)
        assert policy.allows_in(f, action, partnership) is expected, (policy, action)
        # One rule: an object in the partnership gets the same answer.
        assert policy.allows(f, action, instance(partnership)) is expected, (policy, action)


@settings(max_examples=300, deadline=None)
@given(f=facts())
def test_drafting_a_protocol_is_asked_of_the_platform(f: UserFacts) -> None:
    """permissions.md: a coordinator drafts a protocol for their own organisation, when it is a
    partner of a partnership they coordinate."""
    coordinated = [p for p in PARTNERSHIPS if held(f, p, "coordinator")]
    expected = f.organisation_id is not None and any(
        f.organisation_id in f.partner_organisations.get(p, ()) for p in coordinated
    )
    assert protocol_policy.allows_in(f, "create", None) is expected


def test_every_scope_action_says_who_can() -> None:
    for name, policy in policy_instances().items():
        for action in policy.scope_actions:
            assert policy.who_can.get(action), f"{name}: no 'who can' sentence for {action!r}"


def test_an_object_action_is_not_asked_of_a_scope() -> None:
    import pytest

    with pytest.raises(ValueError, match="not of a scope"):
        action_policy.user_can_in(None, "edit", 1)  # type: ignore[arg-type]


# `x_policy.user_can(user, "act", Model(...))` or `.require(…, Model(…))`: an unsaved probe.
PROBE = re.compile(r"_policy\.(?:user_can|require)\(\s*[^()]*?,\s*\"\w+\",\s*[A-Z]\w*\(", re.S)


def test_no_policy_is_asked_of_an_unsaved_probe() -> None:
    found = []
    for path in sorted((ROOT / "lde").rglob("*.py")):
        text = path.read_text()
        found += [f"{path.relative_to(ROOT)}: {m.group(0)[:60]}" for m in PROBE.finditer(text)]
        if re.search(r"\bprobe\s*=\s*[A-Z]\w*\(", text):
            found.append(f"{path.relative_to(ROOT)}: a probe object")
    assert not found, "ask user_can_in / require_in of the scope instead:\n" + "\n".join(found)
