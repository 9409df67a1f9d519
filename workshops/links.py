"""The URLs a room uses to reach the app, which may differ from the facilitator's own."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from workshops.models import Workshop

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def public_base_url(request: HttpRequest | None = None) -> str:
    """PUBLIC_URL when set, otherwise the address this request came in on."""
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return "http://127.0.0.1:8000"


def join_url(workshop: Workshop, request: HttpRequest | None = None) -> str:
    return public_base_url(request) + reverse("workshops:join", args=[workshop.code])


def is_loopback(url: str) -> bool:
    """Phones cannot reach a URL on the laptop's loopback."""
    return (urlsplit(url).hostname or "") in LOOPBACK_HOSTS
