"""The websockets, through the whole ASGI stack: origin check, session, routing, consumers."""

import asyncio
import datetime

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.utils import timezone

from config.asgi import application
from tests.conftest import close_database_thread
from tests.fixtures.sockets import DISCONNECT_TIMEOUT, is_refused
from workshops import consumers, phases, presence, services, stats
from workshops.broadcast import CONSOLE_STALE, screens_group, table_group, workshop_group
from workshops.models import Connection, Phase, Workshop
from workshops.phases import ClockCommand

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # A fresh layer per test (each test has its own event loop), on its own Redis prefix.
    pytest.mark.usefixtures("channel_layer"),
]

# A phone saying goodbye deletes its presence row before its consumer ends: wait for
# that (it returns as soon as the consumer has ended, in practice at once).
GOODBYE_TIMEOUT = 1


def create_postit(participant, text="Un port en eau profonde", kind="offer"):
    """The service, run in a thread; it broadcasts once its transaction commits."""
    return database_sync_to_async(services.postit_create)(
        subgroup=participant.subgroup, author=participant, kind=kind, text=text
    )


# Live post-its -------------------------------------------------------------------------


async def test_it_sends_a_new_postit_to_the_phones_of_its_table_and_the_projector(
    ws, phone_headers, laptop_headers, alice, bruno, chloe, owner
):
    code, pk = alice.workshop.code, alice.workshop_id
    async with (
        ws(f"/ws/j/{code}/", await phone_headers(alice)) as alice_phone,
        ws(f"/ws/j/{code}/", await phone_headers(bruno)) as bruno_phone,
        ws(f"/ws/j/{code}/", await phone_headers(chloe)) as chloe_phone,
        ws(f"/ws/w/{pk}/screen/", await laptop_headers(owner)) as projector,
    ):
        postit = await create_postit(alice, text="Un port en eau profonde")

        message = await alice_phone.receive_from()
        assert message.startswith(
            f'<div id="cell-{alice.subgroup_id}-offer" hx-swap-oob="beforeend">'
        )
        assert f'id="postit-{postit.pk}"' in message
        assert "Un port en eau profonde" in message
        assert await bruno_phone.receive_from() == message
        assert await projector.receive_from() == message
        assert await chloe_phone.receive_nothing(timeout=0.1)
        assert await alice_phone.receive_nothing(timeout=0.01)  # once, not twice


async def test_it_sends_nothing_to_another_workshop(
    ws, phone_headers, laptop_headers, alice, dora, other_facilitator
):
    other = dora.workshop
    async with (
        ws(f"/ws/j/{other.code}/", await phone_headers(dora)) as dora_phone,
        ws(f"/ws/w/{other.pk}/screen/", await laptop_headers(other_facilitator)) as other_projector,
        ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(alice)) as alice_phone,
    ):
        await create_postit(alice)

        assert await alice_phone.receive_from()
        assert await dora_phone.receive_nothing(timeout=0.1)
        assert await other_projector.receive_nothing(timeout=0.01)


async def test_it_moves_the_postit_to_its_other_cell_when_an_edit_changes_the_kind(
    ws, phone_headers, alice, bruno
):
    postit = await create_postit(alice, kind="offer")
    async with ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(bruno)) as bruno_phone:
        await database_sync_to_async(services.postit_update)(
            postit=postit, kind="need", text="Maintenant un besoin", by=None
        )

        message = await bruno_phone.receive_from()
        assert message.startswith(
            f'<div id="cell-{alice.subgroup_id}-need" hx-swap-oob="beforeend">'
        )
        assert f'id="postit-{postit.pk}"' in message
        assert "Maintenant un besoin" in message
        assert await bruno_phone.receive_nothing(timeout=0.05)  # one message, not a cell each


async def test_it_replaces_the_postit_in_place_when_only_its_text_changes(
    ws, phone_headers, alice, bruno
):
    postit = await create_postit(alice, kind="offer")
    async with ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(bruno)) as bruno_phone:
        await database_sync_to_async(services.postit_update)(
            postit=postit, kind="offer", text="Un autre texte", by=None
        )

        message = await bruno_phone.receive_from()
        assert message.startswith(
            f'<article class="postit postit-offer" id="postit-{postit.pk}" hx-swap-oob="true"'
        )
        assert "Un autre texte" in message
        assert "cell-" not in message


