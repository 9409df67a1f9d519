import pytest

from territories.models import Territory
from tests.territories.conftest import territory_post

pytestmark = pytest.mark.django_db


def pages(territory) -> list[str]:
    return [
        "/territories/",
        f"/territories/{territory.pk}/",
        "/territories/new/",
        f"/territories/{territory.pk}/edit/",
    ]


def test_it_sends_anonymous_visitors_to_the_login_page(client, territories):
    for url in pages(territories[0]):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/login/?next={url}"

    response = client.post("/territories/new/", territory_post())
    assert response.status_code == 302
    assert Territory.objects.count() == 3


def test_it_lets_any_facilitator_read_the_library(laptop, territories):
    assert laptop.get("/territories/").status_code == 200
    assert laptop.get(f"/territories/{territories[0].pk}/").status_code == 200


def test_it_hides_the_edit_links_from_who_may_not_edit(laptop, territories):
    for url in ["/territories/", f"/territories/{territories[0].pk}/"]:
        content = laptop.get(url).content.decode()
        assert "/edit/" not in content and "/territories/new/" not in content


def test_it_refuses_creating_without_the_permission(laptop):
    assert laptop.get("/territories/new/").status_code == 403
    assert laptop.post("/territories/new/", territory_post()).status_code == 403
    assert not Territory.objects.exists()


def test_it_refuses_editing_without_the_permission(laptop, territories):
    territory = territories[0]
    url = f"/territories/{territory.pk}/edit/"

    assert laptop.get(url).status_code == 403
    assert laptop.post(url, territory_post(territory, name="Renommé")).status_code == 403
    territory.refresh_from_db()
    assert territory.name == "Brest Métropole"


def test_it_lets_an_editor_create_and_edit(user_client, editor, territories):
    client = user_client(editor)
    territory = territories[0]

    assert client.post("/territories/new/", territory_post()).status_code == 302
    response = client.post(
        f"/territories/{territory.pk}/edit/", territory_post(territory, short_name="BMO")
    )
    assert response.status_code == 302
    territory.refresh_from_db()
    assert territory.short_name == "BMO"


def test_it_lets_a_superuser_edit(user_client, staff_user, territories):
    client = user_client(staff_user)

    assert client.get("/territories/new/").status_code == 200
    assert client.get(f"/territories/{territories[0].pk}/edit/").status_code == 200


def test_only_adding_does_not_allow_editing(user_client, editor, territories):
    editor.user_permissions.remove(editor.user_permissions.get(codename="change_territory"))
    client = user_client(editor)

    assert client.get("/territories/new/").status_code == 200
    assert client.get(f"/territories/{territories[0].pk}/edit/").status_code == 403
