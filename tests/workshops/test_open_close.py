"""Before the doors open and after the workshop closes: what the join URL shows, to whom."""

import re

import pytest
from django.test import Client

from tests.conftest import join_data
from workshops import phases, services
from workshops.models import Participant, Workshop
from workshops.phases import ClockCommand

pytestmark = pytest.mark.django_db


@pytest.fixture
def preparing_workshop(owner, territories):
    """Just created: its facilitator is still setting it up."""
    return services.workshop_create(
        created_by=owner, title="Atelier en préparation", territories=territories, table_count=2
    )


def is_waiting_page(response) -> bool:
    content = response.content.decode()
    return (
        response.status_code == 200
        and re.search(r'<meta http-equiv="refresh" content="\d+">', content) is not None
        and 'name="first_name"' not in content
    )


def is_closed_page(response) -> bool:
    content = response.content.decode()
    return (
        response.status_code == 200
        and "workshops/join_closed.html" in [t.name for t in response.templates]
        and 'name="first_name"' not in content
        and "ws-connect" not in content
    )


# Preparing ----------------------------------------------------------------------------


def test_it_shows_a_waiting_page_that_checks_again_by_itself_while_preparing(
    client, preparing_workshop
):
    response = client.get(f"/j/{preparing_workshop.code}/")

    assert is_waiting_page(response)
    assert preparing_workshop.title in response.content.decode()


def test_it_refuses_to_join_while_preparing(client, preparing_workshop):
    response = client.post(
        f"/j/{preparing_workshop.code}/", join_data(preparing_workshop, 1, "BM", "Eve")
    )

    assert is_waiting_page(response)
    assert not Participant.objects.exists()


def test_it_shows_the_join_form_once_the_facilitator_opens_the_doors(
    client, laptop, preparing_workshop
):
    response = laptop.post(f"/w/{preparing_workshop.pk}/status/", {"status": Workshop.Status.OPEN})
    assert response.status_code == 302

    response = client.get(f"/j/{preparing_workshop.code}/")

    assert 'name="first_name"' in response.content.decode()


def test_it_opens_the_doors_when_the_first_phase_starts(client, preparing_workshop):
    phases.clock_command(preparing_workshop, ClockCommand.START)

    response = client.post(
        f"/j/{preparing_workshop.code}/", join_data(preparing_workshop, 1, "BM", "Eve")
    )

    assert response.status_code == 302
    assert Participant.objects.get().first_name == "Eve"


# Closed -------------------------------------------------------------------------------


@pytest.fixture
def closed_workshop(workshop):
    return phases.set_status(workshop, Workshop.Status.CLOSED)


def test_it_tells_a_newcomer_the_workshop_is_closed(client, closed_workshop):
    assert is_closed_page(client.get(f"/j/{closed_workshop.code}/"))


def test_it_refuses_to_join_a_closed_workshop(client, closed_workshop):
    response = client.post(
        f"/j/{closed_workshop.code}/", join_data(closed_workshop, 1, "BM", "Eve")
    )

    assert is_closed_page(response)
    assert not Participant.objects.exists()


def test_it_tells_a_participant_of_another_workshop_it_is_closed(
    participant_client, dora, closed_workshop
):
    assert is_closed_page(participant_client(dora).get(f"/j/{closed_workshop.code}/"))


def test_it_shows_a_participant_who_joined_their_board_without_the_form(
    participant_client, alice, make_postit, workshop
):
    postit = make_postit(alice, text="Écrit avant la fin")
    phases.set_status(workshop, Workshop.Status.CLOSED)
    client = participant_client(alice)

    response = client.get(f"/j/{workshop.code}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert f"<strong>{alice.first_name}</strong>" in content
    assert f'id="postit-{postit.pk}"' in content
    assert 'id="postit-form"' not in content
    assert f'action="/j/{workshop.code}/leave/"' not in content  # nowhere else to go
    assert 'class="notice"' in content
    assert client.get(f"/j/{workshop.code}/board/").status_code == 200
    assert client.get(f"/j/{workshop.code}/state/").status_code == 200


def test_it_shows_the_form_again_once_the_workshop_reopens(
    participant_client, alice, closed_workshop
):
    phases.set_status(closed_workshop, Workshop.Status.OPEN)

    content = participant_client(alice).get(f"/j/{closed_workshop.code}/").content.decode()

    assert 'id="postit-form"' in content


def test_it_tells_the_phones_that_the_workshop_closed(participant_client, alice, closed_workshop):
    content = participant_client(alice).get(f"/j/{closed_workshop.code}/state/").content.decode()
    assert 'data-status="closed"' in content
    assert 'data-actions=""' in content


def test_it_keeps_the_closed_workshop_on_the_projector(laptop, closed_workshop):
    response = laptop.get(f"/w/{closed_workshop.pk}/projector/")
    assert response.status_code == 200
    assert 'data-status="closed"' in response.content.decode()


def test_it_shows_no_board_to_a_phone_without_a_session_once_closed(closed_workshop):
    """A newcomer gets the closed page: the board is for those who took part."""
    response = Client().get(f"/j/{closed_workshop.code}/board/")
    assert response.status_code == 403