async def test_it_sends_the_removal_of_a_deleted_postit(ws, laptop_headers, alice, owner):
    postit = await create_postit(alice, kind="need")
    pk = postit.pk
    async with ws(f"/ws/w/{alice.workshop_id}/screen/", await laptop_headers(owner)) as projector:
        await database_sync_to_async(services.postit_delete)(postit=postit, by=None)

        assert (
            await projector.receive_from() == f'<div id="postit-{pk}" hx-swap-oob="delete"></div>'
        )


async def test_it_escapes_a_postit_on_its_way_through_the_socket(ws, phone_headers, alice):
    async with ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(alice)) as phone:
        await create_postit(alice, text="<script>alert(1)</script>")

        cell = await phone.receive_from()
        assert "<script>" not in cell
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in cell


async def test_it_broadcasts_nothing_for_a_refused_postit(ws, phone_headers, alice):
    async with ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(alice)) as phone:
        with pytest.raises(services.ValidationError):
            await create_postit(alice, text="   ")

        assert await phone.receive_nothing(timeout=0.1)


# Forwarding -------------------------------------------------------------------------


async def test_it_forwards_a_fragment_verbatim_without_looking_at_it(
    ws, channel_layer, phone_headers, laptop_headers, alice, owner
):
    """Consumers are a pipe: what arrives in the group is sent as is, so no query per message."""
    fragment = '<div id="anything">not from the database · 42</div>'
    async with (
        ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(alice)) as phone,
        ws(f"/ws/w/{alice.workshop_id}/screen/", await laptop_headers(owner)) as projector,
    ):
        await channel_layer.group_send(
            table_group(alice.subgroup.table_id), {"type": "fragment.send", "html": fragment}
        )
        assert await phone.receive_from() == fragment
        assert await projector.receive_nothing(timeout=0.05)

        await channel_layer.group_send(
            screens_group(alice.workshop_id), {"type": "fragment.send", "html": fragment}
        )
        assert await projector.receive_from() == fragment
        assert await phone.receive_nothing(timeout=0.05)


async def test_it_sends_workshop_wide_fragments_to_every_phone_and_screen_of_the_workshop(
    ws, channel_layer, phone_headers, laptop_headers, alice, chloe, dora, owner
):
    workshop = alice.workshop
    async with (
        ws(f"/ws/j/{workshop.code}/", await phone_headers(alice)) as alice_phone,
        ws(f"/ws/j/{workshop.code}/", await phone_headers(chloe)) as chloe_phone,
        ws(f"/ws/w/{workshop.pk}/screen/", await laptop_headers(owner)) as projector,
        ws(f"/ws/j/{dora.workshop.code}/", await phone_headers(dora)) as dora_phone,
    ):
        await channel_layer.group_send(
            workshop_group(workshop.pk), {"type": "fragment.send", "html": "<p>Phase 2</p>"}
        )

        for socket in (alice_phone, chloe_phone, projector):
            assert await socket.receive_from() == "<p>Phase 2</p>"
        assert await dora_phone.receive_nothing(timeout=0.05)


async def test_it_ignores_what_a_phone_sends_on_the_socket(ws, channel_layer, phone_headers, alice):
    async with ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(alice)) as phone:
        await phone.send_to(text_data='{"text": "written through the socket"}')
        assert await phone.receive_nothing(timeout=0.05)

        await channel_layer.group_send(
            table_group(alice.subgroup.table_id), {"type": "fragment.send", "html": "<p>ok</p>"}
        )
        assert await phone.receive_from() == "<p>ok</p>"

    assert not await database_sync_to_async(alice.postits.exists)()


# The console ---------------------------------------------------------------------------


