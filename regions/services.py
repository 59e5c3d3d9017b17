"""Writes on regions: merging one into another, as the 2022 reform split and joined oblasts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from regions.models import Region


@transaction.atomic
def region_merge(
    *, source: Region, target: Region, user=None, delete_source: bool = True
) -> dict[str, int]:
    """Move every row that points at ``source`` to ``target``; return the rows moved per model.

    Whatever points at a region (stories, author profiles) is found through the model's
    relations, so this app needs to know none of them. Models with a history (stories) get
    a history row per moved row saying why; hidden relations (history snapshots) keep what
    they recorded. The source is deleted, or only deactivated (its name kept for the record)
    when ``delete_source`` is false. Keys of the result are model labels ("articles.Article").
    """
    if source.pk == target.pk:
        raise ValidationError(_("A region cannot be merged into itself."))
    reason = _("Region “%(source)s” merged into “%(target)s”") % {
        "source": source.name,
        "target": target.name,
    }
    moved = {}
    for relation in Region._meta.related_objects:
        if not relation.one_to_many or relation.hidden:
            continue
        model, field = relation.related_model, relation.field.name
        rows = model._default_manager.filter(**{field: source})
        history = getattr(model, "history", None)
        changed = list(rows) if history is not None else None
        moved[model._meta.label] = rows.update(**{field: target})
        if changed:
            for row in changed:
                setattr(row, field, target)
            history.bulk_history_create(
                changed,
                update=True,
                default_user=user,
                default_change_reason=reason[:100],
                batch_size=500,
            )
    if delete_source:
        source.delete()
    else:
        source.is_active = False
        source.save(update_fields=["is_active"])
    return moved


@transaction.atomic
def region_deactivate(*, region: Region) -> Region:
    region.is_active = False
    region.save(update_fields=["is_active"])
    return region
