# Scaffolding: the public-site work replaces these with the real pages.
from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


region_list = region_detail = _todo