async def test_it_nudges_the_console_when_a_postit_changes_without_sending_the_postit(
    ws, laptop_headers, alice, owner
):
    async with ws(f"/ws/w/{alice.workshop_id}/console/", await laptop_headers(owner)) as console:
        await create_postit(alice)

        assert await console.receive_from() == CONSOLE_STALE
        assert await console.receive_nothing(timeout=0.05)


# Presence ------------------------------------------------------------------------------


def connected_participants() -> list[int]:
    return list(Connection.objects.order_by("pk").values_list("participant_id", flat=True))


async def nudges_after_presence(console) -> int:
    """Write what presence has pending now, then count the nudges the console heard."""
    await presence.flush()
    heard = 0
    while not await console.receive_nothing(timeout=0.05):
        assert await console.receive_from() == CONSOLE_STALE
        heard += 1
    return heard


async def test_it_records_a_phone_that_connects_and_nudges_the_console(
    ws, phone_headers, laptop_headers, alice, owner
):
    async with ws(f"/ws/w/{alice.workshop_id}/console/", await laptop_headers(owner)) as console:
        async with ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(alice)):
            # The row is written before the nudge is sent: once it is heard, the row is there.
            assert await console.receive_from() == CONSOLE_STALE
            assert await database_sync_to_async(connected_participants)() == [alice.pk]


async def test_it_writes_a_burst_of_phones_in_one_batch_and_nudges_the_console_once(
    ws, phone_headers, laptop_headers, alice, bruno, chloe, owner, settings
):
    # The burst is the three sockets below, whatever this machine's speed: the writer's
    # own delay (0.2 s) could otherwise end between two handshakes; the test flushes
    # (a longer delay would hold the writer's stop at teardown as long).
    settings.PRESENCE_FLUSH_SECONDS = 3
    code = alice.workshop.code
    headers = [await phone_headers(person) for person in (alice, bruno, chloe)]
    async with ws(f"/ws/w/{alice.workshop_id}/console/", await laptop_headers(owner)) as console:
        writes = stats.snapshot().get("presence_writes", 0)
        async with ws(f"/ws/j/{code}/", headers[0]), ws(f"/ws/j/{code}/", headers[1]):
            async with ws(f"/ws/j/{code}/", headers[2]):
                assert await nudges_after_presence(console) == 1
                assert stats.snapshot()["presence_writes"] == writes + 1
                assert sorted(await database_sync_to_async(connected_participants)()) == sorted(
                    [alice.pk, bruno.pk, chloe.pk]
                )


async def test_it_forgets_a_phone_once_its_socket_closes_and_nudges_the_console(
    ws, phone_headers, laptop_headers, alice, owner
):
    async with ws(f"/ws/w/{alice.workshop_id}/console/", await laptop_headers(owner)) as console:
        phone = WebsocketCommunicator(
            application, f"/ws/j/{alice.workshop.code}/", headers=await phone_headers(alice)
        )
        connected, _subprotocol = await phone.connect()
        assert connected
        assert await nudges_after_presence(console) == 1

        await phone.disconnect(timeout=GOODBYE_TIMEOUT)

        assert await nudges_after_presence(console) == 1
        assert await database_sync_to_async(connected_participants)() == []


async def test_it_counts_each_socket_of_a_participant_apart(
    ws, phone_headers, laptop_headers, alice, owner
):
    """Two tabs, or a reconnect before the old socket is gone: closing one keeps the other."""
    path = f"/ws/j/{alice.workshop.code}/"
    async with (
        ws(f"/ws/w/{alice.workshop_id}/console/", await laptop_headers(owner)) as console,
        ws(path, await phone_headers(alice)),
    ):
        second = WebsocketCommunicator(application, path, headers=await phone_headers(alice))
        assert (await second.connect())[0]
        assert await nudges_after_presence(console) >= 1
        assert await database_sync_to_async(connected_participants)() == [alice.pk, alice.pk]

        await second.disconnect(timeout=GOODBYE_TIMEOUT)

        assert await nudges_after_presence(console) == 1
        assert await database_sync_to_async(connected_participants)() == [alice.pk]


