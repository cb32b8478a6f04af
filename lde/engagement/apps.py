from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "lde.engagement"
    label = "engagement"
    verbose_name = "Community engagement and communications"
