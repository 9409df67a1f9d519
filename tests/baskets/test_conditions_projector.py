"""The conditions as a projector view of their own (baskets/conditions/panels.py registers
it in workshops/projector.py): "conditions" every table, "conditions:N" one table, key C,
chosen from the console or the keys, and shown by itself while the projector follows the
workshop in the conditions phase. What the page shows, what it costs, and that a changed
basket reaches the screen's socket."""

import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baskets.conditions import services
from baskets.models import Basket
from config.asgi import application
from tests.conftest import (
    basket_of,
    close_database_thread,
    goto,
    session_key,
    ws_headers,
)
from workshops import projector
from workshops.models import Phase, Workshop

pytestmark = pytest.mark.django_db

DISCONNECT_TIMEOUT = 0.1


def fragment_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="conditions-(\d+)"', html)]


def every_basket(workshop, **filters) -> list[int]:
    return list(
        Basket.objects.filter(table__workshop=workshop, **filters)
        .order_by("table__number", "side_a__territory__name", "side_b__territory__name")
        .values_list("pk", flat=True)
    )


# The registered view -------------------------------------------------------------------


def test_it_is_registered_with_its_key_and_the_conditions_phase():
    kinds = {kind.name: kind for kind in projector.registered()}
    conditions = kinds["conditions"]
    assert conditions.key == "c" and conditions.numbers == (0, 1)
    assert projector.follow_kinds(conditions) == ["conditions"]
    assert projector.follow_kinds(kinds["baskets"]) == ["negotiation"]  # the baskets' phase
    assert projector.followed("conditions") is conditions
    keys = [kind.key for kind in projector.registered() if kind.key]
    assert len(keys) == len(set(keys))  # a key of its own


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("conditions", projector.View("conditions")),
        ("conditions:3", projector.View("conditions", 3)),
        ("conditions:", None),
        ("conditions:1-2", None),
    ],
)
def test_it_reads_the_conditions_views(value, expected):
    assert projector.parse(value) == expected


def test_it_stores_every_table_s_or_one_table_s_conditions(workshop):
    for value in ("conditions", "conditions:2"):
        projector.set_view(workshop=workshop, value=value)
        assert Workshop.objects.get(pk=workshop.pk).projector_view == value


def test_it_refuses_a_table_the_workshop_has_not_or_a_workshop_without_the_phase(workshop):
    with pytest.raises(ValidationError):
        projector.set_view(workshop=workshop, value="conditions:9")
    workshop.phases.filter(kind=Phase.Kind.CONDITIONS).delete()
    with pytest.raises(ValidationError):
        projector.set_view(workshop=workshop, value="conditions")
    assert Workshop.objects.get(pk=workshop.pk).projector_view == ""


def test_the_console_offers_every_table_and_each_table(laptop, workshop):
    html = laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    for value in ("conditions", "conditions:1", "conditions:2", "conditions:3"):
        assert f'value="{value}"' in html, value


def test_the_console_offers_none_without_a_conditions_phase(laptop, workshop):
    workshop.phases.filter(kind=Phase.Kind.CONDITIONS).delete()
    html = laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    assert 'value="conditions' not in html


def test_following_the_workshop_in_the_conditions_phase_shows_this_view(laptop, conditioning):
    pk = conditioning.pk
    for url in (f"/w/{pk}/projector/", f"/w/{pk}/projector/?view=follow"):
        response = laptop.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/w/{pk}/baskets/conditions/tables/?follow=1"

    html = laptop.get(f"/w/{pk}/baskets/conditions/tables/?follow=1").content.decode()
    assert 'data-follow="conditions"' in html
    assert "conditions:conditions" in html  # the phase kinds each page follows


def test_a_stored_choice_opens_its_page(laptop, workshop):
    projector.set_view(workshop=workshop, value="conditions:2")
    response = laptop.get(f"/w/{workshop.pk}/projector/")
    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.pk}/baskets/conditions/tables/2/"


# What the page shows -------------------------------------------------------------------


def test_the_view_shows_every_basket_s_conditions_a_table_after_the_other(laptop, conditioning):
    basket = basket_of(conditioning, 1, "BM", "PdB")
    services.conditions_save(
        basket=basket,
        by=None,
        version=0,
        verdict="conditional",
        condition="Que le port reste ouvert",
        rebalancing="Partager le quai",
    )
    response = laptop.get(f"/w/{conditioning.pk}/baskets/conditions/tables/")
    html = response.content.decode()

    assert response.status_code == 200
    assert fragment_ids(html) == every_basket(conditioning)
    assert re.findall(r'class="conditions-table" data-table="(\d)"', html) == ["1", "2", "3"]
    assert "Que le port reste ouvert" in html and "Partager le quai" in html
    assert 'data-verdict="conditional"' in html
    assert f'ws-connect="/ws/w/{conditioning.pk}/screen/"' in html
    assert "baskets/conditions_screen.js" in html and "js/projector.js" in html
    assert 'id="projector-view"' in html and 'data-view="conditions"' in html
    assert "<kbd>C</kbd>" in html  # in the keys' help
    assert 'data-cycle-c="conditions conditions:1 conditions:2 conditions:3"' in html


