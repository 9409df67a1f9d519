"""HTTP and websocket clients of a real Daphne: a phone that joins, a facilitator who signs in."""

import re

import aiohttp

from tests.conftest import OWNER_PASSWORD

TIMEOUT = aiohttp.ClientTimeout(total=15)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def new_client() -> aiohttp.ClientSession:
    # unsafe=True: keep cookies from an IP address (127.0.0.1). Cookies ignore the
    # port, so a session cookie from process 1 is sent to process 2 too.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=TIMEOUT)


async def csrf_token(client: aiohttp.ClientSession, url: str) -> str:
    async with client.get(url) as response:
        assert response.status == 200, url
        return CSRF_FIELD.search(await response.text()).group(1)


async def join(client, base_url: str, code: str, first_name: str, seat: dict) -> None:
    url = f"{base_url}/j/{code}/"
    form = {
        "csrfmiddlewaretoken": await csrf_token(client, url),
        "first_name": first_name,
        "table": str(seat["table"]),
        "territory": str(seat["territory"]),
    }
    async with client.post(url, data=form, allow_redirects=False) as response:
        assert response.status == 302, await response.text()


async def sign_in(client, base_url: str) -> None:
    url = f"{base_url}/login/"
    form = {
        "csrfmiddlewaretoken": await csrf_token(client, url),
        "username": "owner",
        "password": OWNER_PASSWORD,
    }
    async with client.post(url, data=form, allow_redirects=False) as response:
        assert response.status == 302, await response.text()


def cookie(client: aiohttp.ClientSession, name: str) -> str:
    return next(morsel.value for morsel in client.cookie_jar if morsel.key == name)


async def next_text(socket) -> str:
    message = await socket.receive(timeout=10)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    return message.data
