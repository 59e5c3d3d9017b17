# Scaffolding: the public-site work replaces these with the real pages.
from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


author_list = author_detail = _todo
