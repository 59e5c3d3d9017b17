import redis
from django.core.management.base import BaseCommand, CommandError

from pageviews import conf
from pageviews.services import applied_flushes_prune, pageviews_flush, reader_marks_prune


class Command(BaseCommand):
    help = (
        "Move the reads buffered in Redis into the database. Safe to run at any time, twice "
        "at once, or after a killed run; without PAGEVIEWS_REDIS_URL or REDIS_URL there is "
        "no buffer and it does nothing. The site also flushes by itself once the oldest "
        "buffered read is PAGEVIEWS_FLUSH_AFTER_SECONDS old (30 s by default)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None, help="Reads per transaction.")

    def handle(self, *args, batch_size=None, **options):
        if not conf.redis_url():
            self.stdout.write(
                "No PAGEVIEWS_REDIS_URL or REDIS_URL: reads go straight to the database, "
                "nothing to flush."
            )
            reader_marks_prune()
            return
        try:
            result = pageviews_flush(batch_size=batch_size)
        except redis.RedisError as error:
            raise CommandError(f"The counting Redis does not answer: {error}") from error
        reader_marks_prune()
        applied_flushes_prune()
        self.stdout.write(
            f"Flushed {result.reads} reads from {result.buffers} buffer(s) "
            f"in {result.batches} batch(es)."
        )
