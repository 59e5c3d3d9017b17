from django import forms
from django.utils.translation import gettext_lazy as _

from regions.models import Region


class RegionMergeForm(forms.Form):
    target = forms.ModelChoiceField(queryset=None, label=_("Merge into"))
    delete_source = forms.BooleanField(
        label=_("Delete the merged regions"),
        required=False,
        initial=True,
        help_text=_("Untick to keep them, inactive, for the record."),
    )

    def __init__(self, *args, sources, can_delete: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Region.objects.exclude(pk__in=[r.pk for r in sources])
        if not can_delete:
            del self.fields["delete_source"]

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("delete_source", False)
        return cleaned