def test_one_table_s_view_shows_its_baskets_only(laptop, conditioning):
    html = laptop.get(f"/w/{conditioning.pk}/baskets/conditions/tables/2/").content.decode()
    assert fragment_ids(html) == every_basket(conditioning, table__number=2)
    assert 'data-view="conditions:2"' in html
    content = laptop.get(f"/w/{conditioning.pk}/baskets/conditions/tables/2/content/")
    assert fragment_ids(content.content.decode()) == every_basket(conditioning, table__number=2)
    assert "<html" not in content.content.decode()


def test_a_basket_with_nothing_said_is_marked_to_take_one_line(laptop, conditioning):
    basket = basket_of(conditioning, 1, "BM", "PdB")
    services.conditions_save(basket=basket, by=None, version=0, verdict="balanced")
    html = laptop.get(f"/w/{conditioning.pk}/baskets/conditions/tables/1/").content.decode()
    empty = re.findall(r'id="conditions-(\d+)"[^>]*data-empty', html)
    assert len(empty) == 2 and str(basket.pk) not in empty


def test_a_basket_s_former_page_opens_the_view_at_that_basket(laptop, conditioning):
    basket = basket_of(conditioning, 2, "BM", "COB")
    response = laptop.get(f"/w/{conditioning.pk}/baskets/conditions/{basket.pk}/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [
        (f"/w/{conditioning.pk}/baskets/conditions/tables/?basket={basket.pk}", 302)
    ]
    assert f'data-start-basket="{basket.pk}"' in html


def test_it_answers_404_for_a_table_or_basket_that_is_not_the_workshop_s(
    laptop, conditioning, other_workshop
):
    basket = basket_of(conditioning, 1, "BM", "PdB")
    for url in (
        f"/w/{conditioning.pk}/baskets/conditions/tables/9/",
        f"/w/{conditioning.pk}/baskets/conditions/tables/9/content/",
        f"/w/{other_workshop.pk}/baskets/conditions/tables/1/",
        f"/w/{other_workshop.pk}/baskets/conditions/{basket.pk}/",
    ):
        assert laptop.get(url).status_code == 404, url


def test_it_ignores_a_start_basket_that_is_not_a_number(laptop, conditioning):
    url = f"/w/{conditioning.pk}/baskets/conditions/tables/?basket=<b>"
    assert "data-start-basket" not in laptop.get(url).content.decode()


@pytest.mark.parametrize("path", ["tables/", "tables/content/", "tables/1/", "tables/1/content/"])
def test_it_costs_the_same_queries_however_much_is_filled_in(laptop, conditioning, path):
    url = f"/w/{conditioning.pk}/baskets/conditions/{path}"
    laptop.get(url)
    with CaptureQueriesContext(connection) as empty:
        laptop.get(url)
    items = {item.pk: (True, "Oui") for item in conditioning.condition_items.all()}
    for number in (1, 2, 3):
        services.conditions_save(
            basket=basket_of(conditioning, number, "BM", "PdB"),
            by=None,
            version=0,
            verdict="balanced",
            answers=items,
        )
    with CaptureQueriesContext(connection) as filled:
        laptop.get(url)
    assert len(filled) <= len(empty) + 1  # the answers' query, once there are some


# Live ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_a_changed_condition_reaches_the_view_s_socket_as_the_fragment_on_its_page(
    workshop, owner, user_client
):
    workshop = await database_sync_to_async(goto)(workshop, Phase.Kind.CONDITIONS)
    basket = await database_sync_to_async(basket_of)(workshop, 1, "BM", "PdB")
    laptop = await database_sync_to_async(user_client)(owner)
    page = await database_sync_to_async(laptop.get)(f"/w/{workshop.pk}/baskets/conditions/tables/")
    socket_path = re.search(r'ws-connect="([^"]+)"', page.content.decode()).group(1)
    screen = WebsocketCommunicator(
        application, socket_path, headers=ws_headers(session_key(laptop))
    )
    connected, _ = await screen.connect()
    assert connected
    try:
        await database_sync_to_async(services.conditions_save)(
            basket=basket, by=None, version=0, verdict="unbalanced", rebalancing="Le port"
        )
        sent = await screen.receive_from()
        assert f'id="conditions-{basket.pk}"' in sent and "Le port" in sent
        assert 'hx-swap-oob="true"' in sent
        # A reload shows the same fragment, out of band aside.
        page = await database_sync_to_async(laptop.get)(
            f"/w/{workshop.pk}/baskets/conditions/tables/1/content/"
        )
        html = page.content.decode()
        start = html.index(
            f'<section class="conditions verdict-unbalanced" id="conditions-{basket.pk}"'
        )
        on_page = html[start : html.index("</section>", start) + len("</section>")]
        assert sent.replace(' hx-swap-oob="true"', "").strip() == on_page
    finally:
        await screen.disconnect(timeout=DISCONNECT_TIMEOUT)
        await close_database_thread()
