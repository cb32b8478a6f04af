from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lde.accounts"
    label = "accounts"
    verbose_name = "People and organisations"
