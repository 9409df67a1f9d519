"""Two Daphne processes sharing PostgreSQL or SQLite and Redis behave as one app.

A phone's session is created over HTTP on process 1; its socket, and the
projector's, are on process 2; a post-it written on process 1 reaches both.
"""

import re

import aiohttp
import pytest

from tests.conftest import OWNER_PASSWORD, subgroup_of

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TIMEOUT = aiohttp.ClientTimeout(total=15)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def seats(workshop):
    """What the HTTP clients need, read before the test's event loop runs."""
    alice, bruno = subgroup_of(workshop, 1, "BM"), subgroup_of(workshop, 1, "PdB")
    return {
        "code": workshop.code,
        "workshop_pk": workshop.pk,
        "alice": {"table": alice.table_id, "territory": alice.territory_id, "id": alice.pk},
        "bruno": {"table": bruno.table_id, "territory": bruno.territory_id, "id": bruno.pk},
    }


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


@pytest.mark.parametrize("backend", ["core", "pubsub"])
async def test_a_post_it_written_on_one_process_reaches_sockets_on_the_other(
    redis_url, backend, daphne_factory, seats
):
    first = daphne_factory(redis_url=redis_url, channel_layer=backend)
    second = daphne_factory(redis_url=redis_url, channel_layer=backend)
    code, text = seats["code"], "Écrit sur le processus 1"

    async with new_client() as alice, new_client() as bruno, new_client() as facilitator:
        await join(alice, first.url, code, "Alice", seats["alice"])
        await join(bruno, first.url, code, "Bruno", seats["bruno"])
        await sign_in(facilitator, first.url)

        origin = {"Origin": second.url}
        phone_path = f"/ws/j/{code}/"
        screen_path = f"/ws/w/{seats['workshop_pk']}/screen/"
        async with (
            bruno.ws_connect(second.ws_url + phone_path, headers=origin) as phone_socket,
            facilitator.ws_connect(second.ws_url + screen_path, headers=origin) as screen_socket,
        ):
            async with alice.post(
                f"{first.url}/j/{code}/postits/",
                data={"kind": "offer", "text": text, "theme": ""},
                headers={"X-CSRFToken": cookie(alice, "csrftoken"), "HX-Request": "true"},
            ) as response:
                assert response.status == 200, await response.text()

            for socket in (phone_socket, screen_socket):
                html = await next_text(socket)
                assert f'id="cell-{seats["alice"]["id"]}-offer"' in html
                assert text in html