async def test_it_clears_the_rows_of_a_process_that_died(
    ws, phone_headers, laptop_headers, alice, bruno, owner
):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    await database_sync_to_async(Connection.objects.create)(
        channel_name="specific.dead-process!abc", participant=bruno, last_seen=long_ago
    )
    async with (
        ws(f"/ws/w/{alice.workshop_id}/console/", await laptop_headers(owner)) as console,
        ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(alice)),
    ):
        assert await nudges_after_presence(console) >= 1
        assert await database_sync_to_async(connected_participants)() == [alice.pk]


async def test_it_records_nothing_for_a_refused_phone(phone_headers, dora, workshop):
    assert await is_refused(f"/ws/j/{workshop.code}/", await phone_headers(dora))
    assert await database_sync_to_async(connected_participants)() == []
    await database_sync_to_async(connections.close_all)()


async def group_members(layer, group: str) -> int:
    """Members of a group, on the in-memory layer or on Redis."""
    if hasattr(layer, "groups"):
        return len(layer.groups.get(group, {}))
    key = layer._group_key(group)
    connection = layer.connection(layer.consistent_hash(group))
    return await connection.zcard(key)


@pytest.mark.parametrize("steps_before_cut", [0, 1, 3, 10, 50, None])
async def test_a_socket_cut_at_any_point_of_its_handshake_leaves_no_row_and_no_member(
    channel_layer, phone_headers, alice, steps_before_cut
):
    """Daphne cancels the application of a handshake it gave up on (or of a socket that
    did not end in time): whatever it had done, it undoes. ``None``: once accepted."""
    phone = WebsocketCommunicator(
        application, f"/ws/j/{alice.workshop.code}/", headers=await phone_headers(alice)
    )
    if steps_before_cut is None:
        assert (await phone.connect())[0]
        await presence.flush()
        assert await database_sync_to_async(connected_participants)() == [alice.pk]
    else:
        await phone.send_input({"type": "websocket.connect"})
        for _step in range(steps_before_cut):
            await asyncio.sleep(0)
    # As Daphne does: cancel again until it ends (redis-py may swallow one, #2028).
    while not phone.future.done():
        phone.future.cancel()
        await asyncio.wait([phone.future], timeout=0.1)
    await asyncio.gather(*consumers._leaving)

    await presence.flush()
    assert await database_sync_to_async(connected_participants)() == []
    for group in (table_group(alice.subgroup.table_id), workshop_group(alice.workshop_id)):
        assert await group_members(channel_layer, group) == 0
    await close_database_thread()


async def test_a_facilitator_removed_from_a_workshop_has_their_screens_closed_at_once(
    ws, laptop_headers, cofacilitator, owner, workshop
):
    path = f"/ws/w/{workshop.pk}"
    async with (
        ws(f"{path}/console/", await laptop_headers(cofacilitator)) as console,
        ws(f"{path}/screen/", await laptop_headers(cofacilitator)) as projector,
        ws(f"{path}/console/", await laptop_headers(owner)) as owners_console,
    ):
        await database_sync_to_async(services.facilitator_remove)(workshop, cofacilitator)

        assert await console.receive_output() == {"type": "websocket.close", "code": 4403}
        assert await projector.receive_output() == {"type": "websocket.close", "code": 4403}
        assert await owners_console.receive_nothing(timeout=0.05)
    assert await is_refused(f"{path}/console/", await laptop_headers(cofacilitator))


# The phase and the clock ------------------------------------------------------------------


def phase_state_of(html: str) -> str:
    assert html.strip().startswith('<div id="phase-state" class="phase-state" hx-swap-oob="true"')
    return html


