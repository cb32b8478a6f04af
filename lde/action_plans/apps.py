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
