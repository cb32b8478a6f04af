"""How the audit trail names this app's targets (lde.core.audit.sentences): a criterion's
response by its criterion's identifier ("criterion 2.3"), which says nothing of the answer."""

from __future__ import annotations

from lde.core.audit.sentences import target_labeller


@target_labeller("assessments.criterionresponse")
def criterion_responses(ids: list[str]) -> dict[int, str]:
    from lde.assessments.models import CriterionResponse

    return {
        pk: f"criterion {identifier}"
        for pk, identifier in CriterionResponse.objects.filter(
            pk__in=[i for i in ids if i.isdigit()]
        ).values_list("pk", "criterion__identifier")
    }
