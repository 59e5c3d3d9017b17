"""Reads for the public pages that span models: related stories, home blocks, listings."""

import math

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, RowNumber

from articles import images
from articles.models import (
    PAGE_ONLY_FIELDS,
    Article,
    Byline,
    Tag,
    TaggedArticle,
    published_condition,
)
from authors.models import Author
from core import cache, pages
from regions.models import Region

# How many of a shared tag's latest stories may compete, and how many of the story's rarest
# tags count: enough for any real story, bounded for 100,000 stories.
CANDIDATES_PER_TAG = 200
MAX_TAGS = 12
# Similar news keeps more ids than it shows, so a story taken down leaves a full block.
SIMILAR_KEPT = 10


def latest_cards(*, bylines: bool = True):
    """Published stories, newest first, shaped for cards (see ``ArticleQuerySet.for_cards``)."""
    return Article.objects.published().for_cards(bylines=bylines).latest_first()


def cover_is_public(name: str) -> bool:
    """Whether the stored file ``name`` (a cover or one of its renditions) belongs to a
    published story: one query on the indexed ``Article.cover_image``."""
    candidates = images.original_candidates(name)
    return Article.objects.published().filter(cover_image__in=candidates).exists()


def public_tags():
    """Tags with a published story. A tag only drafts carry names an unpublished story (an
    embargoed «Әкім отставкасы»): its page, feed and sitemap entry wait until one goes live."""
    live = TaggedArticle.objects.filter(published_condition("content_object__"), tag=OuterRef("pk"))
    return Tag.objects.filter(Exists(live))


def public_authors():
    """Authors with a published story; a staff byline is created at the first draft, and a
    page for it would announce who is writing what before anything is out."""
    live = Byline.objects.filter(published_condition("article__"), author=OuterRef("pk"))
    return Author.objects.filter(Exists(live))


# Counting stops here: a tag on 60,000 stories weighs hardly less than one on 2,000, and
# counting them all took 25-50 ms per article page at 100,000 stories.
TAG_USAGE_CAP = 2000


def article_tags(article: Article, *, with_usage: bool = False) -> list[Tag]:
    """Return the article's tags by name; ``with_usage`` annotates each with ``usage``: how
    many stories carry it, exact below ``TAG_USAGE_CAP`` and capped there.

    Only ranking Similar news needs the usage, and counting costs a subquery per tag: a
    story page asks for it only when the story's ranking is not kept yet.
    """
    tags = Tag.objects.filter(
        pk__in=TaggedArticle.objects.filter(content_object=article).values("tag")
    )
    if with_usage:
        quote = connection.ops.quote_name
        tagged, tag = quote(TaggedArticle._meta.db_table), quote(Tag._meta.db_table)
        capped = RawSQL(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {tagged} capped_usage "
            f"WHERE capped_usage.tag_id = {tag}.id LIMIT %s) capped_count",
            (TAG_USAGE_CAP,),
            output_field=IntegerField(),
        )
        tags = tags.annotate(usage=capped)
    return list(tags.order_by("name"))


def tag_weight(usage: int) -> float:
    """A tag shared by few stories says more about relatedness than one on every story."""
    return 1.0 / math.log(1 + max(usage, 1))


def article_related_list(article: Article, *, limit: int = 5, tags=None) -> list[Article]:
    """Return up to ``limit`` published stories related to ``article``, best first.

    Ranked by shared tags (each weighted by its rarity), then the same region, then recency;
    when too few share anything, the latest stories fill the list. Never the article itself.
    ``tags`` may pass the story's tags when the caller has them; ranking needs their usage
    and counts it itself when they come without. Regions and bylines are not loaded here:
    callers prefetch them with their own stories.

    The ranking is kept with the story (``Article.similar_ids``), ranked again when the story
    or its tags change and forgotten by the stories it ranks (``forget_neighbours``), which
    rank again on their next read. So a reader pays one lookup by primary key, and a publish
    elsewhere on the site no longer makes every story rank again.
    """
    ids = article.similar_ids if "similar_ids" in article.__dict__ else None
    if ids is not None:
        cards = Article.objects.published().for_cards(bylines=False)
        # The first ``limit`` are nearly always all still published; the rest stand by.
        stories = cards.in_bulk(ids[:limit])
        if len(stories) < min(limit, len(ids)):
            stories = cards.in_bulk(ids)
        kept = [stories[pk] for pk in ids if pk in stories]
        if len(kept) >= limit or len(kept) == len(ids):
            return kept[:limit]
    return rank_and_keep(article, tags=tags, limit=limit)[:limit]


def rank_and_keep(article: Article, *, tags=None, limit: int = SIMILAR_KEPT) -> list[Article]:
    """Rank the story's Similar news now and keep the ranking with it."""
    ranked = _article_related_ranked(article, limit=max(limit, SIMILAR_KEPT), tags=tags)
    article.similar_ids = [story.pk for story in ranked]
    if article.pk is not None:
        # A field update: no history row, no new updated_at, no signals.
        Article.objects.filter(pk=article.pk).update(similar_ids=article.similar_ids)
    return ranked


def rank_similar_again(article: Article) -> None:
    """After the story or its tags changed: rank it now, and let every story whose ranking
    may include it (its neighbours before and after) rank again on its next read."""
    before = set(article.similar_ids or ()) if "similar_ids" in article.__dict__ else set()
    if not article.is_published():
        forget_neighbours(before, besides=article.pk)
        return
    ranked = [story.pk for story in rank_and_keep(article)]
    forget_neighbours(before | set(ranked), besides=article.pk)


