"""The baskets as the projector's own views (baskets/panels.py registers them in
workshops/projector.py): chosen from the console or the keys, stored like the room's views,
and shown by themselves while the projector follows the workshop in the negotiation."""

import re

import pytest
from django.core.exceptions import ValidationError

from territories.models import Territory
from tests.conftest import at, goto
from workshops import projector
from workshops.models import Phase, Workshop

pytestmark = pytest.mark.django_db


def pks(workshop, *short_names) -> list[int]:
    return [workshop.territories.get(short_name=name).pk for name in short_names]


def stored(workshop) -> tuple[str, int]:
    workshop = Workshop.objects.get(pk=workshop.pk)
    return workshop.projector_view, workshop.projector_view_version


# What a value names ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("baskets", projector.View("baskets")),
        ("baskets:2", projector.View("baskets", 2)),
        ("pair:4-7", projector.View("pair", 4, 7)),
        ("baskets:", None),
        ("baskets:1-2", None),
        ("baskets:²", None),
        ("pair", None),
        ("pair:4", None),
        ("pair:4-", None),
        ("pair:a-b", None),
        ("pair:4-7-9", None),
        ("pair:1234567890-1", None),
    ],
)
def test_it_reads_the_baskets_views(value, expected):
    assert projector.parse(value) == expected
    if expected is not None:
        assert projector.parse(expected.value) == expected


def test_it_stores_a_table_s_baskets_and_a_pair_like_the_room_s_views(workshop):
    a, b = pks(workshop, "BM", "COB")

    projector.set_view(workshop=workshop, value="baskets:2")
    assert stored(workshop) == ("baskets:2", 1)
    projector.set_view(workshop=workshop, value=f"pair:{a}-{b}")
    assert stored(workshop) == (f"pair:{a}-{b}", 2)


def test_it_refuses_a_table_or_pair_the_workshop_does_not_have(workshop):
    a, b = pks(workshop, "BM", "COB")
    stranger = Territory.objects.create(name="Ailleurs", short_name="AIL", kind="pays")
    for value in ("baskets:9", f"pair:{a}-{a}", f"pair:{a}-{stranger.pk}", f"pair:{a}-999999"):
        with pytest.raises(ValidationError):
            projector.set_view(workshop=workshop, value=value)
    assert stored(workshop) == ("", 0)


# The console and the keys ----------------------------------------------------------------


