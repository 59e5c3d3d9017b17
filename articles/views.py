# Scaffolding: the public-site work replaces these with the real pages.
from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


article_list = article_redirect = article_detail = tag_detail = top = _todo
