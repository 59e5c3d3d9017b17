"""Build admin form posts the way the browser sends them.

The admin rejects a post that lacks any field or inline management form the page would have
sent, so tests start from a complete post and override only what they are about.
"""

from django.utils import timezone

ADD_URL = "/admin/articles/article/add/"


def change_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def article_post(*, bylines=(), existing_bylines=(), **overrides) -> dict:
    """The article form's POST: fields plus the bylines inline management form.

    ``bylines`` are new byline rows (authors); ``existing_bylines`` are Byline objects
    already on the story, sent back unchanged.
    """
    data = {
        "title": "Жаңа мектеп ашылды",
        "slug": "",
        "lead": "Қысқа мазмұны",
        "body": "<p>Мәтін</p>",
        "cover_caption": "",
        "cover_credit": "",
        "region": "",
        "tags": "",
        "status": "draft",
    }
    rows = []
    for byline in existing_bylines:
        rows.append({"id": byline.pk, "article": byline.article_id, "author": byline.author_id})
    for author in bylines:
        rows.append({"id": "", "article": "", "author": author.pk})
    data["bylines-TOTAL_FORMS"] = str(len(rows))
    data["bylines-INITIAL_FORMS"] = str(len(existing_bylines))
    data["bylines-MIN_NUM_FORMS"] = "0"
    data["bylines-MAX_NUM_FORMS"] = "1000"
    for i, row in enumerate(rows):
        data[f"bylines-{i}-id"] = row["id"]
        data[f"bylines-{i}-article"] = row["article"]
        data[f"bylines-{i}-author"] = row["author"]
        data[f"bylines-{i}-position"] = str(i)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def split_datetime(value) -> dict:
    """``published_at`` as the admin's two widgets send it: local date and time apart."""
    local = timezone.localtime(value)
    return {
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
    }
