"""``Cache-Control: private, no-store`` on every answer that does not say otherwise.

Pages and downloads carry participants' first names and words (post-its, feedback) and the
organiser's exports: no shared cache (a venue's proxy) and no browser's disk may keep them.
Static files say otherwise (WhiteNoise's long, immutable caching: docs/deploy.md), so they
keep theirs.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

NO_STORE = "private, no-store"


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = NO_STORE
        return response
