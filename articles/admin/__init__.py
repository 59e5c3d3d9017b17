"""The newsroom's admin for stories and tags, one module per concern.

``articles``: the story list and form, by role; ``bylines``: the authors inline;
``actions``: bulk workflow actions; ``preview``: preview and history; ``tags``: moderation;
``photos``: which stories use a library photo (extends the photos app's admin).
"""

from articles.admin import photos  # noqa: F401 - registers the photo admin with its usage
from articles.admin.articles import ArticleAdmin
from articles.admin.tags import TagAdmin

__all__ = ["ArticleAdmin", "TagAdmin"]
