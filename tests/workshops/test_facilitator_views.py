import pytest

from territories.models import KeyFact, Territory
from tests.conftest import phase_state_tag
from workshops.models import SubGroup, Workshop

pytestmark = pytest.mark.django_db


# Creating a workshop --------------------------------------------------------------


def test_it_offers_every_territory_of_the_library_when_creating_a_workshop(laptop, territories):
    response = laptop.get("/w/new/")
    assert response.status_code == 200
    assert set(response.context["form"].fields["territories"].queryset) == set(territories)


def test_it_creates_a_workshop_from_the_form_and_opens_it(laptop, owner, territories):
    response = laptop.post(
        "/w/new/",
        {
            "title": "Paniers de Brest",
            "event": "Assises",
            "date": "2026-03-12",
            "place": "Brest",
            "territories": [territories[0].pk, territories[2].pk],
            "table_count": 4,
            "themes": "Énergie\n  Alimentation \n\nÉnergie\nSanté",
            "grace_seconds": 0,
        },
    )

    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.pk}/"
    assert (workshop.title, workshop.place, str(workshop.date)) == (
        "Paniers de Brest",
        "Brest",
        "2026-03-12",
    )
    assert list(workshop.facilitators.all()) == [owner]
    assert workshop.tables.count() == 4
    assert SubGroup.objects.filter(table__workshop=workshop).count() == 8
    assert workshop.themes == ["Énergie", "Alimentation", "Santé"]
    assert workshop.grace_seconds == 0
    assert workshop.status == Workshop.Status.PREPARING
    assert [(p.kind, p.duration_minutes) for p in workshop.phases.all()] == [
        ("formulation", 30),
        ("negotiation", 45),
        ("conditions", 15),
        ("plenary", 20),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"table_count": 0}, "table_count"),
        ({"table_count": 21}, "table_count"),
        ({"table_count": ""}, "table_count"),
        ({"territories": []}, "territories"),
        ({"title": ""}, "title"),
    ],
    ids=["no-table", "too-many-tables", "table-count-missing", "no-territory", "no-title"],
)
def test_it_refuses_an_incomplete_workshop_form(laptop, territories, change, field):
    data = {"title": "Atelier", "territories": [t.pk for t in territories], "table_count": 3}

    response = laptop.post("/w/new/", {**data, **change})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Workshop.objects.exists()


# The workshop page and the projector ------------------------------------------------


def test_it_shows_the_code_and_join_link_on_the_workshop_page(laptop, workshop, alice, bruno):
    response = laptop.get(f"/w/{workshop.pk}/")

    content = response.content.decode()
    assert workshop.code in content
    assert response.context["join_url"] == f"http://testserver/j/{workshop.code}/"
    assert "<svg" in response.context["join_qr"]
    tables = list(response.context["tables"])
    assert [len(sg.participants.all()) for sg in tables[0].subgroups.all()] == [1, 0, 1]


def test_it_shows_every_table_and_postit_on_the_projector(
    laptop, workshop, alice, chloe, make_postit
):
    first = make_postit(alice, text="Table un")
    second = make_postit(chloe, text="Table deux", kind="need")

    response = laptop.get(f"/w/{workshop.pk}/projector/")

    assert response.status_code == 200
    content = response.content.decode()
    assert [board.table.number for board in response.context["boards"]] == [1, 2, 3]
    assert f'id="postit-{first.pk}"' in content and f'id="postit-{second.pk}"' in content
    assert workshop.code in content
    assert f'ws-connect="/ws/w/{workshop.pk}/screen/"' in content
    for subgroup in SubGroup.objects.filter(table__workshop=workshop):
        assert f'id="cell-{subgroup.pk}-offer"' in content
        assert f'id="cell-{subgroup.pk}-need"' in content


@pytest.mark.parametrize("path", ["projector/", "projector/board/"])
def test_it_focuses_the_projector_on_one_table(laptop, workshop, alice, chloe, make_postit, path):
    first = make_postit(alice, text="Table un")
    second = make_postit(chloe, text="Table deux")

    response = laptop.get(f"/w/{workshop.pk}/{path}?table=2")

    assert [board.table.number for board in response.context["boards"]] == [2]
    content = response.content.decode()
    assert f'id="postit-{second.pk}"' in content
    assert f'id="postit-{first.pk}"' not in content


