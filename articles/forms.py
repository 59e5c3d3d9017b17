"""Admin forms of the newsroom: what each role may send, checked on the server."""

import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import images, media
from articles.editing import find_conflict, version_of
from articles.models import Article, Tag
from articles.roles import JOURNALIST_STATUSES
from authors.models import Author
from core.text import CYRILLIC_TO_LATIN


def split_tag_names(values) -> list[str]:
    """Tag names from the form: one per value, or comma-separated (what scripts post)."""
    if isinstance(values, str):
        values = [values]
    names: dict[str, str] = {}
    for value in values or []:
        for part in str(value).split(","):
            name = Tag.clean_name(part.strip().strip('"'))
            if name:
                names.setdefault(name.casefold(), name)
    return list(names.values())


class TagAutocompleteWidget(forms.SelectMultiple):
    """A select2 "tags" box over the Tag admin's autocomplete: pick existing tags or type new.

    Option values are tag names, not ids, so a new tag and an existing one travel the same way.
    """

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "admin-tag-autocomplete", "style": "width: 40em"} | (attrs or {})
        )

    @property
    def media(self):
        suffix = "" if settings.DEBUG else ".min"
        return forms.Media(
            js=(
                f"admin/js/vendor/jquery/jquery{suffix}.js",
                f"admin/js/vendor/select2/select2.full{suffix}.js",
                "admin/js/jquery.init.js",
            ),
            css={
                "screen": ("admin/css/vendor/select2/select2.min.css", "admin/css/autocomplete.css")
            },
        )

    def format_value(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            return split_tag_names(value)
        return [getattr(item, "name", item) for item in value]

    def render(self, name, value, attrs=None, renderer=None):
        names = self.format_value(value)
        self.choices = [(tag_name, tag_name) for tag_name in names]
        select = super().render(name, names, attrs, renderer)
        return render_to_string(
            "admin/articles/article/tag_autocomplete.html",
            {
                "select": select,
                "id": (attrs or {}).get("id", f"id_{name}"),
                "url": reverse("admin:autocomplete"),
            },
        )


class TagNamesField(forms.Field):
    widget = TagAutocompleteWidget
    default_error_messages = {
        "too_long": _("A tag is at most 100 characters: “%(name)s”."),
        "null": _("Null characters are not allowed."),
    }

    def to_python(self, value):
        return split_tag_names(value)

    def validate(self, value):
        super().validate(value)
        for name in value:
            if "\x00" in name:
                raise ValidationError(
                    self.error_messages["null"], code="null_characters_not_allowed"
                )
            if len(name) > 100:
                raise ValidationError(
                    self.error_messages["too_long"], code="too_long", params={"name": name[:30]}
                )

    def has_changed(self, initial, data):
        before = {getattr(t, "name", t).casefold() for t in initial or []}
        return before != {name.casefold() for name in self.to_python(data)}


def story_media_attrs() -> dict:
    """What ``static/js/admin/photo_picker.js`` reads from the body textarea."""
    labels = {
        "insertPhoto": _("Insert photo"),
        "insertGallery": _("Insert gallery"),
        "insertEmbed": _("Insert YouTube video or Telegram post"),
        "search": _("Search photos by caption, credit or description"),
        "empty": _("No photos found."),
        "insertSelected": _("Insert the selected photos"),
        "cancel": _("Cancel"),
        "embedPrompt": _("Address of the YouTube video or the public Telegram post:"),
    }
    return {
        "data-photo-picker-url": reverse("admin:photos_photo_picker"),
        "data-story-media-labels": json.dumps({k: str(v) for k, v in labels.items()}),
    }


class ArticleAdminForm(forms.ModelForm):
    """The article form; ``is_editor`` (set by the admin) decides what may be sent."""

    is_editor = True
    # Set by clean() when someone else saved the story after this form was opened.
    conflict = None

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)
    tags = TagNamesField(
        label=_("Tags"),
        required=False,
        help_text=_(
            "Start typing to pick an existing tag, or type a new one and press Enter. "
            "Capital letters do not matter: «Алматы» and «алматы» are one tag."
        ),
    )

    class Meta:
        model = Article
        fields = (
            "title",
            "slug",
            "lead",
            "body",
            "cover_photo",
            "cover_image",
            "cover_caption",
            "cover_credit",
            "region",
            "tags",
            "status",
            "published_at",
            "is_featured",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = version_of(self.instance)
        if "title" in self.fields:
            self.fields["title"].widget.attrs["style"] = "width: 100%; max-width: 48em"
        if "lead" in self.fields:
            self.fields["lead"].widget.attrs["rows"] = 3
        if "body" in self.fields:
            self.fields["body"].widget.attrs.update(story_media_attrs())
        if not self.is_editor and "status" in self.fields:
            self.fields["status"].choices = [
                (value, label)
                for value, label in Article.Status.choices
                if value in JOURNALIST_STATUSES
            ]
            self.fields["status"].help_text = _("Send the story to review when it is ready.")
        if "status" in self.fields and self.is_editor:
            self.fields["status"].help_text = _(
                "Published with a future publish time is scheduled: it goes live by itself."
            )

    def clean_status(self):
        status = self.cleaned_data["status"]
        if not self.is_editor and status not in JOURNALIST_STATUSES:
            raise ValidationError(_("Only an editor can publish a story."), code="not_allowed")
        return status

    def clean_published_at(self):
        published_at = self.cleaned_data.get("published_at")
        # Far-off years are typos, and year 1 or 9999 overflows once shifted to UTC.
        if published_at and not 1900 <= published_at.year <= 2999:
            raise ValidationError(
                _("Enter a publish time between the years 1900 and 2999."), code="out_of_range"
            )
        return published_at

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        media.check_references(body)
        return body

    def clean_cover_image(self):
        cover = self.cleaned_data.get("cover_image")
        if cover and not getattr(cover, "_committed", True):
            images.validate_cover_image(cover)
        return cover

    def clean(self):
        cleaned = super().clean()
        self._refuse_a_lost_update(cleaned.get("opened_version", ""))
        new_upload = "cover_image" in self.changed_data and cleaned.get("cover_image")
        if cleaned.get("cover_photo") and new_upload:
            self.add_error(
                "cover_photo",
                ValidationError(
                    _("Upload a cover or choose one from the photo library, not both."),
                    code="two_covers",
                ),
            )
        if (
            self.is_editor
            and cleaned.get("status") == Article.Status.PUBLISHED
            and "published_at" in self.fields
            and not cleaned.get("published_at")
            and "published_at" not in self.errors
        ):
            # A story published without a time goes live now, as a newsroom expects.
            cleaned["published_at"] = timezone.now()
        return cleaned

    def _refuse_a_lost_update(self, opened_version: str) -> None:
        # A post without a version (a script, an old page) cannot tell; the admin always sends it.
        if self.instance.pk is None or not opened_version:
            return
        conflict = find_conflict(self.instance.pk, opened_version)
        if conflict is None:
            return
        self.conflict = conflict
        # The next save is a decision made with their change in view: let it through.
        self.data = self.data.copy()
        self.data[self.add_prefix("opened_version")] = conflict.saved_at.isoformat()
        raise ValidationError(
            _(
                "%(name)s saved this story at %(time)s, after you opened it. Your text is "
                "still in the form: compare it with their changes below, then save again."
            ),
            code="conflict",
            params={
                "name": conflict.saved_by,
                "time": timezone.localtime(conflict.saved_at).strftime("%H:%M:%S"),
            },
        )


class TagAdminForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ("name",)

    def clean_name(self):
        name = Tag.clean_name(self.cleaned_data["name"])
        taken = Tag.objects.filter(normalized=name.casefold()).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("A tag named “%(name)s” already exists: merge the two tags instead."),
                code="duplicate",
                params={"name": taken.first().name},
            )
        return name


class TagMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        label=_("Keep this tag"),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("The other selected tags are merged into it and deleted."),
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = tags


class BylineFormSet(BaseInlineFormSet):
    """Bylines; a form posted without the bylines block leaves them as they are."""

    own_author = None  # set for journalists: the only author they may add

    def __init__(self, data=None, *args, **kwargs):
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = data.copy()
            data[f"{prefix}-TOTAL_FORMS"] = "0"
            data[f"{prefix}-INITIAL_FORMS"] = "0"
        super().__init__(data, *args, **kwargs)

    def clean(self):
        super().clean()
        if self.own_author is None:
            return
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            author = form.cleaned_data.get("author")
            if form.instance.pk is None and author is not None and author != self.own_author:
                form.add_error("author", _("You can only sign a story with your own name."))
            elif form.instance.pk is not None and "author" in form.changed_data:
                form.add_error("author", _("Only an editor can change the authors of a story."))


def journalist_author_queryset(own_author, article):
    condition = Q(pk=own_author.pk)
    if article is not None and article.pk:
        condition |= Q(bylines__article=article)
    return Author.objects.filter(condition).distinct()


def slug_transliteration_table() -> dict[str, str]:
    """The slug table for the admin's script, so the browser's slug matches the server's."""
    return CYRILLIC_TO_LATIN | {k.upper(): v for k, v in CYRILLIC_TO_LATIN.items()}
