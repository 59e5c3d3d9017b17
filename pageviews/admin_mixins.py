class ArticleReadsAdminMixin:
    """Reads in the article admin (views column, daily chart); filled in by the counting work."""
