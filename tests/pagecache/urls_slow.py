"""An allow-listed page whose view the test controls: it can block, fail, or count renders."""

import threading

from django.http import HttpResponse
from django.urls import path

state = {"renders": 0, "body": "first", "status": 200}
entered = threading.Event()
proceed = threading.Event()


def controlled(request):
    state["renders"] += 1
    entered.set()
    proceed.wait(timeout=10)
    return HttpResponse(state["body"], status=state["status"])


urlpatterns = [path("controlled/", controlled, name="articles:rss")]
