"""Who may use each plenary URL. Phones: a participant of the workshop, as themselves
only (the voter is the session's participant, whatever is posted); facilitators' pages:
the workshop's facilitators only (others 404, strangers to the login page). Every URL of
``plenary/urls.py`` has its cases below, and a test checks that none is forgotten."""

import threading
from dataclasses import dataclass

import pytest
from django.db import connections
from django.test import Client

from plenary import services
from plenary import urls as plenary_urls
from plenary.models import Answer, Dot
from tests.plenary.conftest import fresh

pytestmark = pytest.mark.django_db


@dataclass
class Call:
    method: str
    url: str
    data: dict | None = None


def calls(workshop, basket) -> dict[str, Call]:
    code, pk = workshop.code, workshop.pk
    return {
        "phone": Call("get", f"/j/{code}/plenary/"),
        "answer": Call(
            "post",
            f"/j/{code}/plenary/answer/",
            {"question": "0", "q0-question": "0", "q0-text": "Oui"},
        ),
        "dot": Call("post", f"/j/{code}/plenary/dot/", {"item": f"b{basket.pk}"}),
        "settings": Call("get", f"/w/{pk}/plenary/settings/"),
        "settings_post": Call(
            "post",
            f"/w/{pk}/plenary/settings/",
            {"questions": "Q ?", "dots_per_participant": 3, "dots_per_item": 2, "order": "tables"},
        ),
        "present": Call("get", f"/w/{pk}/plenary/present/"),
        "slide": Call("get", f"/w/{pk}/plenary/present/slide/"),
        "move": Call("post", f"/w/{pk}/plenary/present/move/", {"to": "next", "empty": "1"}),
        "parts": Call("post", f"/w/{pk}/plenary/present/parts/", {"basket": basket.pk, "parts": 2}),
        "wall": Call("get", f"/w/{pk}/plenary/wall/"),
        "wall_content": Call("get", f"/w/{pk}/plenary/wall/content/"),
        "show": Call("post", f"/w/{pk}/plenary/answers/show/", {"answer": "all", "shown": "1"}),
        "voting": Call("post", f"/w/{pk}/plenary/voting/", {"open": "0"}),
        "results": Call("post", f"/w/{pk}/plenary/results/", {"shown": "1"}),
    }


PARTICIPANTS = ["alice", "chloe"]
FACILITATORS = ["owner", "cofacilitator"]
PHONE = {
    "anonymous": 403,
    **dict.fromkeys(FACILITATORS, 403),
    "other_facilitator": 403,
    "dora": 403,  # a participant of another workshop, with this workshop's code
}
SCREEN = {"anonymous": 302, "alice": 302, "other_facilitator": 404}

EXPECTED: dict[str, dict[str, int]] = {
    "phone": {**PHONE, **dict.fromkeys(PARTICIPANTS, 200)},
    "answer": {**PHONE, **dict.fromkeys(PARTICIPANTS, 200)},
    "dot": {**PHONE, **dict.fromkeys(PARTICIPANTS, 200)},
    **{
        view: {**SCREEN, **dict.fromkeys(FACILITATORS, 200)}
        for view in ("settings", "present", "slide", "wall", "wall_content")
    },
    "settings_post": {**SCREEN, **dict.fromkeys(FACILITATORS, 302)},
    **{
        view: {**SCREEN, **dict.fromkeys(FACILITATORS, 204)}
        for view in ("move", "parts", "show", "voting", "results")
    },
}

CASES = [
    pytest.param(view, actor, expected, id=f"{view}-{actor}")
    for view, by_actor in EXPECTED.items()
    for actor, expected in by_actor.items()
]


@pytest.fixture
def client_as(request, user_client, participant_client):
    def make(actor: str) -> Client:
        if actor == "anonymous":
            return Client()
        if actor in ("owner", "cofacilitator", "other_facilitator"):
            return user_client(request.getfixturevalue(actor))
        return participant_client(request.getfixturevalue(actor))

    return make


