"""A record of material held above the ceiling holds only a short title, who holds it and how to
ask. Any summary or body such a record was given before that rule is cleared, so that nothing of
the material stays on a platform not cleared to hold it. Its title stays, undeclared: the next
version must be declared releasable at the ceiling before it can be sent for review."""

from django.db import migrations


def clear_text(apps, schema_editor):  # type: ignore[no-untyped-def]
    product = apps.get_model("sharing", "BriefingProduct")
    product.objects.filter(held_elsewhere=True).exclude(summary="", body="").update(
        summary="", body=""
    )


class Migration(migrations.Migration):
    dependencies = [("sharing", "0004_briefingproduct_title_releasable_declared")]

    operations = [migrations.RunPython(clear_text, migrations.RunPython.noop)]
