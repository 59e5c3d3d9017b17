"""Newsroom roles: which permissions the Journalist and Editor groups carry.

The groups themselves come from a migration; permission rows only exist after
``post_migrate``, so they are attached here, idempotently, after every migrate.
"""

from django.core.exceptions import PermissionDenied

from articles.models import Article, owned_condition, published_condition

JOURNALIST = "Journalist"
EDITOR = "Editor"

# What a journalist may set and edit: their own stories before an editor publishes them.
JOURNALIST_STATUSES = (Article.Status.DRAFT, Article.Status.REVIEW)
# Publishing decisions: the form leaves them out for journalists and the server refuses them.
EDITOR_ONLY_FIELDS = ("published_at", "is_featured")

ROLE_PERMISSIONS = {
    JOURNALIST: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_tag",
        "authors.view_author",
        "regions.view_region",
        # Any photo of the library may go into their stories; only their own they correct.
        "photos.add_photo",
        "photos.change_photo",
        "photos.view_photo",
    ],
    EDITOR: [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.publish_article",
        "articles.view_historicalarticle",
        "articles.add_tag",
        "articles.change_tag",
        "articles.delete_tag",
        "articles.view_tag",
        "authors.add_author",
        "authors.change_author",
        "authors.view_author",
        "regions.change_region",
        "regions.view_region",
        "pageviews.view_dailypageviews",
        # Unlocking a colleague after too many failed logins (django-axes' admin).
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "photos.add_photo",
        "photos.change_photo",
        "photos.change_any_photo",
        "photos.delete_photo",
        "photos.view_photo",
    ],
}


def setup_roles(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    for group_name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.add(*wanted)


def is_editor(user) -> bool:
    return user.is_active and user.has_perm("articles.publish_article")


def can_edit_article(user, article: Article) -> bool:
    """Editors edit every story; a journalist their own, until it is published."""
    if is_editor(user):
        return True
    return article.status in JOURNALIST_STATUSES and article.is_owned_by(user)


def can_read_history(user, article: Article) -> bool:
    """Past versions hold what an editor cut before publishing: editors and the story's
    own authors only, even once the story itself is public."""
    return is_editor(user) or (user.is_active and article.is_owned_by(user))


def keep_editor_decisions(user, article: Article) -> None:
    """Hold a non-editor's save to what a journalist may decide, whatever built the instance.

    The change form leaves the editor-only fields out, but a history revert starts from the
    old version: without this, reverting would bring back an old feature flag or publish time.
    Editor-only fields keep their stored values (a new story gets the defaults); a status
    beyond a journalist's is refused.
    """
    if is_editor(user):
        return
    if article.status not in JOURNALIST_STATUSES:
        raise PermissionDenied
    stored = None
    if article.pk is not None:
        stored = Article.objects.filter(pk=article.pk).values(*EDITOR_ONLY_FIELDS).first()
    for name in EDITOR_ONLY_FIELDS:
        if stored is not None:
            setattr(article, name, stored[name])
        else:
            setattr(article, name, Article._meta.get_field(name).get_default())


def articles_visible_to(user, queryset):
    """The admin's story list: editors see all; others see their own and what is live."""
    if is_editor(user):
        return queryset
    return queryset.filter(owned_condition(user) | published_condition())