def _state(workshop):
    plenary = services.plenary_of(workshop)
    return (
        list(Answer.objects.values_list("pk", "shown")),
        list(Dot.objects.values_list("pk", flat=True)),
        (plenary.questions, plenary.voting_open, plenary.results_shown),
        (plenary.slide, plenary.part, plenary.parts, plenary.include_empty),
    )


@pytest.mark.parametrize(("view", "actor", "expected"), CASES)
def test_it_lets_only_the_right_people_use_each_view(
    client_as, voting, built, workshop, alice, view, actor, expected
):
    basket, _, _ = built
    services.answer_create(participant=fresh(alice), question=1, text="Avant")
    call = calls(workshop, basket)[view]
    before = _state(workshop)

    response = getattr(client_as(actor), call.method)(
        call.url, call.data or {}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == expected
    if call.method == "post":
        allowed = actor in (PARTICIPANTS if call.url.startswith("/j/") else FACILITATORS)
        assert (_state(workshop) != before) == allowed, f"{view} by {actor}"


def test_it_has_permission_cases_for_every_url():
    names = {pattern.name for pattern in plenary_urls.urlpatterns}
    assert names <= set(EXPECTED)
    for view, by_actor in EXPECTED.items():
        assert {"anonymous", "alice", "other_facilitator", "owner"} <= set(by_actor), view


def test_a_dot_is_always_the_session_s_participant_s(
    voting, built, participant_client, workshop, alice, bruno
):
    basket, _, _ = built
    as_bruno = participant_client(bruno)
    as_bruno.post(
        f"/j/{workshop.code}/plenary/dot/",
        {"item": f"b{basket.pk}", "participant": alice.pk},
        HTTP_HX_REQUEST="true",
    )
    assert list(Dot.objects.values_list("participant_id", flat=True)) == [bruno.pk]


def test_a_participant_never_reads_hidden_feedback(
    plenary, workshop, participant_client, alice, bruno
):
    services.answer_create(participant=fresh(bruno), question=0, text="Secret de Bruno")
    phone = participant_client(alice)
    for path in (
        f"/j/{workshop.code}/",
        f"/j/{workshop.code}/plenary/",
        f"/w/{workshop.pk}/plenary/wall/",
        f"/w/{workshop.pk}/plenary/wall/content/",
    ):
        assert "Secret de Bruno" not in phone.get(path, HTTP_HX_REQUEST="true").content.decode()


def test_a_facilitator_of_another_workshop_cannot_show_its_answers(
    plenary, workshop, user_client, other_facilitator, alice
):
    services.answer_create(participant=fresh(alice), question=0, text="Privée")
    response = user_client(other_facilitator).post(
        f"/w/{workshop.pk}/plenary/answers/show/", {"answer": "all", "shown": "1"}
    )
    assert response.status_code == 404
    assert not Answer.objects.filter(shown=True).exists()


def test_writes_refuse_get(plenary, workshop, participant_client, laptop, alice):
    phone = participant_client(alice)
    for url in (f"/j/{workshop.code}/plenary/answer/", f"/j/{workshop.code}/plenary/dot/"):
        assert phone.get(url).status_code == 405, url
    for url in ("present/move/", "present/parts/", "answers/show/", "voting/", "results/"):
        assert laptop.get(f"/w/{workshop.pk}/plenary/{url}").status_code == 405, url


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_cannot_exceed_the_budget(
    voting, built, participant_client, workshop, alice
):
    basket, first, second = built
    items = [f"b{basket.pk}", f"t{first.pk}", f"t{second.pk}", f"b{basket.pk}", f"t{first.pk}"]
    phones = [participant_client(alice) for _ in items]
    start = threading.Barrier(len(items), timeout=30)
    statuses = []

    def send(phone, item):
        try:
            start.wait()
            response = phone.post(
                f"/j/{workshop.code}/plenary/dot/", {"item": item}, HTTP_HX_REQUEST="true"
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=pair) for pair in zip(phones, items, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [200, 200, 200, 422, 422]
    assert Dot.objects.filter(participant=alice).count() == 3
