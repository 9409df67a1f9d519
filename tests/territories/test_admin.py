import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def library(db):
    return [
        Territory.objects.create(name="Brest Métropole", short_name="BM", kind="metropole"),
        Territory.objects.create(name="Pays de Brest", short_name="PdB", kind="pays"),
    ]


def test_it_lists_the_territory_library_to_staff(staff_client, library):
    response = staff_client.get("/admin/territories/territory/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Brest Métropole" in content and "Pays de Brest" in content


def test_it_searches_and_filters_the_library(staff_client, library):
    found = staff_client.get("/admin/territories/territory/", {"q": "PdB"})
    assert list(found.context["cl"].result_list) == [library[1]]

    filtered = staff_client.get("/admin/territories/territory/", {"kind__exact": "metropole"})
    assert list(filtered.context["cl"].result_list) == [library[0]]


def key_facts_inline(*facts: tuple[str, str]) -> dict:
    data = {
        "key_facts-TOTAL_FORMS": str(len(facts)),
        "key_facts-INITIAL_FORMS": "0",
        "key_facts-MIN_NUM_FORMS": "0",
        "key_facts-MAX_NUM_FORMS": "20",
    }
    for index, (label, value) in enumerate(facts):
        data |= {f"key_facts-{index}-label": label, f"key_facts-{index}-value": value}
        data[f"key_facts-{index}-position"] = str(index)
    return data


def test_it_adds_a_territory_through_the_admin(staff_client):
    response = staff_client.post(
        "/admin/territories/territory/add/",
        {
            "name": "Pays de Morlaix",
            "short_name": "PdM",
            "kind": "pays",
            "color": "#123abc",
            **key_facts_inline(("Population", "62 000")),
        },
    )

    assert response.status_code == 302
    territory = Territory.objects.get()
    assert territory.name == "Pays de Morlaix"
    assert [fact.label for fact in territory.key_facts.all()] == ["Population"]


def test_it_refuses_a_bad_colour_in_the_admin(staff_client):
    response = staff_client.post(
        "/admin/territories/territory/add/",
        {
            "name": "Pays de Morlaix",
            "short_name": "PdM",
            "kind": "pays",
            "color": "blue",
            **key_facts_inline(),
        },
    )

    assert response.status_code == 200
    assert "color" in response.context["adminform"].form.errors
    assert not Territory.objects.exists()


def test_it_keeps_the_library_from_users_who_are_not_staff(library):
    user = get_user_model().objects.create_user("facilitator", password="x-pass-123")
    client = Client()
    client.force_login(user)

    response = client.get("/admin/territories/territory/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