def test_the_console_switches_to_a_table_s_baskets_and_to_a_pair(laptop, workshop):
    a, b = pks(workshop, "BM", "COB")
    url = f"/w/{workshop.pk}/projector/view/"

    response = laptop.post(url, {"view": "baskets:3"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'value="baskets:3" aria-pressed="true"' in response.content.decode()

    response = laptop.post(url, {"view": f"pair:{a}-{b}"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'value="pair:{a}-{b}" aria-pressed="true"' in response.content.decode()
    assert stored(workshop) == (f"pair:{a}-{b}", 2)


@pytest.mark.parametrize("value", ["baskets:9", "pair:{a}-{a}", "pair:{a}-999999", "pair:{a}"])
def test_the_console_answers_422_for_a_table_or_pair_it_cannot_show(laptop, workshop, value):
    (a,) = pks(workshop, "BM")
    response = laptop.post(
        f"/w/{workshop.pk}/projector/view/",
        {"view": value.format(a=a)},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert stored(workshop) == ("", 0)


def test_a_facilitator_of_another_workshop_cannot_switch_to_the_baskets(
    workshop, other_facilitator, user_client
):
    response = user_client(other_facilitator).post(
        f"/w/{workshop.pk}/projector/view/", {"view": "baskets"}
    )
    assert response.status_code == 404
    assert stored(workshop) == ("", 0)


def test_the_console_offers_every_table_s_baskets_and_every_pair(laptop, workshop):
    content = laptop.get(f"/w/{workshop.pk}/console/").content.decode()

    assert 'value="baskets" aria-pressed="false"' in content
    for number in (1, 2, 3):
        assert f'value="baskets:{number}"' in content
    assert len(re.findall(r'value="pair:\d+-\d+"', content)) == 3


def test_the_projector_s_keys_go_through_the_baskets_and_the_pairs(laptop, workshop):
    a, b, c = pks(workshop, "BM", "COB", "PdB")  # the pairs in the order of the names

    content = laptop.get(f"/w/{workshop.pk}/projector/").content.decode()

    assert 'data-cycle-b="baskets baskets:1 baskets:2 baskets:3"' in content
    assert f'data-cycle-p="pair:{a}-{b} pair:{a}-{c} pair:{b}-{c}"' in content
    assert "<kbd>B</kbd>" in content and "<kbd>P</kbd>" in content


# What the projector shows ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "page"),
    [
        ("baskets", "/baskets/tables/"),
        ("baskets:2", "/baskets/tables/2/"),
        ("pair:{a}-{b}", "/baskets/pairs/{a}/{b}/"),
    ],
)
def test_the_projector_shows_a_stored_baskets_view_on_its_page(laptop, workshop, value, page):
    a, b = pks(workshop, "BM", "COB")
    projector.set_view(workshop=workshop, value=value.format(a=a, b=b))

    response = laptop.get(f"/w/{workshop.pk}/projector/")

    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.pk}" + page.format(a=a, b=b)


def test_a_link_still_shows_the_tables_whatever_is_stored(laptop, workshop):
    projector.set_view(workshop=workshop, value="baskets")
    assert laptop.get(f"/w/{workshop.pk}/projector/?view=all").status_code == 200


def test_following_the_workshop_the_projector_shows_the_baskets_in_the_negotiation(
    laptop, workshop
):
    # The conditions phase has a view of its own: tests/baskets/test_conditions_projector.py.
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, at(0))

    for url in (f"/w/{workshop.pk}/projector/", f"/w/{workshop.pk}/projector/?view=follow"):
        response = laptop.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/w/{workshop.pk}/baskets/tables/?follow=1"


def test_following_the_workshop_the_projector_shows_the_grids_in_the_formulation(laptop, workshop):
    response = laptop.get(f"/w/{workshop.pk}/projector/")

    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-follow="board"' in content
    assert (
        'data-follow-kinds="negotiation:baskets conditions:conditions plenary:presenter"' in content
    )


def test_the_baskets_page_reached_by_following_knows_it_follows(laptop, workshop):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, at(0))
    Workshop.objects.filter(pk=workshop.pk).update(projector_view_version=5)

    following = laptop.get(f"/w/{workshop.pk}/baskets/tables/?follow=1").content.decode()
    chosen = laptop.get(f"/w/{workshop.pk}/baskets/tables/").content.decode()

    assert 'data-follow="baskets"' in following
    assert "data-follow=" not in chosen
    for content in (following, chosen):
        # It follows a later switch as the room's projector does: the marker, its version.
        assert 'id="projector-view"' in content
        assert 'data-view-version="5"' in content
        assert 'data-view="baskets"' in content
        assert "js/projector.js" in content


def test_the_pair_page_names_its_view_a_first(laptop, workshop):
    a, b = pks(workshop, "BM", "COB")

    content = laptop.get(f"/w/{workshop.pk}/baskets/pairs/{b}/{a}/").content.decode()

    assert f'data-view="pair:{a}-{b}"' in content


def test_the_page_of_every_table_shows_every_basket_a_table_a_section(laptop, workshop):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, at(0))
    from baskets.models import Basket

    content = laptop.get(f"/w/{workshop.pk}/baskets/tables/").content.decode()

    expected = set(Basket.objects.filter(table__workshop=workshop).values_list("pk", flat=True))
    assert {int(pk) for pk in re.findall(r'id="basket-(\d+)"', content)} == expected
    assert re.findall(r'class="screen-table" data-table="(\d+)"', content) == ["1", "2", "3"]
    for table in workshop.tables.all():
        assert f'id="table-warnings-{table.pk}"' in content
