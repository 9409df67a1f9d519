import pytest

from territories.models import KeyFact, Territory
from tests.territories.conftest import territory_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def brest(territories):
    territory = territories[0]
    territory.sheet = "Une **métropole** portuaire."
    territory.save()
    KeyFact.objects.create(territory=territory, label="Population", value="213 000", position=0)
    KeyFact.objects.create(
        territory=territory, label="Communes", value="8", source="INSEE 2021", position=1
    )
    return territory


# List and detail ---------------------------------------------------------------


def test_it_lists_the_library_with_kind_colour_and_fact_count(user_client, editor, brest):
    response = user_client(editor).get("/territories/")

    assert response.status_code == 200
    content = response.content.decode()
    for name in ["Brest Métropole", "Pays de Brest", "Pays Centre Ouest Bretagne"]:
        assert name in content
    assert "Métropole" in content and "Pays / PETR" in content
    assert 'data-territory-color="#2f5d8a"' in content
    assert "2 key facts" in content and "0 key facts" in content
    assert f'href="/territories/{brest.pk}/edit/"' in content
    assert 'href="/territories/new/"' in content


def test_it_shows_a_territory_sheet(laptop, brest):
    response = laptop.get(f"/territories/{brest.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<strong>métropole</strong>" in content
    assert "<dt>Communes</dt>" in content and "INSEE 2021" in content
    assert content.index("Population") < content.index("Communes")


def test_it_says_when_a_sheet_is_empty(laptop, territories):
    response = laptop.get(f"/territories/{territories[1].pk}/")

    assert "This territory sheet is still empty." in response.content.decode()


def test_it_answers_404_for_an_unknown_territory(laptop):
    assert laptop.get("/territories/999999/").status_code == 404


# Create ------------------------------------------------------------------------


def test_it_shows_an_empty_form_with_a_colour_picker(user_client, editor):
    response = user_client(editor).get("/territories/new/")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="color"' in content
    assert 'name="facts-2-label"' in content and 'name="facts-3-label"' not in content


def test_it_creates_a_territory_with_its_key_facts(user_client, editor):
    data = territory_post(
        sheet="## Enjeux\n\nLe bois.",
        facts=[
            {"label": "Population", "value": "62 000", "source": "INSEE"},
            {"label": "Communes", "value": "59"},
        ],
    )

    response = user_client(editor).post("/territories/new/", data)

    territory = Territory.objects.get(name="Pays de Morlaix")
    assert response.status_code == 302
    assert response["Location"] == f"/territories/{territory.pk}/"
    assert (territory.short_name, territory.kind, territory.color) == ("PdM", "pays", "#123abc")
    assert list(territory.key_facts.values_list("label", "value", "source", "position")) == [
        ("Population", "62 000", "INSEE", 0),
        ("Communes", "59", "", 1),
    ]


def test_it_keeps_everything_typed_when_a_field_is_wrong(user_client, editor):
    data = territory_post(
        name="",
        color="blue",
        sheet="Un texte **long** à garder",
        facts=[{"label": "Population", "value": "62 000"}, {"label": "Communes", "value": ""}],
    )

    response = user_client(editor).post("/territories/new/", data)

    assert response.status_code == 200
    assert not Territory.objects.exists()
    assert set(response.context["form"].errors) == {"name", "color"}
    assert list(response.context["key_facts"].errors[1]) == ["value"]
    content = response.content.decode()
    assert "Un texte **long** à garder" in content
    assert 'value="62 000"' in content and 'value="Communes"' in content


def test_it_refuses_a_name_already_in_the_library(user_client, editor, territories):
    response = user_client(editor).post("/territories/new/", territory_post(name="Pays de Brest"))

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Territory.objects.count() == 3


# Edit --------------------------------------------------------------------------


def test_it_shows_the_facts_in_the_edit_form(user_client, editor, brest):
    response = user_client(editor).get(f"/territories/{brest.pk}/edit/")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="Population"' in content and 'value="INSEE 2021"' in content
    assert 'name="facts-0-DELETE"' in content
    assert 'name="facts-2-DELETE"' not in content  # an empty row has nothing to delete
    assert 'name="facts-4-label"' in content


def test_it_adds_edits_and_deletes_key_facts(user_client, editor, brest):
    population, communes = brest.key_facts.all()
    data = territory_post(
        brest,
        sheet="Nouvelle présentation",
        facts=[
            {"id": population.pk, "label": "Population", "value": "213 000", "DELETE": True},
            {"id": communes.pk, "label": "Communes", "value": "8", "source": "INSEE 2022"},
            {"label": "Emplois", "value": "120 000"},
        ],
    )

    response = user_client(editor).post(f"/territories/{brest.pk}/edit/", data)

    assert response.status_code == 302
    brest.refresh_from_db()
    assert brest.sheet == "Nouvelle présentation"
    assert not KeyFact.objects.filter(pk=population.pk).exists()
    assert list(brest.key_facts.values_list("pk", "label", "source", "position")) == [
        (communes.pk, "Communes", "INSEE 2022", 0),
        (communes.pk + 1, "Emplois", "", 1),
    ]


def test_it_cannot_touch_another_territorys_facts(user_client, editor, brest, territories):
    fact = brest.key_facts.first()
    other = territories[1]
    client = user_client(editor)

    for row in [{"label": "Volé", "value": "1"}, {"label": "x", "value": "1", "DELETE": 1}]:
        data = territory_post(other, facts=[{"id": fact.pk, **row}])
        assert client.post(f"/territories/{other.pk}/edit/", data).status_code == 302

    fact.refresh_from_db()
    assert (fact.territory, fact.label) == (brest, "Population")
    assert not other.key_facts.exists()
