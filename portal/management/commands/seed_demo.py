"""Demo and benchmark content: the seed page's stories plus N generated ones.

Deterministic (seeded random) and idempotent: generated slugs do not depend on the clock or
the database, and stories whose slug already exists are skipped with everything hanging off
them. Generated stories go in with bulk inserts, so their bodies are sanitized and their slugs
made unique here, where ``Article.save`` would otherwise do it.
"""

import io
import itertools
import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from articles import images
from articles.html import sanitize_html
from articles.models import Article, Byline, Tag, TaggedArticle
from authors.models import Author
from core import cache
from core.text import latin_slugify
from pageviews.models import DailyPageViews
from photos.models import Photo
from portal.management import demo_data
from portal.management.demo_text import TextMaker, cover_image, person_names, tag_names
from regions.models import Region

DEMO_USERS = [
    # username, password, group, first name, last name
    ("editor", "editor-demo-2024", "Editor", "Гүлнар", "Әбдірахманова"),
    ("journalist", "journalist-demo-2024", "Journalist", "Ермек", "Сахариев"),
]
COVER_FILES = 8
BATCH = 2000
HISTORY_DAYS = 90


def demo_rendition_widths(width: int, height: int) -> list[int]:
    # save_picture made every rendition of the shared demo files.
    return [w for w, _h in images.rendition_sizes(width, height)]


