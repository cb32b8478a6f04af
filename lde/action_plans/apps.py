from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    name = "lde.action_plans"
    label = "action_plans"
    verbose_name = "Action plans"

    def ready(self) -> None:
        # The board report belongs to assessments, below this app: it reads its actions through
        # the function registered here rather than importing action plans.
        from lde.action_plans.selectors import board_report_actions
        from lde.assessments.reports import actions_reader_register

        actions_reader_register(board_report_actions)

        # A partner organisation is taken out of a partnership in partnerships, below this
        # app: it asks here how many open actions the organisation still owns, and refuses
        # while there are any (ADR 0028).
        from lde.action_plans.selectors import open_actions_owned_by
        from lde.partnerships.selectors import PartnerDependents, partner_dependents_register

        partner_dependents_register(
            "action_plans.open_actions",
            PartnerDependents(
                singular="open action it owns",
                plural="open actions it owns",
                remedy="give each to another partner organisation, or cancel it, first",
                count=open_actions_owned_by,
            ),
        )
