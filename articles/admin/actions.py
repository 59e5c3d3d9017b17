"""Bulk workflow actions on the story list; each calls the service that does the work."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import services
from articles.models import Article
from articles.roles import is_editor


class ArticleActionsMixin:
    actions = (
        "publish_selected",
        "unpublish_selected",
        "feature_selected",
        "submit_selected_for_review",
    )

    def has_publish_permission(self, request):
        return is_editor(request.user)

    def _apply_to_each(self, request, articles, service, summary) -> None:
        """Run a workflow service on each article and report how many it changed."""
        count = 0
        for article in articles:
            service(article=article, user=request.user)
            count += 1
        self.message_user(request, summary(count) % {"n": count}, messages.SUCCESS)

    @admin.action(permissions=["publish"], description=_("Publish selected articles now"))
    def publish_selected(self, request, queryset):
        self._apply_to_each(
            request,
            (article for article in queryset if not article.is_published()),
            services.article_publish,
            lambda n: ngettext("%(n)d article published.", "%(n)d articles published.", n),
        )

    @admin.action(permissions=["publish"], description=_("Unpublish selected articles"))
    def unpublish_selected(self, request, queryset):
        self._apply_to_each(
            request,
            queryset.filter(status=Article.Status.PUBLISHED),
            services.article_unpublish,
            lambda n: ngettext("%(n)d article unpublished.", "%(n)d articles unpublished.", n),
        )

    @admin.action(permissions=["publish"], description=_("Feature selected articles"))
    def feature_selected(self, request, queryset):
        for article in queryset:
            services.article_feature(article=article, user=request.user)
        self.message_user(request, _("The selected articles are featured."), messages.SUCCESS)

    @admin.action(permissions=["change"], description=_("Send selected drafts to review"))
    def submit_selected_for_review(self, request, queryset):
        self._apply_to_each(
            request,
            (
                article
                for article in queryset.filter(status=Article.Status.DRAFT)
                if self.has_change_permission(request, article)
            ),
            services.article_submit_for_review,
            lambda n: ngettext("%(n)d draft sent to review.", "%(n)d drafts sent to review.", n),
        )
