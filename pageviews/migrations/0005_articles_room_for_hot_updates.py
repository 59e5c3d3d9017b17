from django.db import migrations

def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Every counted read without Redis updates the article's view_count. With free space on
    # its page, PostgreSQL updates the row in place (a HOT update) instead of writing a new
    # entry into every article index (full-text, trigram, listing indexes). New articles,
    # which are the ones being read, get pages with that room.
    table = schema_editor.quote_name(apps.get_model("articles", "Article")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = 85)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("articles", "Article")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_article_stored_search_vector"),
        ("pageviews", "0004_reader_mark_without_foreign_key"),
    ]

    operations = [migrations.RunPython(leave_room, fill_pages)]
