"""The plenary live: each change rendered once and sent to the audiences that show it;
a hidden answer never reaches the screens' group or socket; costs counted, not timed."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baskets import services as basket_services
from config.asgi import application
from plenary import dot_selectors, selectors, services
from plenary.services import Item
from tests.conftest import close_database_thread, goto, session_key, ws_headers
from tests.plenary.conftest import fresh
from workshops import stats
from workshops.broadcast import console_group, screens_group, workshop_group
from workshops.models import Participant, Phase


def renders(name):
    return stats.snapshot().get(name, 0)


@pytest.mark.django_db
def test_a_new_answer_reaches_the_consoles_only(
    plenary, workshop, alice, listen, django_capture_on_commit_callbacks
):
    screens, consoles = listen(screens_group(workshop.pk)), listen(console_group(workshop.pk))
    phones = listen(workshop_group(workshop.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_create(participant=fresh(alice), question=0, text="Secrète")
    assert screens.html() == [] and phones.html() == []
    assert [html for html in consoles.html() if "console-stale" in html]


@pytest.mark.django_db
def test_showing_an_answer_sends_the_wall_once_with_the_shown_answers_only(
    plenary, workshop, alice, bruno, listen, django_capture_on_commit_callbacks
):
    shown = services.answer_create(participant=fresh(alice), question=0, text="Montrée")
    services.answer_create(participant=fresh(bruno), question=0, text="Cachée")
    screens = listen(screens_group(workshop.pk))
    before = renders("plenary_wall_renders")
    with django_capture_on_commit_callbacks(execute=True):
        services.answers_show(workshop=workshop, answer_ids=[shown.pk], shown=True)
    sent = screens.html()
    assert len(sent) == 1 and renders("plenary_wall_renders") - before == 1
    assert "Montrée" in sent[0] and "Cachée" not in sent[0]
    assert "Alice" not in sent[0] and "Bruno" not in sent[0]


@pytest.mark.django_db
def test_a_dot_sends_the_chart_once_and_hidden_results_carry_no_bar(
    voting, built, workshop, alice, listen, django_capture_on_commit_callbacks
):
    basket, _, _ = built
    screens = listen(screens_group(workshop.pk))
    before = renders("plenary_chart_renders")
    with django_capture_on_commit_callbacks(execute=True):
        services.dot_place(participant=fresh(alice), item=Item("b", basket.pk))
    sent = screens.html()
    assert len(sent) == 1 and renders("plenary_chart_renders") - before == 1
    assert 'id="plenary-chart"' in sent[0] and "BM ↔ PdB" not in sent[0]
    revealed = listen(screens_group(workshop.pk))  # a listener is read once, as Redis needs
    with django_capture_on_commit_callbacks(execute=True):
        services.results_set(workshop=workshop, shown=True)
    assert "BM ↔ PdB" in revealed.html()[0]


@pytest.mark.django_db
def test_voting_opened_tells_every_phone_to_fetch_its_dots(
    plenary, workshop, listen, django_capture_on_commit_callbacks
):
    phones = listen(workshop_group(workshop.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.voting_set(workshop=workshop, open_=True)
    sent = phones.html()
    assert len(sent) == 1 and 'id="plenary-signal"' in sent[0]
    assert f"/j/{workshop.code}/plenary/" in sent[0]


@pytest.mark.django_db
def test_a_slide_moved_is_rendered_once_for_every_screen(
    every_basket, workshop, listen, django_capture_on_commit_callbacks
):
    screens = listen(screens_group(workshop.pk))
    before = renders("plenary_slide_renders")
    with django_capture_on_commit_callbacks(execute=True):
        services.presenter_move(workshop=workshop, to="next")
    sent = screens.html()
    assert len(sent) == 1 and renders("plenary_slide_renders") - before == 1
    assert 'id="presenter-slide"' in sent[0] and 'data-slide="2"' in sent[0]


@pytest.mark.django_db
def test_a_parts_count_nudges_the_consoles_and_sends_the_screens_nothing(
    plenary, built, workshop, listen, django_capture_on_commit_callbacks
):
    basket, _, _ = built
    screens = listen(screens_group(workshop.pk))
    consoles = listen(console_group(workshop.pk))
    before = renders("plenary_slide_renders")
    with django_capture_on_commit_callbacks(execute=True):
        services.presenter_parts(workshop=workshop, basket_id=basket.pk, parts=2)
    assert screens.html() == [] and renders("plenary_slide_renders") == before
    assert len(consoles.html()) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the same count again: silence
        services.presenter_parts(workshop=workshop, basket_id=basket.pk, parts=2)
    assert consoles.html() == []


@pytest.mark.django_db
def test_go_to_sends_the_screens_the_slide_asked(
    every_basket, workshop, listen, django_capture_on_commit_callbacks
):
    screens = listen(screens_group(workshop.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.presenter_move(workshop=workshop, to="table:3")
    sent = screens.html()
    assert len(sent) == 1 and 'data-slide="7"' in sent[0] and "Table 3" in sent[0]


# Costs -----------------------------------------------------------------------------


def _grow(workshop, alice, make_postit, times):
    goto(workshop, Phase.Kind.NEGOTIATION)
    basket = workshop.tables.get(number=2).baskets.first()
    giver = Participant.objects.create(
        workshop=workshop, subgroup=basket.side_a, first_name=f"Donneur {times}"
    )
    for i in range(times):
        offer = make_postit(fresh(giver), text=f"Offre {i}", kind="offer")
        basket_services.transaction_create(basket=basket, by=None, giver=basket.side_a, offer=offer)
    goto(workshop, Phase.Kind.PLENARY)
    for i in range(times):
        services.answers_show(
            workshop=workshop,
            answer_ids=[
                services.answer_create(participant=fresh(alice), question=i % 3, text=f"R {i}").pk
            ],
            shown=True,
        )
    services.voting_set(workshop=workshop, open_=True)
    for t in basket.transactions.all()[:times]:
        voter = Participant.objects.create(
            workshop=workshop, subgroup=basket.side_b, first_name=f"V {t.pk}"
        )
        services.dot_place(participant=fresh(voter), item=Item("t", t.pk))
    services.results_set(workshop=workshop, shown=True)


def _queries(render, workshop) -> int:
    with CaptureQueriesContext(connection) as queries:
        render(workshop)
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "render",
    [selectors.render_slide, selectors.render_wall, dot_selectors.render_chart],
    ids=["slide", "wall", "chart"],
)
def test_queries_do_not_grow_with_the_room(plenary, workshop, alice, make_postit, render):
    _grow(workshop, alice, make_postit, 2)
    few = _queries(render, workshop)
    _grow(workshop, alice, make_postit, 8)
    many = _queries(render, workshop)
    assert few == many <= 8, (few, many)


# Through the sockets ---------------------------------------------------------------


async def open_socket(path, headers):
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected, path
    return communicator


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_a_hidden_answer_never_reaches_the_projector_s_socket(
    plenary, workshop, owner, alice, bruno, user_client
):
    laptop = await database_sync_to_async(user_client)(owner)
    projector = await open_socket(f"/ws/w/{workshop.pk}/screen/", ws_headers(session_key(laptop)))
    console = await open_socket(f"/ws/w/{workshop.pk}/console/", ws_headers(session_key(laptop)))
    try:
        hidden = await database_sync_to_async(services.answer_create)(
            participant=await database_sync_to_async(fresh)(bruno), question=0, text="Jamais vue"
        )
        assert "console-stale" in await console.receive_from()
        assert await projector.receive_nothing(timeout=0.2)

        shown = await database_sync_to_async(services.answer_create)(
            participant=await database_sync_to_async(fresh)(alice), question=0, text="Affichée"
        )
        await database_sync_to_async(services.answers_show)(
            workshop=workshop, answer_ids=[shown.pk], shown=True
        )
        html = await projector.receive_from()
        assert "Affichée" in html and "Jamais vue" not in html
        assert hidden.text not in html
        assert await projector.receive_nothing(timeout=0.2)
    finally:
        for socket in (projector, console):
            await socket.disconnect(timeout=0.1)
        await close_database_thread()


@pytest.mark.django_db(transaction=True)
async def test_a_burst_of_dots_is_rendered_once_per_render_not_once_per_dot(
    voting, built, alice, bruno, workshop, channel_layer, settings
):
    import asyncio

    settings.PLENARY_CHART_SETTLE_SECONDS = 0.05

    from plenary import broadcast

    basket, first, second = built
    for who, item in ((alice, Item("b", basket.pk)), (bruno, Item("t", first.pk))):
        await database_sync_to_async(services.dot_place)(
            participant=await database_sync_to_async(fresh)(who), item=item
        )
    channel = await channel_layer.new_channel()
    await channel_layer.group_add(screens_group(workshop.pk), channel)
    before = renders("plenary_chart_renders")
    try:
        for _ in range(5):  # five dots' commits, before the chart's task could run
            await broadcast.chart_stale(workshop.pk)
        await asyncio.gather(*broadcast._tasks)
        rendered = renders("plenary_chart_renders") - before
        sent = []
        while True:
            try:
                async with asyncio.timeout(0.2):
                    sent.append((await channel_layer.receive(channel))["html"])
            except TimeoutError:
                break
        # One render reads every dot committed so far; once the burst is over, the chart
        # once more (another worker's may have arrived after it).
        assert rendered == len(sent) == 2
        assert all('data-total="2"' in html for html in sent)
        assert not broadcast._tasks and not broadcast._stale.get()  # nothing left behind
    finally:
        await channel_layer.group_discard(screens_group(workshop.pk), channel)
        await close_database_thread()


@pytest.mark.django_db
def test_a_phone_s_plenary_and_the_console_box_cost_the_same_whatever_the_room(
    plenary, workshop, alice, make_postit
):
    from plenary import panels

    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert panels.phone_context(participant=fresh(alice), workshop=fresh(alice).workshop)
            assert panels.console_plenary(workshop=fresh(alice).workshop)
        return len(queries)

    _grow(workshop, alice, make_postit, 2)
    few = cost()
    _grow(workshop, alice, make_postit, 8)
    assert cost() == few


@pytest.mark.django_db
def test_a_dot_outside_a_server_s_loop_still_sends_its_chart(
    voting, built, workshop, alice, listen, settings, django_capture_on_commit_callbacks
):
    """A script or a shell has no lasting event loop: no coalescing, the chart goes now."""
    settings.PLENARY_CHART_COALESCE = True
    basket, _, _ = built
    screens = listen(screens_group(workshop.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.dot_place(participant=fresh(alice), item=Item("b", basket.pk))
    assert [html for html in screens.html() if 'data-total="1"' in html]
