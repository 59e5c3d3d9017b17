"""Bylines created before author_for_user stopped using login names get a neutral name.

Their slugs came from the login too, so they change with the name; the old author address
stops working, which is the point.
"""

from django.conf import settings
from django.db import migrations
from django.utils.translation import gettext

from core.text import unique_slug


def rename_login_named_authors(apps, schema_editor):
    Author = apps.get_model("authors", "Author")
    for author in Author.objects.filter(user__isnull=False).select_related("user"):
        user = author.user
        if author.name != getattr(user, "username", None):
            continue
        full_name = f"{user.first_name} {user.last_name}".strip()
        author.name = full_name or gettext("Author %(number)s") % {"number": user.pk}
        author.slug = unique_slug(
            Author, author.name, max_length=150, fallback="author", pk=author.pk
        )
        author.save(update_fields=["name", "slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(rename_login_named_authors, migrations.RunPython.noop),
    ]
