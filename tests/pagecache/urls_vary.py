"""A page named like an allow-listed one whose response varies on what the test asks."""

from django.http import HttpResponse
from django.urls import path

calls = []


def varying(request):
    calls.append(request.headers.get("User-Agent", ""))
    response = HttpResponse(f"render {len(calls)} for {request.headers.get('User-Agent', '')}")
    response["Vary"] = VARY[0]
    return response


VARY = ["User-Agent"]

urlpatterns = [
    path("vary/", varying, name="articles:rss"),
]