def forget_neighbours(ids, *, besides: int | None = None) -> None:
    ids = set(ids) - {besides}
    if ids:
        # SQL NULL ("rank on the next read"), which a JSONField stores for None.
        Article.objects.filter(pk__in=ids, similar_ids__isnull=False).update(similar_ids=None)
        # Rendered again, their pages rank again; their cards elsewhere stay as they are.
        pages.bump_stories(ids, own_pages_only=True)


# What can move a story in or out of another's Similar news.
RANKED_FIELDS = {"status", "published_at", "region"}


def similar_after_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and not RANKED_FIELDS & set(update_fields)):
        return
    rank_similar_again(instance)


def similar_after_tags_change(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if reverse:  # tag.articles changed: those stories rank again on their next read
        forget_neighbours(pk_set or ())
    else:
        rank_similar_again(instance)


def _article_related_ranked(article: Article, *, limit: int, tags) -> list[Article]:
    if tags is None or not all(hasattr(tag, "usage") for tag in tags):
        tags = article_tags(article, with_usage=True)
    rarest = sorted(tags, key=lambda tag: getattr(tag, "usage", 1))[:MAX_TAGS]
    weights = {tag.pk: tag_weight(getattr(tag, "usage", 1)) for tag in rarest}
    published = Article.objects.published().exclude(pk=article.pk)

    # Only stories that can rank at all are scored: each shared tag's latest stories, the
    # region's latest and the site's latest. A tag on half the site would otherwise drag
    # every story into the scoring; each subquery is a short backward index scan.
    sources = [published.latest_first().values("pk")[:limit]]
    if article.region_id:
        region_latest = published.filter(region_id=article.region_id).latest_first()
        sources.append(region_latest.values("pk")[:limit])
    for tag_id in weights:
        tagged = TaggedArticle.objects.filter(tag_id=tag_id).order_by("-content_object_id")
        sources.append(tagged.values("content_object")[:CANDIDATES_PER_TAG])
    if connection.features.supports_slicing_ordering_in_compound:
        # One IN (... UNION ALL ...) lets PostgreSQL look up a few hundred candidates by
        # primary key; OR-ed IN subqueries made it walk every story (700 ms at 100,000).
        candidates = Q(pk__in=sources[0].union(*sources[1:], all=True))
    else:  # SQLite cannot slice inside UNION; its sites are small
        candidates = Q()
        for source in sources:
            candidates |= Q(pk__in=source)

    queryset = published.filter(candidates).for_cards(bylines=False)
    if weights:
        # A per-story subquery rather than a join and GROUP BY: grouping a few hundred wide
        # story rows cost more than the scoring itself.
        shared_weight = (
            TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag_id__in=weights)
            .order_by()
            .values("content_object")
            .annotate(
                total=Sum(
                    Case(
                        *[When(tag_id=pk, then=Value(w)) for pk, w in weights.items()],
                        default=Value(0.0),
                        output_field=FloatField(),
                    )
                )
            )
            .values("total")
        )
        queryset = queryset.annotate(
            score=Coalesce(
                Subquery(shared_weight, output_field=FloatField()),
                Value(0.0),
                output_field=FloatField(),
            )
        )
    else:
        queryset = queryset.annotate(score=Value(0.0, output_field=FloatField()))
    queryset = queryset.annotate(
        same_region=Case(
            When(region_id=article.region_id, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        if article.region_id
        else Value(0, output_field=IntegerField())
    )
    return list(queryset.order_by("-score", "-same_region", "-published_at", "-id")[:limit])


def featured_list(*, limit: int = 4) -> list[Article]:
    """Lead stories for the home page: featured ones, else simply the latest."""
    published = latest_cards(bylines=False)
    return list(published.filter(is_featured=True)[:limit]) or list(published[:limit])


def region_blocks(*, per_region: int = 4) -> list[tuple[Region, list[Article]]]:
    """Return each active region with its latest stories, in two queries whatever the count.

    Regions without published stories are left out. Kept in the cache under the content
    generation (any publish or edit makes it fresh): building 20 blocks costs ~15 ms of
    query building and loading on every home page miss otherwise.
    """
    return cache.fragment(
        f"region-blocks:{per_region}", lambda: region_blocks_uncached(per_region=per_region)
    )


def region_blocks_uncached(*, per_region: int) -> list[tuple[Region, list[Article]]]:
    regions = list(Region.objects.active())
    if not regions:
        return []
    if connection.features.supports_slicing_ordering_in_compound:
        # One short index scan per region (article_published_region), glued with UNION ALL:
        # a window over every published story sorted 100,000 rows for 80 cards (~300 ms).
        latest = Article.objects.published().defer(*PAGE_ONLY_FIELDS).latest_first()
        parts = [latest.filter(region_id=region.pk)[:per_region] for region in regions]
        ranked = parts[0].union(*parts[1:], all=True)
    else:
        ranked = _region_blocks_ranked(regions, per_region)
    by_region: dict[int, list[Article]] = {}
    for story in ranked:
        by_region.setdefault(story.region_id, []).append(story)
    blocks = []
    for region in regions:
        stories = by_region.get(region.pk)
        if stories:
            # UNION ALL promises no order of its own.
            stories.sort(key=lambda story: (story.published_at, story.pk), reverse=True)
            for story in stories:
                story.region = region  # already loaded: no query per card
            blocks.append((region, stories))
    return blocks


def _region_blocks_ranked(regions, per_region: int):
    return (
        Article.objects.published()
        .defer(*PAGE_ONLY_FIELDS)
        .filter(region__in=[r.pk for r in regions])
        .annotate(
            region_rank=Window(
                RowNumber(),
                partition_by=[F("region_id")],
                order_by=[F("published_at").desc(), F("id").desc()],
            )
        )
        .filter(region_rank__lte=per_region)
        .order_by("region_id", "region_rank")
    )