@pytest.mark.parametrize("path", ["projector/", "projector/board/"])
def test_it_answers_404_for_a_table_the_workshop_does_not_have(laptop, workshop, path):
    assert laptop.get(f"/w/{workshop.pk}/{path}?table=4").status_code == 404


@pytest.mark.parametrize("path", ["projector/", "projector/board/"])
@pytest.mark.parametrize("table", ["deux", "", "-1", "1.5", "²"])
def test_it_shows_every_table_when_the_table_asked_for_is_not_a_number(
    laptop, workshop, path, table
):
    response = laptop.get(f"/w/{workshop.pk}/{path}", {"table": table})
    assert response.status_code == 200
    assert [board.table.number for board in response.context["boards"]] == [1, 2, 3]


def test_it_does_not_focus_on_a_table_of_another_workshop(
    user_client, other_facilitator, other_workshop, workshop
):
    """Table numbers are looked up within the workshop on show, never across workshops."""
    response = user_client(other_facilitator).get(f"/w/{other_workshop.pk}/projector/?table=3")
    assert response.status_code == 404


def test_it_warns_when_the_join_link_only_works_on_this_laptop(laptop, workshop):
    response = laptop.get(f"/w/{workshop.pk}/projector/", HTTP_HOST="127.0.0.1")
    assert response.context["join_url"] == f"http://127.0.0.1/j/{workshop.code}/"
    assert response.context["join_url_is_loopback"] is True


def test_it_puts_the_public_url_in_the_join_link_and_qr_code(laptop, workshop, settings):
    settings.PUBLIC_URL = "http://192.168.1.20:8000"

    response = laptop.get(f"/w/{workshop.pk}/projector/", HTTP_HOST="127.0.0.1")

    assert response.context["join_url"] == f"http://192.168.1.20:8000/j/{workshop.code}/"
    assert response.context["join_url_is_loopback"] is False


LOOPBACK_ADVICE = "PUBLIC_URL=http://192.168.1.20:8000 make run"


@pytest.mark.parametrize(("path", "shown"), [("", True), ("console/", True), ("projector/", False)])
def test_the_loopback_warning_is_on_the_laptop_screens_never_on_the_wall(
    laptop, workshop, path, shown
):
    response = laptop.get(f"/w/{workshop.pk}/{path}", HTTP_HOST="127.0.0.1")

    assert (LOOPBACK_ADVICE in response.content.decode()) is shown


def test_no_loopback_warning_once_phones_can_reach_the_laptop(laptop, workshop, settings):
    settings.PUBLIC_URL = "http://192.168.1.20:8000"
    for path in ("", "console/"):
        response = laptop.get(f"/w/{workshop.pk}/{path}", HTTP_HOST="127.0.0.1")
        assert LOOPBACK_ADVICE not in response.content.decode()


# The projector's territory sheets --------------------------------------------------------


def test_it_shows_a_territory_sheet_with_its_key_facts_on_the_projector(
    laptop, workshop, territories
):
    territory = territories[1]
    territory.sheet = "Un **pays** de bocage."
    territory.save()
    KeyFact.objects.create(territory=territory, label="Population", value="400 000")

    response = laptop.get(f"/w/{workshop.pk}/projector/sheets/{territory.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert territory.name in content
    assert "<strong>pays</strong>" in content
    assert "<dt>Population</dt>" in content and "400 000" in content
    assert f'ws-connect="/ws/w/{workshop.pk}/screen/"' in content
    assert 'id="phase-state"' in content


def test_it_shows_the_phase_and_links_to_every_sheet_on_the_projector(laptop, workshop):
    content = laptop.get(f"/w/{workshop.pk}/projector/").content.decode()

    assert f'data-phase="{workshop.current_phase_id}"' in phase_state_tag(content)
    assert f'hx-get="/w/{workshop.pk}/state/"' in content
    for territory in workshop.territories.all():
        assert f'href="/w/{workshop.pk}/projector/sheets/{territory.pk}/"' in content


def test_it_shows_only_the_sheets_of_the_workshop_s_territories(laptop, workshop):
    elsewhere = Territory.objects.create(name="Pays de Morlaix", short_name="PdM")
    response = laptop.get(f"/w/{workshop.pk}/projector/sheets/{elsewhere.pk}/")
    assert response.status_code == 404
