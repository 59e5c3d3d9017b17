"""Search over published stories: PostgreSQL full text plus trigrams, a SQLite fallback.

Both databases give the same meaning to a query: every term must begin a word of the title,
lead or body, case-insensitively in any alphabet, title matches first. PostgreSQL adds typo
tolerance on titles (pg_trgm); SQLite, the embedded development database, scans with a
Python function because its LIKE folds only ASCII letters.
"""

import html
import re
import time
from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, IntegerField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.shortcuts import render
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from core.clients import network_key
from core.listing import paginate, render_list

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
PER_PAGE = 20
# Strict word similarity compares whole words, so «облысында» does not match «барысында»
# (0.33) through their shared ending; 0.4 still lets one wrong letter in a six-letter word
# through («мектрп» finds «мектеп»), where pg_trgm's default of 0.5 would not.
TRIGRAM_THRESHOLD = 0.4
# Shorter words have too few trigrams: a one-letter slip turns them into other common words.
TYPO_MIN_LENGTH = 5
SNIPPET_LENGTH = 240

# On PostgreSQL the weighted vector (title A, lead B, body C) is a stored generated column
# with a GIN index, added by migration 0005; the model does not declare it because SQLite
# has no such column.
# How many of the newest matching stories are ranked on PostgreSQL. Measured at 100,000
# stories on a word in 44 % of them: 1000 candidates cost 54 ms of database time, 200 cost
# 13 ms. The price: a better-matching story older than the newest 200 matches no longer
# reaches the first page (for such words, 5-7 of the first 20 stay the same); a reader who
# wants it adds a second word, which narrows the matches and so reaches further back.
SEARCH_CANDIDATES = 200

SEARCH_VECTOR = RawSQL('"articles_article"."search_vector"', [], output_field=SearchVectorField())

_TERM = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^>]*>")


def search_terms(query: str) -> list[str]:
    """Return the distinct case-folded words of the query's first 200 characters."""
    words = _TERM.findall(query[:MAX_QUERY_LENGTH].casefold())
    return list(dict.fromkeys(words))[:MAX_TERMS]


def article_search(terms: list[str]) -> QuerySet[Article]:
    """Return published stories matching every term, best first; none for no terms."""
    # Snippets quote the body when the lead lacks the term.
    articles = Article.objects.published().for_cards().defer(None).defer("body_photos")
    if not terms:
        return articles.none()
    if connection.vendor == "postgresql":
        return _postgres_search(articles, terms)
    return _fallback_search(articles, terms)


class _TrigramWordMatch(Func):
    """``title %>> 'term'``: some word of the title is close to the term (GIN-indexed)."""

    arg_joiner = " %%>> "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _StrictWordSimilarity(Func):
    function = "strict_word_similarity"
    output_field = FloatField()


def _prefix_query(terms: list[str], operator: str) -> SearchQuery:
    # Terms hold only letters and digits, so this raw tsquery cannot be malformed.
    raw = f" {operator} ".join(f"{term}:*" for term in terms)
    return SearchQuery(raw, search_type="raw", config="simple")


def postgres_match(terms: list[str]) -> Q:
    """Every term begins a word (``search`` annotation) or, if long, is near a title word."""
    condition = Q()
    for term in terms:
        term_matches = Q(search=_prefix_query([term], "&"))
        if len(term) >= TYPO_MIN_LENGTH:
            term_matches |= Q(_TrigramWordMatch(F("title"), Value(term)))
        condition &= term_matches
    return condition


def _postgres_search(articles: QuerySet[Article], terms: list[str]) -> QuerySet[Article]:
    with connection.cursor() as cursor:
        # Session-wide on purpose: only trigram operators read it, and only search uses them.
        cursor.execute("SET pg_trgm.strict_word_similarity_threshold = %s", [TRIGRAM_THRESHOLD])
    return (
        articles.filter(pk__in=_newest_matches(articles, terms))
        .annotate(
            # Any-term query: a story matching more terms exactly ranks higher.
            rank=SearchRank(SEARCH_VECTOR, _prefix_query(terms, "|")),
            similarity=_StrictWordSimilarity(Value(" ".join(terms)), F("title")),
        )
        .order_by("-rank", "-similarity", "-published_at", "-id")
    )


def _newest_matches(articles: QuerySet[Article], terms: list[str]) -> RawSQL:
    """The ids of the newest ``SEARCH_CANDIDATES`` matching stories, as a subquery.

    Ranking costs a ts_rank and a trigram similarity per matching story: for a word found in
    most of 100,000 stories that was 1-4 s per search. Only the newest matches compete for
    the top (what a news reader expects anyway), which keeps a common word near 13 ms. The CTE is
    MATERIALIZED because, inlined, PostgreSQL planned the ranking over every match again.
    """
    newest = (
        articles.annotate(search=SEARCH_VECTOR)
        .filter(postgres_match(terms))
        .order_by("-published_at", "-id")
        .values("pk")[:SEARCH_CANDIDATES]
    )
    sql, params = newest.query.sql_with_params()
    return RawSQL(f"WITH newest AS MATERIALIZED ({sql}) SELECT * FROM newest", params)


