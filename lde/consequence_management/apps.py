from django.apps import AppConfig


class ConsequenceManagementConfig(AppConfig):
    name = "lde.consequence_management"
    label = "consequence_management"
    verbose_name = "Consequence management"
