"""Indexes for /search/ on PostgreSQL; SQLite searches without them (see articles/search.py).

The vector expression must stay byte-for-byte what ``articles.search.SEARCH_VECTOR`` compiles
to, or the planner stops using the index (tests/search/test_postgres.py checks the plan).
The body is indexed as stored HTML on purpose: PostgreSQL's text-search parser reads tags and
entities as their own token types, which the ``simple`` configuration does not index.
"""

from django.db import migrations

VECTOR = (
    "((setweight(to_tsvector('simple'::regconfig, COALESCE(\"title\", '')), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, COALESCE(\"lead\", '')), 'B'))"
    " || setweight(to_tsvector('simple'::regconfig, COALESCE(\"body\", '')), 'C'))"
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS article_search_vector ON articles_article USING gin (({VECTOR}))"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS article_title_trgm ON articles_article "
        "USING gin (title gin_trgm_ops)"
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS article_search_vector")
    schema_editor.execute("DROP INDEX IF EXISTS article_title_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_cover_image_validator"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
