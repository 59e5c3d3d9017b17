from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The 30-minute reader memory is disposable: skipping the write-ahead log makes every
    # counted read cheaper, and after a database crash (the table is then emptied) a reader
    # may at worst be counted once more.
    table = schema_editor.quote_name(apps.get_model("pageviews", "ReaderMark")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("pageviews", "ReaderMark")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("pageviews", "0005_articles_room_for_hot_updates")]

    operations = [migrations.RunPython(unlogged, logged)]
