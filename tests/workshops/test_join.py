import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from tests.conftest import join_data, subgroup_of
from workshops import phases, services
from workshops.access import SESSION_KEY
from workshops.models import Participant

pytestmark = pytest.mark.django_db

CODE = "EF4AQQ"


@pytest.fixture
def coded_workshop(workshop):
    """The shared workshop, with a code the tests can type in every way."""
    workshop.code = CODE
    workshop.save(update_fields=["code"])
    return workshop


def is_join_form(response) -> bool:
    return response.status_code == 200 and 'name="first_name"' in response.content.decode()


def is_phone_page(response, participant) -> bool:
    content = response.content.decode()
    return (
        response.status_code == 200
        and f"<strong>{participant.first_name}</strong>" in content
        and f'ws-connect="/ws/j/{participant.workshop.code}/"' in content
    )


# The home page: typing the code -----------------------------------------------


def test_it_asks_for_the_code_on_the_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_it_answers_head_on_the_home_page_as_uptime_monitors_ask(client):
    assert client.head("/").status_code == 200


@pytest.mark.parametrize("typed", [CODE, "ef4aqq", " ef4-aqq ", "EF4 AQQ", "ef4.aq_q"])
def test_it_takes_the_typed_code_in_any_case_with_spaces_or_dashes(client, coded_workshop, typed):
    response = client.post("/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/j/{CODE}/"


def test_it_says_so_when_no_workshop_has_the_typed_code(client, coded_workshop):
    response = client.post("/", {"code": "QQQQQQ"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


# The QR code's URL --------------------------------------------------------------


@pytest.mark.parametrize("typed", ["ef4aqq", "Ef4-Aqq", "EF4%20AQQ", "ef4-a-q-q"])
def test_it_redirects_a_loosely_typed_join_url_to_the_canonical_one(client, coded_workshop, typed):
    response = client.get(f"/j/{typed}/")
    assert response.status_code == 302
    assert response["Location"] == f"/j/{CODE}/"


@pytest.mark.parametrize("code", ["QQQQQQ", "EF4AQ", "EF4AQQQ", "OOOOOO", "<script>"])
def test_it_answers_404_for_an_unknown_or_malformed_code(client, coded_workshop, code):
    assert client.get(f"/j/{code}/").status_code == 404


def test_it_shows_the_join_form_with_the_workshop_tables_and_territories(client, workshop):
    response = client.get(f"/j/{workshop.code}/")

    assert is_join_form(response)
    form = response.context["form"]
    assert [table.number for table in form.fields["table"].queryset] == [1, 2, 3]
    assert {t.short_name for t in form.fields["territory"].queryset} == {"BM", "PdB", "COB"}


# Joining ------------------------------------------------------------------------


def test_it_joins_the_chosen_table_and_territory_and_remembers_the_participant(client, workshop):
    response = client.post(f"/j/{workshop.code}/", join_data(workshop, first_name="  Erwan "))

    assert response.status_code == 302
    assert response["Location"] == f"/j/{workshop.code}/"
    participant = Participant.objects.get()
    assert participant.first_name == "Erwan"
    assert participant.subgroup == subgroup_of(workshop, 2, "PdB")
    assert client.session[SESSION_KEY] == {str(workshop.pk): participant.pk}


def test_it_gives_the_phone_a_new_session_id_when_it_joins(participant_client, dora, workshop):
    """A session id planted before joining (session fixation) must not become the identity;
    what the session knew (another workshop's participant) comes along."""
    client = participant_client(dora)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post(f"/j/{workshop.code}/", join_data(workshop))

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not SessionStore().exists(before)
    participant = Participant.objects.get(workshop=workshop)
    assert client.session[SESSION_KEY] == {
        str(dora.workshop_id): dora.pk,
        str(workshop.pk): participant.pk,
    }
    assert is_phone_page(client.get(f"/j/{workshop.code}/"), participant)
    assert is_phone_page(client.get(f"/j/{dora.workshop.code}/"), dora)


def test_it_keeps_the_session_id_when_a_join_form_is_refused(participant_client, dora, workshop):
    client = participant_client(dora)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post(f"/j/{workshop.code}/", join_data(workshop, first_name=" "))

    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before


def test_it_keeps_the_participant_identity_when_the_phone_reloads(client, workshop):
    client.post(f"/j/{workshop.code}/", join_data(workshop))
    participant = Participant.objects.get()

    response = client.get(f"/j/{workshop.code}/")

    assert is_phone_page(response, participant)
    assert response.context["participant"] == participant


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("first_name", {"first_name": ""}),
        ("first_name", {"first_name": "   "}),
        ("first_name", {"first_name": "x" * 41}),
        ("table", {"table": ""}),
        ("territory", {"territory": ""}),
        ("table", {"table": "999999"}),
        ("territory", {"territory": "not-a-number"}),
    ],
    ids=["blank-name", "spaces-name", "long-name", "no-table", "no-territory", "bad-table", "bad"],
)
def test_it_refuses_an_incomplete_join_form(client, workshop, field, change):
    data = {**join_data(workshop), **change}

    response = client.post(f"/j/{workshop.code}/", data)

    assert is_join_form(response)
    assert field in response.context["form"].errors
    assert not Participant.objects.exists()
    assert SESSION_KEY not in client.session


def test_it_refuses_a_table_of_another_workshop(client, workshop, other_workshop):
    data = join_data(workshop)
    data["table"] = other_workshop.tables.get(number=1).pk

    response = client.post(f"/j/{workshop.code}/", data)

    assert "table" in response.context["form"].errors
    assert not Participant.objects.exists()


def test_it_refuses_a_territory_the_workshop_does_not_play(client, owner, territories):
    from workshops import services

    small = services.workshop_create(
        created_by=owner, title="Deux territoires", territories=territories[:2], table_count=1
    )
    phases.set_status(small, "open")
    data = {
        "first_name": "Erwan",
        "table": small.tables.get().pk,
        "territory": territories[2].pk,
    }

    response = client.post(f"/j/{small.code}/", data)

    assert "territory" in response.context["form"].errors
    assert not Participant.objects.exists()


def test_it_shows_the_join_form_to_a_participant_of_another_workshop(
    participant_client, dora, workshop
):
    assert is_join_form(participant_client(dora).get(f"/j/{workshop.code}/"))


def test_it_remembers_one_identity_per_workshop(participant_client, alice, dora):
    client = participant_client(alice)
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], str(dora.workshop_id): dora.pk}
    session.save()

    assert is_phone_page(client.get(f"/j/{alice.workshop.code}/"), alice)
    assert is_phone_page(client.get(f"/j/{dora.workshop.code}/"), dora)


