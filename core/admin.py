"""Admin hardening shared by every model admin: crafted input gets a message, never a 500."""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _


def is_valid_pk(model, value) -> bool:
    """Whether ``value`` can be a primary key of ``model`` (a number in the column's range)."""
    try:
        model._meta.pk.clean(value, None)
    except ValidationError:
        return False
    return True


class SafeAutocompleteSelect(AutocompleteSelect):
    """Re-renders a form whose posted id is not a number without a 500.

    Django's widget looks the posted value up to show its label; "abc" makes that query raise.
    The field itself still reports the bad value as a form error.
    """

    def optgroups(self, name, value, attr=None):
        model = self.field.remote_field.model
        usable = [item for item in value if is_valid_pk(model, item)]
        return super().optgroups(name, usable, attr)


class SafeAutocompleteMixin:
    """Autocomplete widgets that survive a crafted, non-numeric id in a posted form."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class HostileInputMixin(SafeAutocompleteMixin):
    """Give crafted ids and search terms a message instead of a 500.

    Django's admin passes the ids of an action straight to ``pk__in`` (``"abc"`` raises), and
    PostgreSQL refuses a NUL character in any string parameter.
    """

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def response_action(self, request, queryset):
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if not all(is_valid_pk(self.model, value) for value in selected):
            self.message_user(
                request, _("The selection is not valid; nothing was changed."), messages.WARNING
            )
            return None
        return super().response_action(request, queryset)


class CaseInsensitiveSearchMixin:
    """Search that ignores the case of Kazakh and Russian letters on SQLite too.

    SQLite's LIKE folds only ASCII, so "алм" would miss «Алматы»; the usual spellings of
    the term (lower, Capitalised, UPPER) are searched as well.
    """

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term or term.isascii():
            return results, may_have_duplicates
        for variant in {term.lower(), term.capitalize(), term.upper(), term.title()} - {term}:
            more, more_duplicates = super().get_search_results(request, queryset, variant)
            results |= more
            may_have_duplicates |= more_duplicates
        return results, may_have_duplicates


def action_confirmation(model_admin, request, *, action: str, title, form, queryset, template):
    """The intermediate page of a bulk action that needs a choice (merge into which one)."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.opts,
            "form": form,
            "queryset": queryset,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )
