"""Who may use each view: anonymous, participants here and elsewhere, facilitators.

Every URL of ``workshops/urls.py`` has its cases below, and a test checks that
none is forgotten when a view is added. A view that changes something must
change it for the actors it lets in, and leave it untouched for the others.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from workshops import urls as workshop_urls
from workshops.models import PostIt, Workshop

pytestmark = pytest.mark.django_db


@dataclass
class Call:
    method: str
    url: str
    data: dict | None = None


def calls(workshop, postit, cofacilitator) -> dict[str, Call]:
    code, pk = workshop.code, workshop.pk
    new_postit = {"kind": "need", "text": "Des bras", "theme": ""}
    first, *_middle, last = workshop.phases.all()  # the first one runs: the last one can go
    territories = list(workshop.territories.order_by("pk"))
    new_phase = {"name": "Pause café", "kind": "other", "duration_minutes": 10, "instructions": ""}
    set_up = {
        "title": "Atelier renommé",
        "territories": [territory.pk for territory in territories],
        "table_count": workshop.tables.count(),
        "themes": "Énergie",
        "grace_seconds": 30,
    }
    return {
        "join_start": Call("get", "/"),
        "join": Call("get", f"/j/{code}/"),
        "phone_board": Call("get", f"/j/{code}/board/"),
        "leave": Call("post", f"/j/{code}/leave/"),
        "postit_create": Call("post", f"/j/{code}/postits/", new_postit),
        "compose_form": Call("get", f"/j/{code}/postits/new/"),
        "postit_edit": Call("get", f"/p/{postit.pk}/edit/"),
        "postit_edit_post": Call(
            "post", f"/p/{postit.pk}/edit/", {"kind": "need", "text": "Changé", "theme": ""}
        ),
        "postit_delete": Call("post", f"/p/{postit.pk}/delete/"),
        "list": Call("get", "/w/"),
        "create": Call("get", "/w/new/"),
        "detail": Call("get", f"/w/{pk}/"),
        "projector": Call("get", f"/w/{pk}/projector/"),
        "projector_board": Call("get", f"/w/{pk}/projector/board/"),
        "projector_view": Call("post", f"/w/{pk}/projector/view/", {"view": "table:1"}),
        "projector_view_get": Call("get", f"/w/{pk}/projector/view/"),
        "phone_state": Call("get", f"/j/{code}/state/"),
        "phone_panels": Call("get", f"/j/{code}/panels/"),
        "projector_sheet": Call("get", f"/w/{pk}/projector/sheets/{territories[0].pk}/"),
        "screen_state": Call("get", f"/w/{pk}/state/"),
        "console": Call("get", f"/w/{pk}/console/"),
        "console_tables": Call("get", f"/w/{pk}/console/tables/"),
        "clock": Call("post", f"/w/{pk}/clock/", {"command": "pause"}),
        "status": Call("post", f"/w/{pk}/status/", {"status": "closed"}),
        "setup": Call("get", f"/w/{pk}/setup/"),
        "setup_post": Call("post", f"/w/{pk}/setup/", set_up),
        "phase_add": Call("get", f"/w/{pk}/phases/new/"),
        "phase_add_post": Call("post", f"/w/{pk}/phases/new/", new_phase),
        "phase_edit": Call("get", f"/w/{pk}/phases/{first.pk}/"),
        "phase_edit_post": Call(
            "post", f"/w/{pk}/phases/{last.pk}/", {**new_phase, "name": "Restitution"}
        ),
        "phase_move": Call("post", f"/w/{pk}/phases/{last.pk}/move/", {"direction": "up"}),
        "phase_delete": Call("post", f"/w/{pk}/phases/{last.pk}/delete/"),
        "facilitator_add": Call("post", f"/w/{pk}/facilitators/", {"username": "newcomer"}),
        "facilitator_remove": Call("post", f"/w/{pk}/facilitators/{cofacilitator.pk}/remove/"),
    }


def _workshop_row(*fields: str) -> Callable[[Workshop], tuple]:
    return lambda workshop: Workshop.objects.values_list(*fields).get(pk=workshop.pk)


def _phases(workshop: Workshop) -> list[tuple]:
    return list(workshop.phases.values_list("pk", "name"))


def _facilitators(workshop: Workshop) -> set[str]:
    return set(workshop.facilitators.values_list("username", flat=True))


# What each writing view changes, read again from the database around the request.
EFFECTS: dict[str, Callable[[Workshop], object]] = {
    "clock": _workshop_row("paused_at", "clock_version"),
    "projector_view": _workshop_row("projector_view", "projector_view_version"),
    "status": _workshop_row("status"),
    "setup_post": _workshop_row("title", "grace_seconds", "themes"),
    "phase_add_post": _phases,
    "phase_edit_post": _phases,
    "phase_move": _phases,
    "phase_delete": _phases,
    "facilitator_add": _facilitators,
    "facilitator_remove": _facilitators,
}


LOGIN = "login"  # a redirect to the login page
JOIN_FORM = "join form"
PHONE = "phone page"
GONE = "redirect to the join URL"

PARTICIPANTS_HERE = ["alice", "bruno", "chloe"]
NOT_PARTICIPANTS_HERE = ["anonymous", "owner", "cofacilitator", "other_facilitator", "dora"]
NOT_AUTHOR = ["anonymous", "owner", "cofacilitator", "other_facilitator", "bruno", "chloe", "dora"]
NOT_LOGGED_IN = ["anonymous", "alice", "dora"]
FACILITATORS_HERE = ["owner", "cofacilitator"]
USERS = ("owner", "cofacilitator", "other_facilitator")


def facilitators_only(allowed: int) -> dict[str, int | str]:
    """Participants go to the login page, other facilitators do not learn the workshop exists."""
    return {
        **dict.fromkeys(NOT_LOGGED_IN, LOGIN),
        "other_facilitator": 404,
        **dict.fromkeys(FACILITATORS_HERE, allowed),
    }


def owner_only(allowed: int) -> dict[str, int | str]:
    """Co-facilitators run the workshop, but only its owner chooses them."""
    return {**facilitators_only(allowed), "cofacilitator": 403}


EXPECTED: dict[str, dict[str, int | str]] = {
    "join_start": dict.fromkeys([*NOT_PARTICIPANTS_HERE, *PARTICIPANTS_HERE], 200),
    "join": {**dict.fromkeys(NOT_PARTICIPANTS_HERE, JOIN_FORM), "alice": PHONE},
    "leave": dict.fromkeys([*NOT_PARTICIPANTS_HERE, *PARTICIPANTS_HERE], GONE),
    "phone_board": {**dict.fromkeys(NOT_PARTICIPANTS_HERE, 403), "alice": 200, "chloe": 200},
    "postit_create": {**dict.fromkeys(NOT_PARTICIPANTS_HERE, 403), "alice": 200, "bruno": 200},
    "compose_form": {**dict.fromkeys(NOT_PARTICIPANTS_HERE, 403), "alice": 200},
    "postit_edit": {**dict.fromkeys(NOT_AUTHOR, 403), "alice": 200},
    "postit_edit_post": {**dict.fromkeys(NOT_AUTHOR, 403), "alice": 200},
    "postit_delete": {**dict.fromkeys(NOT_AUTHOR, 403), "alice": 200},
    "phone_panels": {
        **dict.fromkeys(NOT_PARTICIPANTS_HERE, 403),
        **dict.fromkeys(PARTICIPANTS_HERE, 200),
    },
    "phone_state": {
        **dict.fromkeys(NOT_PARTICIPANTS_HERE, 403),
        **dict.fromkeys(PARTICIPANTS_HERE, 200),
    },
    "list": {**dict.fromkeys(NOT_LOGGED_IN, LOGIN), **dict.fromkeys(USERS, 200)},
    "create": {**dict.fromkeys(NOT_LOGGED_IN, LOGIN), **dict.fromkeys(USERS, 200)},
    "detail": facilitators_only(200),
    "projector": facilitators_only(200),
    "projector_board": facilitators_only(200),
    "projector_view": facilitators_only(200),  # htmx: the console's switch, pressed
    "projector_view_get": facilitators_only(200),
    "projector_sheet": facilitators_only(200),
    "screen_state": facilitators_only(200),
    "console": facilitators_only(200),
    "console_tables": facilitators_only(200),
    "clock": facilitators_only(200),  # htmx: the new state, out of band
    "status": facilitators_only(302),
    "setup": facilitators_only(200),
    "setup_post": facilitators_only(302),
    "phase_add": facilitators_only(200),
    "phase_add_post": facilitators_only(302),
    "phase_edit": facilitators_only(200),
    "phase_edit_post": facilitators_only(302),
    "phase_move": facilitators_only(302),
    "phase_delete": facilitators_only(302),
    "facilitator_add": owner_only(302),
    "facilitator_remove": owner_only(302),
}

CASES = [
    pytest.param(view, actor, expected, id=f"{view}-{actor}")
    for view, by_actor in EXPECTED.items()
    for actor, expected in by_actor.items()
]


@pytest.fixture
def newcomer(db):
    """An account nobody has added to a workshop yet."""
    return get_user_model().objects.create_user("newcomer", password="newcomer-pass-123")


@pytest.fixture
def client_as(request, user_client, participant_client):
    def make(actor: str) -> Client:
        if actor == "anonymous":
            return Client()
        person = request.getfixturevalue(actor)
        if actor in USERS:
            return user_client(person)
        return participant_client(person)

    return make


@pytest.mark.parametrize(("view", "actor", "expected"), CASES)
def test_it_lets_only_the_right_people_use_each_view(
    client_as, workshop, alices_postit, alice, cofacilitator, newcomer, view, actor, expected
):
    call = calls(workshop, alices_postit, cofacilitator)[view]
    client = client_as(actor)
    before = PostIt.objects.values_list("pk", "kind", "text").get(pk=alices_postit.pk)
    effect = EFFECTS.get(view)
    effect_before = effect(workshop) if effect else None

    response = getattr(client, call.method)(call.url, call.data or {}, HTTP_HX_REQUEST="true")

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    elif expected == GONE:
        assert response.status_code == 302
        assert response["Location"] == f"/j/{workshop.code}/"
    elif expected == JOIN_FORM:
        assert response.status_code == 200
        assert 'name="first_name"' in response.content.decode()
        assert "<strong>" not in response.content.decode()
    elif expected == PHONE:
        assert response.status_code == 200
        assert f"<strong>{alice.first_name}</strong>" in response.content.decode()
    else:
        assert response.status_code == expected
    if view in {"postit_edit_post", "postit_delete"} and response.status_code != 200:
        after = PostIt.objects.values_list("pk", "kind", "text").get(pk=alices_postit.pk)
        assert after == before
    if effect:
        allowed = expected in (200, 302)
        assert (effect(workshop) != effect_before) == allowed, f"{view} by {actor}"


def test_it_has_permission_cases_for_every_url():
    names = {pattern.name for pattern in workshop_urls.urlpatterns}
    assert names <= set(EXPECTED)
    actors = {"anonymous", *USERS, "alice", "bruno", "chloe", "dora"}
    for view, by_actor in EXPECTED.items():
        assert "anonymous" in by_actor, view
        assert set(by_actor) <= actors, view


def test_it_lets_a_co_facilitator_run_the_workshop(workshop, other_facilitator, user_client):
    workshop.facilitators.add(other_facilitator)
    client = user_client(other_facilitator)
    for url in (
        f"/w/{workshop.pk}/",
        f"/w/{workshop.pk}/projector/",
        f"/w/{workshop.pk}/projector/board/",
    ):
        assert client.get(url).status_code == 200
    assert workshop.title in client.get("/w/").content.decode()


def test_it_lists_only_the_workshops_a_facilitator_runs(workshop, other_workshop, laptop):
    content = laptop.get("/w/").content.decode()
    assert workshop.title in content
    assert other_workshop.title not in content


def test_it_answers_404_for_a_workshop_or_postit_that_does_not_exist(
    laptop, participant_client, alice
):
    assert laptop.get("/w/999999/projector/").status_code == 404
    client = participant_client(alice)
    assert client.get("/p/999999/edit/").status_code == 404
    assert client.post("/p/999999/delete/").status_code == 404


def test_it_keeps_a_postit_in_the_writer_s_own_subgroup_whatever_the_form_says(
    participant_client, alice, bruno, chloe
):
    client = participant_client(alice)

    response = client.post(
        f"/j/{alice.workshop.code}/postits/",
        {
            "kind": "offer",
            "text": "Chez moi",
            "subgroup": bruno.subgroup_id,
            "author": chloe.pk,
            "table": chloe.subgroup.table_id,
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    postit = PostIt.objects.get()
    assert postit.subgroup_id == alice.subgroup_id
    assert postit.author == alice


def test_it_keeps_an_edited_postit_in_its_subgroup_whatever_the_form_says(
    participant_client, alice, bruno, alices_postit
):
    client = participant_client(alice)

    client.post(
        f"/p/{alices_postit.pk}/edit/",
        {"kind": "need", "text": "Changé", "subgroup": bruno.subgroup_id, "author": bruno.pk},
    )

    alices_postit.refresh_from_db()
    assert alices_postit.text == "Changé"
    assert (alices_postit.subgroup_id, alices_postit.author_id) == (alice.subgroup_id, alice.pk)


def test_it_does_not_let_a_session_of_one_workshop_write_in_another(
    participant_client, alice, dora
):
    client = participant_client(alice)

    response = client.post(f"/j/{dora.workshop.code}/postits/", {"kind": "offer", "text": "Intrus"})

    assert response.status_code == 403
    assert not PostIt.objects.exists()
    assert client.get(f"/j/{dora.workshop.code}/board/").status_code == 403


def test_it_does_not_trust_a_forged_session_pointing_at_another_workshop_s_participant(
    participant_client, alice, dora, workshop
):
    """A session claiming workshop A with a participant of workshop B is worth nothing."""
    client = participant_client(alice)
    session = client.session
    session["paniers_participants"] = {str(workshop.pk): dora.pk}
    session.save()

    response = client.post(f"/j/{workshop.code}/postits/", {"kind": "offer", "text": "x"})
    assert response.status_code == 403
    assert client.get(f"/j/{workshop.code}/board/").status_code == 403
    assert not PostIt.objects.exists()


def test_it_keeps_a_postit_whose_author_left_out_of_anyone_s_reach(
    participant_client, alice, alices_postit
):
    client = participant_client(alice)
    client.post(f"/j/{alice.workshop.code}/leave/")

    assert client.post(f"/p/{alices_postit.pk}/delete/").status_code == 403
    assert PostIt.objects.filter(pk=alices_postit.pk).exists()


def test_it_refuses_writes_by_get(participant_client, alice, alices_postit):
    client = participant_client(alice)
    assert client.get(f"/j/{alice.workshop.code}/postits/").status_code == 405
    assert client.get(f"/p/{alices_postit.pk}/delete/").status_code == 405
    assert PostIt.objects.filter(pk=alices_postit.pk).exists()
