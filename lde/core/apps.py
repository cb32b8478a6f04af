from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lde.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from lde.core.limits import refuse_text_over_its_limit

        # Every model's text limit, checked on every save (lde.core.limits).
        pre_save.connect(refuse_text_over_its_limit, dispatch_uid="lde.core.limits")

        # The Django admin is read-only tooling (lde.core.admin); by now the admin app, listed
        # first, has imported every app's and package's admin module.
        from django.contrib import admin

        from lde.core.admin import admin_read_only

        admin_read_only(admin.site)