class Command(BaseCommand):
    help = "Create demo content (users, authors, tags, the seed story and N generated stories)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=60, help="Generated stories.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any article exists."
        )
        parser.add_argument("--seed", type=int, default=2021, help="Random seed.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG=0 (demo accounts have published passwords).",
        )

    def handle(self, *args, articles, if_empty, seed, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            # The demo accounts' passwords are printed in README.md: on a live site they are
            # an open door. Benchmarks that want them on a production-like set-up say so.
            raise CommandError(
                "seed_demo creates staff accounts with published passwords and refuses to run "
                "with DEBUG=0. Use DEBUG=1 (make run does), or pass --allow-production if this "
                "really is a throwaway site."
            )
        if if_empty and Article.objects.exists():
            self.stdout.write("Articles exist already; demo content not loaded.")
            return
        seeder = DemoSeeder(articles=max(articles, 0), seed=seed, verbosity=options["verbosity"])
        created = seeder.run()
        if created > 1000:
            _refresh_planner_statistics()
        _refresh_page_cache()
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {created} new articles."))


def _refresh_planner_statistics():
    # Right after a bulk load PostgreSQL knows nothing of the new rows: plans would be made
    # for empty tables, and index-only scans need the visibility map that VACUUM writes.
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table for model in (Article, Byline, TaggedArticle, Tag, DailyPageViews)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


def _refresh_page_cache():
    # Bulk inserts send no signals, so the page cache and Top news learn about them here.
    cache.bump_content()
    cache.bump_counts()


class DemoSeeder:
    def __init__(self, *, articles: int, seed: int, verbosity: int = 1):
        self.count = articles
        self.seed = seed
        # Each phase has its own random stream, so skipping one on a second run (its rows
        # exist) does not shift what the next one generates.
        self.use_random("seed-stories")
        self.verbosity = verbosity
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.regions = {region.slug: region for region in Region.objects.all()}

    def use_random(self, phase: str) -> None:
        self.rng = random.Random(f"{self.seed}-{phase}")
        self.text = TextMaker(self.rng)

    def run(self) -> int:
        users = self.create_users()
        self.covers = self.create_cover_files()
        created = self.create_seed_stories()
        created += self.create_media_stories(users["editor"])
        authors = self.create_authors()
        tags = self.create_tags()
        created += self.create_generated(authors, tags, users)
        return created

    # --- people ---------------------------------------------------------------------------
    def create_users(self) -> dict[str, User]:
        users = {}
        for username, password, group, first, last in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.kz",
                    is_staff=True,
                )
                user.set_password(password)
                user.save()
                user.groups.add(Group.objects.get(name=group))
            # An existing account keeps its password, groups and staff flag: it may be a real
            # person's who happens to be called "editor", or a demo login someone changed.
            users[username] = user
        journalist_author = self.author(demo_data.SEED_AUTHOR, region="almaty")
        if journalist_author.user_id is None:
            journalist_author.user = users["journalist"]
            journalist_author.save(update_fields=["user"])
        return users

    def author(self, name: str, *, region: str | None = None, **extra) -> Author:
        slug = latin_slugify(name, max_length=140, fallback="author")
        author, _ = Author.objects.get_or_create(
            slug=slug, defaults={"name": name, "region": self.regions.get(region), **extra}
        )
        return author

    def create_authors(self) -> list[Author]:
        wanted = 12 if self.count <= 1000 else min(300, max(12, self.count // 300))
        names = person_names(wanted)
        slugs = {latin_slugify(name, max_length=140): name for name in names}
        existing = set(Author.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        regions = list(self.regions.values())
        Author.objects.bulk_create(
            Author(name=name, slug=slug, region=regions[i % len(regions)])
            for i, (slug, name) in enumerate(slugs.items())
            if slug not in existing
        )
        return list(Author.objects.filter(slug__in=slugs).order_by("slug"))

    # --- tags -----------------------------------------------------------------------------
    def create_tags(self) -> list[Tag]:
        wanted = min(2000, max(25, self.count // 50))
        names = tag_names(wanted)
        by_norm = {name.casefold(): name for name in names}
        existing = {t.normalized: t for t in Tag.objects.filter(normalized__in=by_norm)}
        used_slugs = set(Tag.objects.values_list("slug", flat=True))
        new = []
        for norm, name in by_norm.items():
            if norm in existing:
                continue
            base = Tag().slugify(name)
            slug, n = base, 1
            while slug in used_slugs:
                n += 1
                slug = f"{base}-{n}"
            used_slugs.add(slug)
            new.append(Tag(name=name, slug=slug, normalized=norm))
        Tag.objects.bulk_create(new, batch_size=BATCH)
        found = {t.normalized: t for t in Tag.objects.filter(normalized__in=by_norm)}
        # Rank order matters: the first tags are the common ones.
        return [found[name.casefold()] for name in names]

    # --- pictures -------------------------------------------------------------------------
    def save_picture(self, name: str, index: int) -> tuple[str, int, int]:
        path = f"covers/demo/{name}.jpg"
        image = cover_image(index)
        if not default_storage.exists(path):
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=80, optimize=True)
            path = default_storage.save(path, ContentFile(buffer.getvalue()))
        # Articles below point at the shared files directly, so Article.save never sees a
        # new upload; the renditions the public pages use are made here instead.
        if not default_storage.exists(images.rendition_name(path, images.RENDITION_WIDTHS[0])):
            images.make_renditions(path)
        return path, image.width, image.height

    def create_cover_files(self) -> list[tuple[str, int, int]]:
        return [self.save_picture(f"demo-cover-{i + 1}", i) for i in range(COVER_FILES)]

    # --- the seed page --------------------------------------------------------------------
    def at(self, ymd: tuple[int, int, int], hour: int = 10) -> datetime:
        return timezone.make_aware(datetime.combine(date(*ymd), time(hour, 0)))

    def create_seed_stories(self) -> int:
        created = 0
        tags = list(demo_data.SEED_TAGS)
        source_name, source_url = demo_data.EXTERNAL_SOURCE
        self.author(source_name, is_external=True, url=source_url)
        seed_path, width, height = self.save_picture("azamattyq-qogam", 3)
        body = "".join(f"<p>{p}</p>" for p in demo_data.seed_paragraphs())
        if self._story(
            demo_data.SEED_TITLE,
            demo_data.SEED_AUTHOR,
            demo_data.SEED_REGION,
            demo_data.SEED_DATE,
            views=0,
            body=body,
            tags=tags,
            cover=(seed_path, width, height),
        ):
            created += 1
        for i, (title, author, region, ymd, views) in enumerate(demo_data.SIMILAR_STORIES):
            story_tags = tags[: 2 + i % 3] + ["Өңір"]
            created += bool(self._story(title, author, region, ymd, views=views, tags=story_tags))
        for title, author, region, ymd, views in demo_data.TOP_STORIES:
            created += bool(self._story(title, author, region, ymd, views=views, tags=["Қоғам"]))
        return created

    # --- the photo library, galleries and embeds ------------------------------------------
    def create_library_photos(self, uploader) -> list[Photo]:
        photos = []
        for i, (alt, caption, credit) in enumerate(demo_data.LIBRARY_PHOTOS):
            photo = Photo.objects.filter(alt=alt).first()
            if photo is None:
                buffer = io.BytesIO()
                cover_image(COVER_FILES + i).save(buffer, "JPEG", quality=80, optimize=True)
                # Through the model, as an upload: checked, cleaned, renditions written.
                photo = Photo(alt=alt, caption=caption, credit=credit, uploaded_by=uploader)
                photo.image.save(
                    f"demo-photo-{i + 1}.jpg", ContentFile(buffer.getvalue()), save=False
                )
                photo.image._committed = False
                photo.save()
            photos.append(photo)
        return photos

    def create_media_stories(self, uploader) -> int:
        photos = self.create_library_photos(uploader)
        ids = [photo.pk for photo in photos]

        def paragraphs(n: int) -> list[str]:
            return [f"<p>{self.text.sentence(14, 24)} {self.text.sentence()}</p>" for _ in range(n)]

        p = paragraphs(8)
        bodies = {
            "photos": (
                f'{p[0]}<figure data-photo="{ids[0]}"></figure>{p[1]}{p[2]}'
                f'<figure data-photo="{ids[1]}"></figure>{p[3]}'
            ),
            "gallery": (
                f'{p[0]}{p[1]}<figure data-gallery="{",".join(map(str, ids[2:]))}"></figure>{p[2]}'
            ),
            "youtube": (f'{p[4]}<figure data-embed="{demo_data.DEMO_YOUTUBE_URL}"></figure>{p[5]}'),
            "telegram": (
                f'{p[6]}<figure data-embed="{demo_data.DEMO_TELEGRAM_URL}"></figure>{p[7]}'
            ),
        }
        created = 0
        for kind, (title, author, region, ymd, views) in demo_data.MEDIA_STORIES.items():
            story = self._story(
                title, author, region, ymd, views=views, tags=["Өңір"], body=bodies[kind]
            )
            created += bool(story)
        return created

    def _story(self, title, author_name, region, ymd, *, views, tags, body=None, cover=None):
        slug = latin_slugify(title, max_length=200, fallback="news")
        if Article.objects.filter(slug=slug).exists():
            return None
        article = Article(
            title=title,
            slug=slug,
            lead=self.text.sentence(12, 20),
            body=body or self.text.body(),
            region=self.regions.get(region),
            status=Article.Status.PUBLISHED,
            published_at=self.at(ymd),
        )
        if cover:
            article.cover_image.name, article.cover_width, article.cover_height = cover
            article.cover_rendition_widths = demo_rendition_widths(cover[1], cover[2])
            article.cover_caption = "Алматы қаласы әкімдігінің алқа жиыны"
            article.cover_credit = "Алматы қаласы әкімдігі"
        article.save()
        Byline.objects.create(article=article, author=self.author(author_name, region=region))
        article.tags.add(*tags)
        DailyPageViews.objects.bulk_create(
            DailyPageViews(article=article, day=day, count=count)
            for day, count in self.spread_views(date(*ymd), views, days=5)
        )
        Article.objects.filter(pk=article.pk).update(view_count=views)
        return article

    def spread_views(self, first_day: date, total: int, *, days: int) -> list[tuple[date, int]]:
        """``(day, reads)`` for ``total`` reads decaying over ``days`` days, summing exactly."""
        days = max(1, min(days, (self.today - first_day).days + 1))
        weights = [0.55**i for i in range(days)]
        scale = total / sum(weights)
        counts = [int(w * scale) for w in weights]
        counts[0] += total - sum(counts)
        return [(first_day + timedelta(days=i), c) for i, c in enumerate(counts) if c > 0]

    # --- generated stories ----------------------------------------------------------------
    def create_generated(self, authors, tags, users) -> int:
        self.use_random("generated")
        rng = self.rng
        weights = [1 / (rank**1.1) for rank in range(1, len(tags) + 1)]
        cum_weights = list(itertools.accumulate(weights))
        regions = list(self.regions.values())
        region_weights = [4 if r.kind == Region.Kind.CITY else 1 for r in regions]
        special = max(2, self.count // 400) if self.count >= 10 else 0
        picks = rng.sample(range(self.count), min(self.count, 3 * special))
        status_of = {i: ("draft", "review", "scheduled")[n // special] for n, i in enumerate(picks)}
        journalist_author = Author.objects.get(user=users["journalist"])
        used_slugs: set[str] = set()
        evergreen_chance = max(0.02, 10 / max(self.count, 1))
        created = 0
        progress = tqdm(
            total=self.count, desc="articles", unit="art", disable=self.verbosity == 0, leave=False
        )
        for start in range(0, self.count, BATCH):
            plans = []
            for i in range(start, min(start + BATCH, self.count)):
                title = self.text.title()
                base = latin_slugify(title, max_length=80, fallback="news")
                slug, n = base, 1
                while slug in used_slugs:
                    n += 1
                    slug = f"{base}-{n}"
                used_slugs.add(slug)
                kind = status_of.get(i, "published")
                age = timedelta(seconds=rng.random() * HISTORY_DAYS * 86400)
                published_at = self.now - age
                if kind == "scheduled":
                    published_at = self.now + timedelta(hours=rng.randint(2, 72))
                elif kind in ("draft", "review"):
                    published_at = None
                article = Article(
                    title=title,
                    slug=slug,
                    lead=self.text.sentence(12, 20),
                    body=sanitize_html(self.text.body()),
                    region=rng.choices(regions, weights=region_weights)[0],
                    status=Article.Status.PUBLISHED if kind == "scheduled" else kind,
                    published_at=published_at,
                    is_featured=kind == "published" and rng.random() < 0.03,
                    created_by=users["journalist"] if kind in ("draft", "review") else None,
                )
                if rng.random() < 0.4:
                    path, width, height = rng.choice(self.covers)
                    article.cover_image.name = path
                    article.cover_width, article.cover_height = width, height
                    article.cover_rendition_widths = demo_rendition_widths(width, height)
                if kind in ("draft", "review"):
                    article_authors = [journalist_author]
                else:
                    article_authors = rng.sample(authors, 2 if rng.random() < 0.1 else 1)
                wanted = rng.randint(3, 8)
                chosen: dict[int, Tag] = {}
                while len(chosen) < min(wanted, len(tags)):
                    for tag in rng.choices(tags, cum_weights=cum_weights, k=wanted):
                        chosen.setdefault(tag.pk, tag)
                article_tags = list(chosen.values())[:wanted]
                views = self.plan_views(article, evergreen_chance)
                plans.append((article, article_authors, article_tags, views))
            created += self.insert_batch(plans)
            progress.update(len(plans))
        progress.close()
        return created

    def plan_views(self, article: Article, evergreen_chance: float) -> list[tuple[date, int]]:
        rng = self.rng
        if not article.is_published(at=self.now):
            return []
        first_day = timezone.localdate(article.published_at)
        total = max(5, min(6000, int(rng.lognormvariate(5.3, 1.0))))
        rows = self.spread_views(first_day, total, days=rng.randint(2, 7))
        if rng.random() < evergreen_chance:
            # A story people keep finding: a trickle of reads every day up to today.
            last = rows[-1][0] if rows else first_day - timedelta(days=1)
            day = last + timedelta(days=1)
            while day <= self.today:
                rows.append((day, rng.randint(1, 12)))
                day += timedelta(days=1)
        return rows

    @transaction.atomic
    def insert_batch(self, plans) -> int:
        slugs = [article.slug for article, *_ in plans]
        existing = set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        plans = [plan for plan in plans if plan[0].slug not in existing]
        if not plans:
            return 0
        for article, _, _, views in plans:
            article.view_count = sum(count for _, count in views)
        articles = Article.objects.bulk_create([article for article, *_ in plans])
        bylines, tagged, daily = [], [], []
        for article, (_, article_authors, article_tags, views) in zip(articles, plans, strict=True):
            bylines += [
                Byline(article_id=article.pk, author_id=author.pk, position=position)
                for position, author in enumerate(article_authors)
            ]
            tagged += [
                TaggedArticle(content_object_id=article.pk, tag_id=t.pk) for t in article_tags
            ]
            daily += [DailyPageViews(article_id=article.pk, day=d, count=c) for d, c in views]
        Byline.objects.bulk_create(bylines, batch_size=BATCH)
        TaggedArticle.objects.bulk_create(tagged, batch_size=5000)
        DailyPageViews.objects.bulk_create(daily, batch_size=5000)
        return len(articles)
