from django.db import migrations, models


class Migration(migrations.Migration):
    """Recreate the 30-minute reader memory with a plain article id (its rows are transient)."""

    dependencies = [
        ("pageviews", "0003_day_index_without_count"),
    ]

    operations = [
        migrations.DeleteModel(name="ReaderMark"),
        migrations.CreateModel(
            name="ReaderMark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reader", models.CharField(max_length=64, verbose_name="reader hash")),
                ("article_id", models.BigIntegerField(verbose_name="article id")),
                ("expires_at", models.DateTimeField(db_index=True, verbose_name="expires at")),
            ],
            options={
                "verbose_name": "recent reader",
                "verbose_name_plural": "recent readers",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("reader", "article_id"), name="unique_reader_article"
                    )
                ],
            },
        ),
    ]
