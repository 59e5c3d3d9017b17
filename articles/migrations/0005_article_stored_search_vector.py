"""Store the search vector on PostgreSQL instead of indexing an expression.

Ranking needs the vector of every matching story; recomputing it from the body for each one
took about a second for a common word in 10,000 stories. PostgreSQL maintains the generated
column itself, so no model field or save() code is involved, and SQLite never sees it.
"""

from django.db import migrations

VECTOR = (
    "((setweight(to_tsvector('simple'::regconfig, COALESCE(\"title\", '')), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, COALESCE(\"lead\", '')), 'B'))"
    " || setweight(to_tsvector('simple'::regconfig, COALESCE(\"body\", '')), 'C'))"
)


def store_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS article_search_vector")
    schema_editor.execute(
        "ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS article_search_vector ON articles_article "
        "USING gin (search_vector)"
    )


def index_expression(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS article_search_vector ON articles_article USING gin (({VECTOR}))"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_search_indexes"),
    ]

    operations = [migrations.RunPython(store_vector, index_expression)]
