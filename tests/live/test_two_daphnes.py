"""Two Daphne processes sharing PostgreSQL or SQLite and Redis behave as one app.

A phone's session is created over HTTP on process 1; its socket, and the
projector's, are on process 2; a post-it written on process 1 reaches both.
"""

import pytest

from tests.live.clients import cookie, join, new_client, next_text, sign_in

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


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
