from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sharing", "0003_informationsource")]

    operations = [
        migrations.AddField(
            model_name="briefingproduct",
            name="title_releasable_declared",
            field=models.BooleanField(
                default=False,
                help_text="For a record of material held above the ceiling: the holder's "
                "declaration that its short title is itself releasable at the ceiling.",
                verbose_name="the title itself may be released at the platform's ceiling",
            ),
        ),
    ]
