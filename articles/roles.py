"""Newsroom roles: which permissions the Journalist and Editor groups carry.

The groups themselves come from a migration; permission rows only exist after
``post_migrate``, so they are attached here, idempotently, after every migrate.
"""

JOURNALIST = "Journalist"
EDITOR = "Editor"

ROLE_PERMISSIONS = {
    JOURNALIST: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_tag",
        "authors.view_author",
        "regions.view_region",
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
