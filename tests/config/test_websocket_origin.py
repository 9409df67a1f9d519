"""The websocket origin check (config/websocket_origin.py), through the whole ASGI app.

A participant's phone socket, with its real session, opened with various Host and
Origin headers: only a page of this site, scheme, host and port alike, may open it.
"""

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings

from config.asgi import application
from tests.conftest import close_database_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("channel_layer")]

HOST = "127.0.0.1:8000"


@pytest.fixture
def phone(participant_client, alice):
    """opens(origin, host=HOST, **headers): whether Alice's phone socket was accepted."""
    client = participant_client(alice)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    path = f"/ws/j/{alice.workshop.code}/"

    async def opens(origin: str | None, host: str = HOST, app=application, **headers) -> bool:
        sent = {"host": host, "origin": origin, "cookie": cookie, **headers}
        communicator = WebsocketCommunicator(
            app,
            path,
            headers=[(k.replace("_", "-").encode(), v.encode()) for k, v in sent.items() if v],
        )
        connected, _ = await communicator.connect()
        await communicator.disconnect(timeout=0.1)
        await close_database_thread()
        return connected

    return opens


async def test_it_accepts_a_page_of_the_same_origin(phone):
    assert await phone("http://127.0.0.1:8000")
    assert await phone("http://localhost:8000", host="localhost:8000")
    assert await phone("http://127.0.0.1", host="127.0.0.1")
    assert await phone("http://127.0.0.1:80", host="127.0.0.1")  # the default port, spelt out


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:6666",  # another port: another site on the same machine
        "http://localhost:6666",
        "https://127.0.0.1:8000",  # another scheme
        "http://evil.example:8000",  # another host
        "http://127.0.0.1.evil.example:8000",
        "null",  # a sandboxed frame or a file
        "",
        None,  # no Origin at all
    ],
)
async def test_it_refuses_any_other_origin(phone, origin):
    assert not await phone(origin)


async def test_it_refuses_a_host_django_does_not_serve_even_from_its_own_page(phone):
    """DNS rebinding: a page of evil.example whose name now points at the laptop."""
    assert not await phone("http://evil.example:8000", host="evil.example:8000")


async def test_behind_an_https_proxy_the_scheme_is_the_proxys(phone, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "paniers.example.org"]
    host, proto = "paniers.example.org", {"x_forwarded_proto": "https"}
    assert not await phone("https://paniers.example.org", host=host, **proto)  # not trusted yet

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert await phone("https://paniers.example.org", host=host, **proto)
    assert not await phone("http://paniers.example.org", host=host, **proto)
    assert not await phone("https://paniers.example.org:8443", host=host, **proto)
    assert await phone("http://paniers.example.org", host=host)  # no header: as Daphne saw it


async def test_a_wss_handshake_is_an_https_page(phone):
    async def over_tls(scope, receive, send):
        return await application({**scope, "scheme": "wss"}, receive, send)

    assert await phone("https://127.0.0.1:8000", app=over_tls)
    assert not await phone("http://127.0.0.1:8000", app=over_tls)


async def test_it_trusts_the_public_url_and_the_csrf_trusted_origins(phone, settings):
    """A proxy that passes its own Host on: the page's origin is PUBLIC_URL's."""
    settings.PUBLIC_URL = "https://paniers.example.org"
    settings.CSRF_TRUSTED_ORIGINS = ["https://atelier.example.org", "https://*.example.net"]
    assert await phone("https://paniers.example.org", host="127.0.0.1:8001")
    assert await phone("https://paniers.example.org:443", host="127.0.0.1:8001")
    assert await phone("https://atelier.example.org", host="127.0.0.1:8001")
    assert await phone("https://salle.example.net", host="127.0.0.1:8001")
    for origin in (
        "http://paniers.example.org",
        "https://paniers.example.org:8443",
        "https://autre.example.org",
        "http://salle.example.net",
        "https://example.net.evil.example",
    ):
        assert not await phone(origin, host="127.0.0.1:8001"), origin
