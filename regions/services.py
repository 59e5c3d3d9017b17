"""Writes on regions: merging one into another, as the 2022 reform split and joined oblasts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from articles.models import Article
from authors.models import Author
from regions.models import Region


@transaction.atomic
def region_merge(*, source: Region, target: Region, user=None, delete_source: bool = True) -> int:
    """Move every article and author of ``source`` to ``target``; return the articles moved.

    The source is deleted, or only deactivated (its name kept for the record) when
    ``delete_source`` is false. Each moved article gets a history row saying why.
    """
    if source.pk == target.pk:
        raise ValidationError(_("A region cannot be merged into itself."))
    articles = list(Article.objects.filter(region=source))
    reason = _("Region “%(source)s” merged into “%(target)s”") % {
        "source": source.name,
        "target": target.name,
    }
    Article.objects.filter(region=source).update(region=target)
    for article in articles:
        article.region = target
    Article.history.bulk_history_create(
        articles, update=True, default_user=user, default_change_reason=reason[:100], batch_size=500
    )
    Author.objects.filter(region=source).update(region=target)
    if delete_source:
        source.delete()
    else:
        source.is_active = False
        source.save(update_fields=["is_active"])
    return len(articles)


@transaction.atomic
def region_deactivate(*, region: Region) -> Region:
    region.is_active = False
    region.save(update_fields=["is_active"])
    return region
