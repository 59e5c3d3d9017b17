"""Rank the Similar news of published stories that have no ranking kept yet.

Stories rank themselves on their first read anyway; this does it ahead of the readers, after
an upgrade or a bulk import, so no reader (or crawler walking old stories) waits for it.
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import Article
from articles.selectors import rank_and_keep

BATCH = 500


class Command(BaseCommand):
    help = "Rank and keep the Similar news of published stories that have none kept."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="rank every published story again, not only those without a ranking",
        )

    def handle(self, *args, everything=False, **options):
        stories = Article.objects.published()
        if not everything:
            stories = stories.filter(similar_ids__isnull=True)
        ids = list(stories.order_by("-published_at", "-id").values_list("pk", flat=True))
        # Newest first: those are the ones readers open. Batches keep memory flat.
        for start in tqdm(
            range(0, len(ids), BATCH), unit="batch", disable=options["verbosity"] < 1
        ):
            batch = Article.objects.filter(pk__in=ids[start : start + BATCH]).only(
                "pk", "region_id", "status", "published_at"
            )
            for story in batch:
                rank_and_keep(story)
        self.stdout.write(f"Ranked the Similar news of {len(ids)} stories.")
