from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from articles.roles import setup_roles

        # No sender filter: permissions of apps migrated after this one must exist first,
        # and setup_roles is idempotent.
        post_migrate.connect(setup_roles, dispatch_uid="articles.setup_roles")

        from django.db.models.signals import post_save

        from articles.models import Article, follow_corrected_photo
        from core import cache, pages

        post_save.connect(
            follow_corrected_photo, sender="photos.Photo", dispatch_uid="articles.library_covers"
        )

        # What a public page shows changes with these; a scheduled story goes live by time.
        # A story's own rows change the lists and the pages that show it (core.pages); a
        # tag's name shows on every page.
        pages.watch_stories("articles.Article", lambda article: article.pk)
        pages.watch_stories("articles.Byline", lambda byline: byline.article_id)
        pages.watch_stories("articles.TaggedArticle", lambda tagged: tagged.content_object_id)
        pages.watch_story_m2m(Article.tags.through)
        cache.watch("articles.Tag")
        cache.watch_schedule(Article.objects.next_publish_time)

        from django.db.models.signals import post_save

        from articles.tasks import schedule_going_live

        post_save.connect(schedule_going_live, sender=Article, dispatch_uid="articles.go_live")

        from django.db.models.signals import m2m_changed

        from articles.selectors import similar_after_save, similar_after_tags_change

        post_save.connect(similar_after_save, sender=Article, dispatch_uid="articles.similar")
        m2m_changed.connect(
            similar_after_tags_change,
            sender=Article.tags.through,
            dispatch_uid="articles.similar_tags",
        )

        from core.slugs import keep_old_slugs

        keep_old_slugs("articles.Tag")

        from django.db.models.signals import post_delete

        from articles.models import delete_cover_of_deleted_article

        # A signal, not Article.delete(): queryset and cascade deletes skip the method.
        post_delete.connect(
            delete_cover_of_deleted_article, sender=Article, dispatch_uid="articles.cover_files"
        )
