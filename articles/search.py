# Scaffolding: replaced by the search work.
from django.http import Http404


def search_view(request):
    raise Http404
