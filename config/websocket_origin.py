"""Which pages may open a websocket: scheme, host and port of the ``Origin``, all three.

Channels' ``AllowedHostsOriginValidator`` compares the Origin's host with
``ALLOWED_HOSTS`` and nothing else, so a page served by anything else on the same
machine (``http://localhost:6666``) could open a participant's socket with their
cookies. Browsers always send ``Origin`` on a websocket handshake; it must be one of:

- the socket's own origin: the handshake's ``Host``, if Django accepts that host, with
  ``http`` for ``ws`` and ``https`` for ``wss`` (or the proxy's ``X-Forwarded-Proto``
  when ``SECURE_PROXY_SSL_HEADER`` trusts it, as Django does for requests);
- ``PUBLIC_URL``'s origin, or one of ``CSRF_TRUSTED_ORIGINS`` (the origins Django
  already trusts for POSTs, ``*.`` subdomain patterns included).
"""

import logging
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import is_same_domain, split_domain_port, validate_host

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)``, lower-cased and with the default port filled in."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def _is_secure(scope) -> bool:
    if settings.SECURE_PROXY_SSL_HEADER:
        meta_name, secure_value = settings.SECURE_PROXY_SSL_HEADER
        name = meta_name.removeprefix("HTTP_").replace("_", "-").lower().encode("latin1")
        value = _header(scope, name)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return scope.get("scheme", "ws") == "wss"


def own_origin(scope) -> tuple[str, str, int] | None:
    """The origin of a page on the host this socket was opened on, if Django serves it."""
    host = _header(scope, b"host") or ""
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    return origin_of(f"{'https' if _is_secure(scope) else 'http'}://{host}")


def is_trusted(origin: tuple[str, str, int], netloc: str) -> bool:
    configured = [settings.PUBLIC_URL, *settings.CSRF_TRUSTED_ORIGINS]
    if origin in {origin_of(url) for url in configured if "*" not in url}:
        return True
    return any(  # as CsrfViewMiddleware reads a pattern such as https://*.example.org
        urlsplit(pattern).scheme == origin[0]
        and is_same_domain(netloc, urlsplit(pattern).netloc.lstrip("*"))
        for pattern in configured
        if "*" in pattern
    )


def origin_allowed(scope) -> bool:
    header = _header(scope, b"origin") or ""
    origin = origin_of(header)
    if origin is None:
        return False
    return origin == own_origin(scope) or is_trusted(origin, urlsplit(header).netloc.lower())


class OriginValidator:
    """ASGI middleware: a socket from a page of another origin is closed at once."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if origin_allowed(scope):
            return await self.application(scope, receive, send)
        logger.warning(
            "websocket %s refused: Origin %r is not this site's (Host %r); "
            "check PUBLIC_URL and CSRF_TRUSTED_ORIGINS",
            scope.get("path"),
            _header(scope, b"origin"),
            _header(scope, b"host"),
        )
        return await WebsocketDenier()(scope, receive, send)
