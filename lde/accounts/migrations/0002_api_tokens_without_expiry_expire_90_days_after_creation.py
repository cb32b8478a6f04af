"""Tokens made before every token had to expire: each now expires 90 days after it was made
(in Europe/London), as if it had been made under the rule. Those older than that stop working."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def expire_90_days_after_creation(apps, schema_editor):
    api_token = apps.get_model("accounts", "ApiToken")
    for token in api_token.objects.filter(expires_on__isnull=True).only("pk", "created_at"):
        expires_on = timezone.localdate(token.created_at) + timedelta(days=90)
        api_token.objects.filter(pk=token.pk).update(expires_on=expires_on)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RunPython(expire_90_days_after_creation, migrations.RunPython.noop),
    ]
