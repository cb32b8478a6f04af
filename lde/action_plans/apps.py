from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    name = "lde.action_plans"
    label = "action_plans"
    verbose_name = "Action plans"
