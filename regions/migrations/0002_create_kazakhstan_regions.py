from django.db import migrations

# The 17 oblasts (after the 2022 reform) and the 3 cities of republican significance.
REGIONS = [
    ("Астана қаласы", "astana", "city"),
    ("Алматы қаласы", "almaty", "city"),
    ("Шымкент қаласы", "shymkent", "city"),
    ("Абай облысы", "abai-oblysy", "oblast"),
    ("Ақмола облысы", "aqmola-oblysy", "oblast"),
    ("Ақтөбе облысы", "aqtobe-oblysy", "oblast"),
    ("Алматы облысы", "almaty-oblysy", "oblast"),
    ("Атырау облысы", "atyrau-oblysy", "oblast"),
    ("Батыс Қазақстан облысы", "batys-qazaqstan-oblysy", "oblast"),
    ("Жамбыл облысы", "zhambyl-oblysy", "oblast"),
    ("Жетісу облысы", "zhetisu-oblysy", "oblast"),
    ("Қарағанды облысы", "qaragandy-oblysy", "oblast"),
    ("Қостанай облысы", "qostanai-oblysy", "oblast"),
    ("Қызылорда облысы", "qyzylorda-oblysy", "oblast"),
    ("Маңғыстау облысы", "mangystau-oblysy", "oblast"),
    ("Павлодар облысы", "pavlodar-oblysy", "oblast"),
    ("Солтүстік Қазақстан облысы", "soltustik-qazaqstan-oblysy", "oblast"),
    ("Түркістан облысы", "turkistan-oblysy", "oblast"),
    ("Ұлытау облысы", "ulytau-oblysy", "oblast"),
    ("Шығыс Қазақстан облысы", "shygys-qazaqstan-oblysy", "oblast"),
]


def create_regions(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    for position, (name, slug, kind) in enumerate(REGIONS, start=1):
        Region.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "position": position}
        )


def delete_regions(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Region.objects.filter(slug__in=[slug for _, slug, _ in REGIONS], articles__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial"), ("articles", "0001_initial")]

    operations = [migrations.RunPython(create_regions, delete_regions)]
