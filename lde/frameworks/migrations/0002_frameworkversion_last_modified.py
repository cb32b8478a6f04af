import django.utils.timezone
from django.db import migrations, models


def from_created_at(apps, schema_editor):
    """Versions loaded before this field existed were last changed when they were loaded."""
    FrameworkVersion = apps.get_model("frameworks", "FrameworkVersion")
    for version in FrameworkVersion.objects.all().only("pk", "created_at"):
        FrameworkVersion.objects.filter(pk=version.pk).update(
            last_modified=version.created_at.replace(microsecond=0)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("frameworks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="frameworkversion",
            name="last_modified",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(from_created_at, migrations.RunPython.noop),
    ]