def test_it_shows_the_join_form_again_when_the_participant_is_gone(participant_client, alice):
    client = participant_client(alice)
    alice.delete()

    assert is_join_form(client.get(f"/j/{alice.workshop.code}/"))


# Leaving ------------------------------------------------------------------------


def test_it_forgets_the_participant_on_leave_and_keeps_their_postits(
    participant_client, alice, make_postit
):
    make_postit(alice)
    client = participant_client(alice)

    response = client.post(f"/j/{alice.workshop.code}/leave/")

    assert response.status_code == 302
    assert response["Location"] == f"/j/{alice.workshop.code}/"
    assert is_join_form(client.get(f"/j/{alice.workshop.code}/"))
    assert client.get(f"/j/{alice.workshop.code}/board/").status_code == 403
    assert Participant.objects.filter(pk=alice.pk).exists()
    assert alice.postits.count() == 1


def test_it_forgets_only_the_workshop_being_left(participant_client, alice, dora):
    client = participant_client(alice)
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], str(dora.workshop_id): dora.pk}
    session.save()

    client.post(f"/j/{alice.workshop.code}/leave/")

    assert is_join_form(client.get(f"/j/{alice.workshop.code}/"))
    assert is_phone_page(client.get(f"/j/{dora.workshop.code}/"), dora)


def test_it_lets_a_participant_who_left_join_another_subgroup(participant_client, alice):
    client = participant_client(alice)
    client.post(f"/j/{alice.workshop.code}/leave/")

    client.post(f"/j/{alice.workshop.code}/", join_data(alice.workshop, 3, "COB", "Alice"))

    newcomer = Participant.objects.exclude(pk=alice.pk).get()
    assert newcomer.subgroup == subgroup_of(alice.workshop, 3, "COB")
    assert is_phone_page(client.get(f"/j/{alice.workshop.code}/"), newcomer)


def test_it_refuses_to_leave_by_get(participant_client, alice):
    client = participant_client(alice)
    assert client.get(f"/j/{alice.workshop.code}/leave/").status_code == 405
    assert is_phone_page(client.get(f"/j/{alice.workshop.code}/"), alice)


def test_it_needs_the_csrf_token_to_join(workshop):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/j/{workshop.code}/", join_data(workshop))
    assert response.status_code == 403
    assert not Participant.objects.exists()


def test_it_redirects_a_loosely_typed_board_url_to_the_canonical_one(participant_client, alice):
    code = alice.workshop.code
    response = participant_client(alice).get(f"/j/{code.lower()}/board/")
    assert response.status_code == 302
    assert response["Location"] == f"/j/{code}/board/"


def test_it_preselects_the_table_when_there_is_only_one(client, owner, territories):
    workshop = services.workshop_create(
        created_by=owner, title="Une seule table", territories=territories, table_count=1
    )
    phases.set_status(workshop, "open")
    table = workshop.tables.get()
    page = client.get(f"/j/{workshop.code}/").content.decode()
    assert f'value="{table.pk}" id="id_table_0" required checked' in page
