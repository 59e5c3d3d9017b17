"""Stories keep a snapshot of the library photos their body shows, so the page reads none."""

from django.db import migrations, models

from articles.html import referenced_photo_ids

SNAPSHOT_FIELDS = ("width", "height", "alt", "caption", "credit")


def snapshot_body_photos(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Photo = apps.get_model("photos", "Photo")
    # Only bodies with media references; a text-only story keeps the empty default.
    stories = Article.objects.filter(body__contains="<figure data-").only("pk", "body")
    for story in stories.iterator(chunk_size=500):
        photos = Photo.objects.filter(pk__in=referenced_photo_ids(story.body))
        snapshot = {
            str(photo.pk): {field: getattr(photo, field) for field in SNAPSHOT_FIELDS}
            | {"image": photo.image.name}
            for photo in photos
        }
        Article.objects.filter(pk=story.pk).update(body_photos=snapshot)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_cover_rendition_widths"),
        ("photos", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_photos",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        # Backwards the column goes away with its contents; nothing to undo by hand.
        migrations.RunPython(snapshot_body_photos, migrations.RunPython.noop),
    ]
