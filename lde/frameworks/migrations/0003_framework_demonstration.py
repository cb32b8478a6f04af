from django.db import migrations, models


class Migration(migrations.Migration):
    """The demo's fictional framework is marked when the demo loads it (run `lde demo` again to
    mark one loaded before this field existed)."""

    dependencies = [
        ("frameworks", "0002_frameworkversion_last_modified"),
    ]

    operations = [
        migrations.AddField(
            model_name="framework",
            name="demonstration",
            field=models.BooleanField(default=False),
        ),
    ]
