from django.apps import AppConfig


class WhatWorksConfig(AppConfig):
    name = "lde.what_works"
    label = "what_works"
    verbose_name = "What works"
