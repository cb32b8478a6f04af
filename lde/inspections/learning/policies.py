"""The six policies of the cross-site learning, where the platform looks for every policy (each
must be proved by a property test, listed in tests/core/test_every_policy_is_proved.py). Written
in `lde.inspections.learning_policies`, beside the learning's other modules."""

from __future__ import annotations

from lde.inspections.learning_policies import (
    advisory_comment_policy,
    advisory_member_policy,
    case_study_policy,
    finding_policy,
    key_learning_policy,
    site_feedback_policy,
)

__all__ = [
    "advisory_comment_policy",
    "advisory_member_policy",
    "case_study_policy",
    "finding_policy",
    "key_learning_policy",
    "site_feedback_policy",
]
