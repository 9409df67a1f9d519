"""Who may open each websocket: a phone of the workshop, its facilitators' projector and
console, nobody else, from no other origin.

Every route of ``workshops/routing.py`` (``websocket_urlpatterns``) has its cases in
``EXPECTED`` below, and a test checks that none is forgotten when a route is added, as
``tests/*/test_permissions.py`` do for the URLs.
"""

import pytest
from channels.db import database_sync_to_async
from django.urls import path

from tests.conftest import session_key, ws_headers
from tests.fixtures.sockets import is_refused
from workshops import consumers
from workshops.routing import websocket_urlpatterns

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # A fresh layer per test (each test has its own event loop), on its own Redis prefix.
    pytest.mark.usefixtures("channel_layer"),
]

PATHS = {
    "phone": lambda workshop: f"/ws/j/{workshop.code}/",
    "screen": lambda workshop: f"/ws/w/{workshop.pk}/screen/",
    "console": lambda workshop: f"/ws/w/{workshop.pk}/console/",
}
USERS = ("owner", "cofacilitator", "other_facilitator")
ACTORS = ("anonymous", "alice", "dora", *USERS)  # Dora and the other facilitator: elsewhere

# Whether each actor's socket is accepted on the shared workshop's route.
EXPECTED: dict[str, dict[str, bool]] = {
    "phone": {**dict.fromkeys(ACTORS, False), "alice": True},
    "screen": {**dict.fromkeys(ACTORS, False), "owner": True, "cofacilitator": True},
    "console": {**dict.fromkeys(ACTORS, False), "owner": True, "cofacilitator": True},
}

CASES = [
    pytest.param(route, actor, accepted, id=f"{route}-{actor}")
    for route, by_actor in EXPECTED.items()
    for actor, accepted in by_actor.items()
]


def routes_without_cases(patterns, expected: dict, paths: dict) -> list[str]:
    """The routes a newcomer added without saying who may open them (or where they are)."""
    missing = []
    for pattern in patterns:
        name = pattern.name or str(pattern.pattern)
        by_actor = expected.get(pattern.name, {})
        if pattern.name not in paths or set(by_actor) != set(ACTORS):
            missing.append(name)
    return missing


def route_of(socket_path: str) -> str | None:
    """The name of the route that serves this path, as the ASGI router resolves it."""
    for pattern in websocket_urlpatterns:
        if pattern.pattern.match(socket_path.removeprefix("/")):
            return pattern.name
    return None


@pytest.fixture
def headers(request, actor, participant_client, user_client, cofacilitator, other_workshop):
    """The socket headers of this actor's phone or laptop (none for an anonymous one)."""
    if actor == "anonymous":
        return ws_headers()
    person = request.getfixturevalue(actor)
    client = user_client(person) if actor in USERS else participant_client(person)
    return ws_headers(session_key(client))


@pytest.mark.parametrize(("route", "actor", "accepted"), CASES)
async def test_it_lets_only_the_right_people_open_each_socket(
    workshop, headers, route, actor, accepted
):
    assert (not await is_refused(PATHS[route](workshop), headers)) == accepted


def test_it_has_permission_cases_for_every_socket_route():
    assert routes_without_cases(websocket_urlpatterns, EXPECTED, PATHS) == []
    for route, socket_path in PATHS.items():
        assert route_of(socket_path(type("W", (), {"code": "ABCDEF", "pk": 7}))) == route


def test_a_route_added_without_cases_fails_the_check():
    added = [
        *websocket_urlpatterns,
        path("ws/w/<int:pk>/timer/", consumers.ScreenConsumer.as_asgi(), name="timer"),
        path("ws/unnamed/", consumers.ScreenConsumer.as_asgi()),
    ]
    assert routes_without_cases(added, EXPECTED, PATHS) == ["timer", "ws/unnamed/"]
    one_actor_forgotten = {**EXPECTED, "console": {"owner": True}}
    assert routes_without_cases(websocket_urlpatterns, one_actor_forgotten, PATHS) == ["console"]


