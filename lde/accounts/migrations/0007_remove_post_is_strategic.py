from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_post_level_from_is_strategic"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="post",
            name="is_strategic",
        ),
    ]
