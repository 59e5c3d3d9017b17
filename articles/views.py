from django.http import HttpResponse


def article_detail(request, **kwargs):
    return HttpResponse("")
