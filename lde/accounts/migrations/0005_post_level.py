from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_text_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="level",
            field=models.CharField(
                choices=[
                    ("strategic", "Strategic"),
                    ("tactical", "Tactical"),
                    ("delivery", "Delivery"),
                ],
                default="delivery",
                help_text="Strategic, tactical or delivery (¶92). Strategic posts of a partner "
                "organisation count towards briefing coverage (¶59).",
                max_length=12,
            ),
        ),
    ]