# Who may connect --------------------------------------------------------------------


async def test_it_accepts_a_phone_of_the_workshop(ws, phone_headers, alice):
    async with ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(alice)):
        pass


async def test_it_accepts_a_phone_whose_code_is_typed_loosely(ws, phone_headers, alice):
    async with ws(f"/ws/j/{alice.workshop.code.lower()}/", await phone_headers(alice)):
        pass


async def test_it_refuses_a_phone_without_a_session(workshop):
    assert await is_refused(f"/ws/j/{workshop.code}/", ws_headers())


async def test_it_refuses_a_phone_with_an_unknown_session(workshop):
    assert await is_refused(f"/ws/j/{workshop.code}/", ws_headers("no-such-session-key"))


async def test_it_refuses_a_phone_of_another_workshop(phone_headers, dora, workshop):
    assert await is_refused(f"/ws/j/{workshop.code}/", await phone_headers(dora))


@pytest.mark.parametrize("code", ["QQQQQQ", "nope", "OOOOOO"])
async def test_it_refuses_a_phone_asking_for_an_unknown_code(phone_headers, alice, code):
    assert await is_refused(f"/ws/j/{code}/", await phone_headers(alice))


@pytest.mark.parametrize(
    "origin", [b"http://evil.example", b"https://127.0.0.1.evil.example", None]
)
async def test_it_refuses_a_socket_from_another_origin(
    phone_headers, laptop_headers, alice, owner, origin
):
    assert await is_refused(
        f"/ws/j/{alice.workshop.code}/", await phone_headers(alice, origin=origin)
    )
    assert await is_refused(
        f"/ws/w/{alice.workshop_id}/screen/", await laptop_headers(owner, origin=origin)
    )


async def test_it_accepts_the_projector_of_a_facilitator_of_the_workshop(
    ws, laptop_headers, workshop, owner, other_facilitator
):
    await database_sync_to_async(workshop.facilitators.add)(other_facilitator)
    async with (
        ws(f"/ws/w/{workshop.pk}/screen/", await laptop_headers(owner)),
        ws(f"/ws/w/{workshop.pk}/screen/", await laptop_headers(other_facilitator)),
    ):
        pass


async def test_it_refuses_an_anonymous_projector(workshop):
    assert await is_refused(f"/ws/w/{workshop.pk}/screen/", ws_headers())


async def test_it_refuses_the_projector_of_another_workshop_s_facilitator(
    laptop_headers, workshop, other_facilitator, other_workshop
):
    assert await is_refused(f"/ws/w/{workshop.pk}/screen/", await laptop_headers(other_facilitator))


async def test_it_refuses_a_participant_session_on_the_projector(phone_headers, alice):
    assert await is_refused(f"/ws/w/{alice.workshop_id}/screen/", await phone_headers(alice))


async def test_it_refuses_a_projector_for_a_workshop_that_does_not_exist(laptop_headers, owner):
    assert await is_refused("/ws/w/999999/screen/", await laptop_headers(owner))


# The console ---------------------------------------------------------------------------


async def test_it_accepts_the_console_of_the_owner_and_of_a_co_facilitator(
    ws, laptop_headers, workshop, owner, cofacilitator
):
    async with (
        ws(f"/ws/w/{workshop.pk}/console/", await laptop_headers(owner)),
        ws(f"/ws/w/{workshop.pk}/console/", await laptop_headers(cofacilitator)),
    ):
        pass


async def test_it_refuses_the_console_to_anyone_else(
    laptop_headers, phone_headers, workshop, other_facilitator, alice
):
    path = f"/ws/w/{workshop.pk}/console/"
    assert await is_refused(path, ws_headers())
    assert await is_refused(path, await laptop_headers(other_facilitator))
    assert await is_refused(path, await phone_headers(alice))
    assert await is_refused("/ws/w/999999/console/", await laptop_headers(other_facilitator))