async def test_it_sends_a_clock_command_to_the_phones_the_projector_and_the_console(
    ws, phone_headers, laptop_headers, alice, chloe, dora, owner
):
    workshop = alice.workshop
    async with (
        ws(f"/ws/w/{workshop.pk}/console/", await laptop_headers(owner)) as console,
        ws(f"/ws/w/{workshop.pk}/screen/", await laptop_headers(owner)) as projector,
        ws(f"/ws/j/{workshop.code}/", await phone_headers(alice)) as alice_phone,
        ws(f"/ws/j/{workshop.code}/", await phone_headers(chloe)) as chloe_phone,
        ws(f"/ws/j/{dora.workshop.code}/", await phone_headers(dora)) as dora_phone,
    ):
        assert await nudges_after_presence(console) >= 1

        await database_sync_to_async(phases.clock_command)(workshop, ClockCommand.NEXT)

        html = phase_state_of(await alice_phone.receive_from())
        negotiation = await database_sync_to_async(workshop.phases.get)(kind=Phase.Kind.NEGOTIATION)
        assert f'data-phase="{negotiation.pk}"' in html
        assert negotiation.name in html
        assert await chloe_phone.receive_from() == html
        assert await projector.receive_from() == html
        assert await console.receive_from() == html
        assert await dora_phone.receive_nothing(timeout=0.05)
        assert await alice_phone.receive_nothing(timeout=0.01)  # once, not twice


async def test_it_tells_the_phones_when_the_workshop_closes(ws, phone_headers, alice):
    async with ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(alice)) as phone:
        await database_sync_to_async(phases.set_status)(alice.workshop, Workshop.Status.CLOSED)

        html = phase_state_of(await phone.receive_from())
        assert 'data-status="closed"' in html
        assert 'data-actions=""' in html


async def test_it_sends_nothing_for_a_refused_clock_command(ws, phone_headers, alice):
    async with ws(f"/ws/j/{alice.workshop.code}/", await phone_headers(alice)) as phone:
        with pytest.raises(services.ValidationError):
            await database_sync_to_async(phases.clock_command)(
                alice.workshop, ClockCommand.PREVIOUS
            )

        assert await phone.receive_nothing(timeout=0.1)


# Sockets per holder ------------------------------------------------------------------------


async def open_communicator(path: str, headers: list) -> WebsocketCommunicator | None:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    if not connected:
        await communicator.disconnect(timeout=DISCONNECT_TIMEOUT)
        return None
    return communicator


async def test_a_phone_s_sockets_are_capped_and_a_closed_one_frees_its_place(
    phone_headers, alice, bruno, settings
):
    settings.SOCKETS_PER_PARTICIPANT = 2
    path = f"/ws/j/{alice.workshop.code}/"
    headers = await phone_headers(alice)
    tabs = [await open_communicator(path, headers) for _ in range(2)]
    assert all(tabs)  # two tabs work
    try:
        assert await open_communicator(path, headers) is None  # a third is refused
        assert consumers.sockets_open(f"participant:{alice.pk}") == 2
        # Bruno's phone counts on its own.
        bruno_phone = await open_communicator(path, await phone_headers(bruno))
        assert bruno_phone is not None
        await bruno_phone.disconnect(timeout=DISCONNECT_TIMEOUT)

        await tabs.pop().disconnect(timeout=GOODBYE_TIMEOUT)
        assert consumers.sockets_open(f"participant:{alice.pk}") == 1
        tabs.append(await open_communicator(path, headers))  # a reload gets back in
        assert tabs[-1] is not None
    finally:
        for tab in tabs:
            if tab is not None:
                await tab.disconnect(timeout=DISCONNECT_TIMEOUT)
        await close_database_thread()
    assert consumers.sockets_open(f"participant:{alice.pk}") == 0


async def test_a_facilitator_s_screens_of_one_workshop_share_one_cap(
    laptop_headers, owner, workshop, settings
):
    settings.SOCKETS_PER_FACILITATOR = 2
    headers = await laptop_headers(owner)
    screen, console = f"/ws/w/{workshop.pk}/screen/", f"/ws/w/{workshop.pk}/console/"
    opened = [await open_communicator(screen, headers), await open_communicator(console, headers)]
    try:
        assert all(opened)
        assert await open_communicator(screen, headers) is None
        assert stats.snapshot()["sockets_over_cap"] >= 1
    finally:
        for communicator in opened:
            if communicator is not None:
                await communicator.disconnect(timeout=DISCONNECT_TIMEOUT)
        await close_database_thread()
