"""Data: the default marking schemes, the instance ceiling, and the audit chain's genesis head.

Vetting per marking and the mapping of the older scheme are starting values, editable by a site
administrator: there is no official one-to-one mapping between the two schemes.
"""

from django.db import migrations

CURRENT = [
    # code, label, rank, required vetting (0 none, 10 BPSS, 30 SC, 50 DV)
    ("official", "OFFICIAL", 10, 0),
    ("official-sensitive", "OFFICIAL-SENSITIVE", 20, 10),
    ("secret", "SECRET", 30, 30),
    ("top-secret", "TOP SECRET", 40, 50),
]
LEGACY = [
    # code, label, maps onto
    ("unclassified", "UNCLASSIFIED", "official"),
    ("protect", "PROTECT", "official"),
    ("restricted", "RESTRICTED", "official"),
    ("confidential", "CONFIDENTIAL", "official-sensitive"),
    ("legacy-secret", "SECRET (before 2014)", "secret"),
    ("legacy-top-secret", "TOP SECRET (before 2014)", "top-secret"),
]


def forwards(apps, schema_editor):
    Marking = apps.get_model("core", "Marking")
    SiteSettings = apps.get_model("core", "SiteSettings")
    AuditHead = apps.get_model("core", "AuditHead")
    current = {}
    for code, label, rank, vetting in CURRENT:
        current[code] = Marking.objects.create(
            code=code, label=label, scheme="gsc", rank=rank, required_vetting=vetting
        )
    for code, label, target in LEGACY:
        mapped = current[target]
        Marking.objects.create(
            code=code,
            label=label,
            scheme="gpms",
            rank=mapped.rank,
            maps_to=mapped,
            required_vetting=mapped.required_vetting,
            description="Older Government Protective Marking Scheme, handled as "
            f"{mapped.label}.",
        )
    SiteSettings.objects.create(ceiling=current["official-sensitive"])
    AuditHead.objects.create(sequence=0, hash="0" * 64)


def backwards(apps, schema_editor):
    apps.get_model("core", "AuditHead").objects.all().delete()
    apps.get_model("core", "SiteSettings").objects.all().delete()
    apps.get_model("core", "Marking").objects.filter(scheme="gpms").delete()
    apps.get_model("core", "Marking").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
