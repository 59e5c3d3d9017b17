"""The interface language: Kazakh unless the reader chose another one with the switcher."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def reader_language(request) -> str:
    """The language chosen with the switcher (its cookie), else the site's default.

    The browser's Accept-Language is ignored on purpose: the site speaks Kazakh first, and a
    page then depends on one cookie only, which keeps the page cache small.
    """
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if code in dict(settings.LANGUAGES) and translation.check_for_language(code):
        return code
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        translation.activate(reader_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie",))
        return response
