"""A strategic post stays strategic; every other post was delivery until its organisation says
otherwise (tactical was not recorded before)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Post = apps.get_model("accounts", "Post")
    Post.objects.filter(is_strategic=True).update(level="strategic")
    Post.objects.filter(is_strategic=False).update(level="delivery")


def backwards(apps, schema_editor):
    Post = apps.get_model("accounts", "Post")
    Post.objects.update(is_strategic=False)
    Post.objects.filter(level="strategic").update(is_strategic=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_post_level"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