def _fold(text: str | None) -> str:
    return html.unescape(_TAG.sub(" ", text or "")).casefold()


@lru_cache(maxsize=64)
def _word_starts(terms: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(r"(?<![^\W_])" + re.escape(term)) for term in terms.split())


def _match_score(terms: str, title: str | None, lead: str | None, body: str | None) -> int:
    """0 unless every term begins a word somewhere; title hits weigh most, then the lead."""
    fields = [(_fold(title), 100), (_fold(lead), 10), (_fold(body), 1)]
    score = 0
    for pattern in _word_starts(terms):
        term_score = sum(weight for text, weight in fields if pattern.search(text))
        if not term_score:
            return 0
        score += term_score
    return score


class _MatchScore(Func):
    function = "portal_search_score"
    output_field = IntegerField()


def _fallback_search(articles: QuerySet[Article], terms: list[str]) -> QuerySet[Article]:
    if connection.vendor == "sqlite":
        # Registered per search, not once per connection, so a connection opened before this
        # module was imported gets it too; it costs microseconds.
        connection.ensure_connection()
        connection.connection.create_function(
            "portal_search_score", 4, _match_score, deterministic=True
        )
    score = _MatchScore(Value(" ".join(terms)), F("title"), F("lead"), F("body"))
    return (
        articles.annotate(score=score)
        .filter(score__gt=0)
        .order_by("-score", "-published_at", "-id")
    )


def highlight(text: str, terms: list[str]) -> SafeString:
    """Escape ``text`` and wrap each word beginning with a term in <mark>."""
    if not terms:
        return escape(text)
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})", re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group()))
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # every piece was escaped above


def snippet(article: Article, terms: list[str]) -> SafeString:
    """The lead, or the passage of the body around the first term found when the lead lacks it."""
    lead = article.lead or ""
    patterns = _word_starts(" ".join(terms)) if terms else ()
    if not any(pattern.search(lead.casefold()) for pattern in patterns):
        # The body is sanitized HTML (no comments, scripts or ">" inside attributes), so a
        # regular expression strips it; Django's strip_tags parses it several times over.
        text = " ".join(html.unescape(_TAG.sub(" ", article.body or "")).split())
        folded = text.casefold()
        starts = [m.start() for p in patterns if (m := p.search(folded))]
        if starts:
            return highlight(_excerpt(text, min(starts)), terms)
    return highlight(lead, terms)


def _excerpt(text: str, at: int) -> str:
    """About SNIPPET_LENGTH characters of ``text`` around position ``at``, cut between words."""
    lead_in = SNIPPET_LENGTH // 3
    start = 0
    if at > lead_in:
        space = text.find(" ", at - lead_in, at)
        start = space + 1 if space != -1 else at - lead_in
    end = start + SNIPPET_LENGTH
    if end < len(text):
        space = text.rfind(" ", at, end)
        end = space if space != -1 else end
    passage = text[start:end].strip()
    return ("… " if start else "") + passage + (" …" if end < len(text) else "")


def search_throttled_for(request) -> int:
    """Seconds the client must wait when its network ran too many searches this minute, else 0.

    Only searches that reach this view count: repeated queries come from the page cache for
    free. A fixed one-minute window in the shared cache, so every worker and server agrees;
    a whole town behind one carrier address shares the budget, hence a generous default.
    """
    limit = settings.SEARCH_RENDERS_PER_MINUTE
    if limit <= 0 or not terms_requested(request):
        return 0
    now = time.time()
    window = int(now // 60)
    key = f"search-rate:{network_key(request, 'search.rate')}:{window}"
    try:
        cache.add(key, 0, 120)
        used = cache.incr(key)
    except Exception:  # a sick cache must not take search down with it
        return 0
    return 0 if used <= limit else max(1, int((window + 1) * 60 - now))


def terms_requested(request) -> bool:
    return bool(search_terms(request.GET.get("q", "")))


def search_view(request):
    wait = search_throttled_for(request)
    if wait:
        response = render(request, "articles/search_throttled.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    query = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    terms = search_terms(query)
    page = paginate(request, article_search(terms), per_page=PER_PAGE)
    for article in page.items:
        # The story card shows these instead of the plain title and lead when present.
        article.highlighted_title = highlight(article.title, terms)
        article.highlighted_lead = snippet(article, terms)
    return render_list(request, "articles/search.html", page, {"query": query, "terms": terms})
