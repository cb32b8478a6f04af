from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sharing", "0005_clear_text_of_records_held_elsewhere")]

    operations = [
        migrations.AddConstraint(
            model_name="briefingproduct",
            constraint=models.CheckConstraint(
                condition=models.Q(("held_elsewhere", False), ("summary", ""), _connector="OR"),
                name="held_elsewhere_has_no_summary",
            ),
        ),
        migrations.AddConstraint(
            model_name="briefingproduct",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("held_elsewhere", True), ("title_releasable_declared", False), _connector="OR"
                ),
                name="title_declared_only_on_records_held_elsewhere",
            ),
        ),
    ]
