"""A workshop's set-up (workshops/views/setup.py): its title, territories, tables and
grace period, its phases, and its co-facilitators."""

import datetime

import pytest
from django.utils.html import escape

from territories.models import Territory
from tests.conftest import fr, reloaded
from workshops import phases
from workshops.models import Phase, SubGroup
from workshops.phases import ClockCommand

pytestmark = pytest.mark.django_db


# Set-up ---------------------------------------------------------------------------------


def set_up_data(workshop, **changes) -> dict:
    data = {
        "title": workshop.title,
        "event": "",
        "date": "",
        "place": "",
        "territories": list(workshop.territories.values_list("pk", flat=True)),
        "table_count": workshop.tables.count(),
        "themes": "\n".join(workshop.themes),
        "grace_seconds": workshop.grace_seconds,
    }
    return {**data, **changes}


def test_it_shows_the_set_up_filled_with_the_workshop(laptop, workshop):
    response = laptop.get(f"/w/{workshop.pk}/setup/")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["table_count"] == 3
    assert form.initial["themes"] == "\n".join(workshop.themes)
    assert set(form.initial["territories"]) == set(workshop.territories.all())
    content = response.content.decode()
    for phase in workshop.phases.all():
        assert f"/w/{workshop.pk}/phases/{phase.pk}/" in content


def test_it_saves_the_set_up(laptop, workshop, territories):
    fourth = Territory.objects.create(name="Pays de Morlaix", short_name="PdM")

    response = laptop.post(
        f"/w/{workshop.pk}/setup/",
        set_up_data(
            workshop,
            title="Atelier de Quimper",
            place="Quimper",
            themes="Énergie\n\n  Eau  \nÉnergie\r\nMobilité",
            grace_seconds=0,
            table_count=4,
            territories=[*(t.pk for t in territories), fourth.pk],
        ),
        follow=True,
    )

    assert response.redirect_chain == [(f"/w/{workshop.pk}/setup/", 302)]
    assert len(list(response.context["messages"])) == 1
    after = reloaded(workshop)
    assert (after.title, after.place, after.grace_seconds) == ("Atelier de Quimper", "Quimper", 0)
    assert after.themes == ["Énergie", "Eau", "Mobilité"]
    assert list(after.tables.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert SubGroup.objects.filter(table__workshop=workshop).count() == 4 * 4


def test_it_removes_an_empty_table(laptop, workshop):
    laptop.post(f"/w/{workshop.pk}/setup/", set_up_data(workshop, table_count=2))
    assert list(workshop.tables.values_list("number", flat=True)) == [1, 2]


def test_it_keeps_a_table_where_someone_sits_and_says_so(laptop, workshop, chloe):
    response = laptop.post(
        f"/w/{workshop.pk}/setup/", set_up_data(workshop, table_count=1, title="Changé")
    )

    assert response.status_code == 422
    message = fr(
        "A table or territory you removed already has participants or post-its: "
        "it is kept. Nothing was changed."
    )
    assert escape(message) in response.content.decode()
    assert workshop.tables.count() == 3
    assert reloaded(workshop).title == "Atelier paniers"  # nothing was changed, as it says
    assert response.context["workshop"].title == "Atelier paniers"
    assert response.context["form"]["title"].value() == "Changé"  # what was typed stays


@pytest.mark.parametrize("count", [1, 7])
def test_it_keeps_between_two_and_six_territories(laptop, workshop, territories, count):
    more = [Territory.objects.create(name=f"Territoire {n}", short_name=f"T{n}") for n in range(4)]
    chosen = [*territories, *more][:count]

    response = laptop.post(
        f"/w/{workshop.pk}/setup/",
        set_up_data(workshop, title="Changé", territories=[t.pk for t in chosen]),
    )

    assert response.status_code == 422
    assert escape(fr("Choose between %(min)s and %(max)s territories.", min=2, max=6)) in (
        response.content.decode()
    )
    assert set(workshop.territories.all()) == set(territories)
    assert reloaded(workshop).title == "Atelier paniers"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"grace_seconds": 601}, "grace_seconds"), ({"grace_seconds": -1}, "grace_seconds")],
)
def test_it_refuses_a_grace_period_out_of_bounds(laptop, workshop, changes, field):
    response = laptop.post(f"/w/{workshop.pk}/setup/", set_up_data(workshop, **changes))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert reloaded(workshop).grace_seconds == 60


# Phases --------------------------------------------------------------------------------


NEW_PHASE = {"name": "Pause café", "kind": "other", "duration_minutes": 10, "instructions": "Café"}


def test_it_adds_a_phase_at_the_end(laptop, workshop, django_capture_on_commit_callbacks):
    assert laptop.get(f"/w/{workshop.pk}/phases/new/").status_code == 200

    with django_capture_on_commit_callbacks() as callbacks:
        response = laptop.post(f"/w/{workshop.pk}/phases/new/", NEW_PHASE)

    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.pk}/setup/"
    added = workshop.phases.last()
    assert (added.name, added.kind, added.duration_minutes) == ("Pause café", "other", 10)
    assert workshop.phases.count() == 5
    assert len(callbacks) == 1  # screens show "n/5"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 241}, "duration_minutes"),
        ({"kind": "lunch"}, "kind"),
        ({"instructions": "x" * 2001}, "instructions"),
    ],
)
def test_it_refuses_an_incomplete_phase(laptop, workshop, changes, field):
    response = laptop.post(f"/w/{workshop.pk}/phases/new/", {**NEW_PHASE, **changes})

    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert workshop.phases.count() == 4


def test_it_edits_a_phase(laptop, workshop):
    plenary = workshop.phases.get(kind=Phase.Kind.PLENARY)
    response = laptop.get(f"/w/{workshop.pk}/phases/{plenary.pk}/")
    assert response.context["form"].instance == plenary

    laptop.post(
        f"/w/{workshop.pk}/phases/{plenary.pk}/",
        {"name": "Restitution", "kind": "plenary", "duration_minutes": 25, "instructions": "Tous"},
    )

    plenary.refresh_from_db()
    assert (plenary.name, plenary.duration_minutes, plenary.instructions) == (
        "Restitution",
        25,
        "Tous",
    )
    assert plenary.position == 3


def test_it_moves_the_deadline_when_the_running_phase_gets_longer(laptop, workshop):
    running = workshop.current_phase
    before = reloaded(workshop).deadline

    laptop.post(
        f"/w/{workshop.pk}/phases/{running.pk}/",
        {"name": running.name, "kind": running.kind, "duration_minutes": 40, "instructions": ""},
    )

    assert reloaded(workshop).deadline - before == datetime.timedelta(minutes=10)


def test_it_answers_404_for_a_phase_of_another_workshop(laptop, workshop, other_workshop):
    theirs = other_workshop.phases.first()
    assert laptop.get(f"/w/{workshop.pk}/phases/{theirs.pk}/").status_code == 404
    assert laptop.post(f"/w/{workshop.pk}/phases/{theirs.pk}/delete/").status_code == 404
    assert other_workshop.phases.filter(pk=theirs.pk).exists()


def kinds(workshop) -> list[str]:
    return list(workshop.phases.values_list("kind", flat=True))


def test_it_moves_a_phase_up_and_down(laptop, workshop):
    plenary = workshop.phases.get(kind=Phase.Kind.PLENARY)
    url = f"/w/{workshop.pk}/phases/{plenary.pk}/move/"

    assert laptop.post(url, {"direction": "up"}).status_code == 302
    assert kinds(workshop) == ["formulation", "negotiation", "plenary", "conditions"]

    laptop.post(url, {"direction": "down"})
    assert kinds(workshop) == ["formulation", "negotiation", "conditions", "plenary"]

    laptop.post(url, {"direction": "down"})  # already last: stays
    assert kinds(workshop) == ["formulation", "negotiation", "conditions", "plenary"]


def test_it_removes_a_phase_that_is_not_running(laptop, workshop):
    conditions = workshop.phases.get(kind=Phase.Kind.CONDITIONS)

    response = laptop.post(f"/w/{workshop.pk}/phases/{conditions.pk}/delete/")

    assert response.status_code == 302
    assert kinds(workshop) == ["formulation", "negotiation", "plenary"]


def test_it_keeps_the_running_phase_and_says_why(laptop, workshop):
    running = workshop.current_phase

    response = laptop.post(f"/w/{workshop.pk}/phases/{running.pk}/delete/", follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        fr("This phase is running: move to another phase before removing it.")
    ]
    assert workshop.phases.filter(pk=running.pk).exists()


def test_it_keeps_the_last_phase_and_says_why(laptop, workshop):
    phases.clock_command(workshop, ClockCommand.STOP)
    *others, last = workshop.phases.all()
    for phase in others:
        laptop.post(f"/w/{workshop.pk}/phases/{phase.pk}/delete/")

    response = laptop.post(f"/w/{workshop.pk}/phases/{last.pk}/delete/", follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        fr("A workshop keeps at least one phase.")
    ]
    assert list(workshop.phases.all()) == [last]


# Co-facilitators ----------------------------------------------------------------------------


def facilitator_names(workshop) -> list[str]:
    return sorted(workshop.facilitators.values_list("username", flat=True))


def test_it_adds_a_co_facilitator_by_username(laptop, workshop, other_facilitator):
    response = laptop.post(f"/w/{workshop.pk}/facilitators/", {"username": "  other "}, follow=True)

    assert response.redirect_chain == [(f"/w/{workshop.pk}/setup/", 302)]
    assert facilitator_names(workshop) == ["other", "owner"]
    assert len(list(response.context["messages"])) == 1
    assert "other" in [user.username for user in response.context["facilitators"]]


def test_it_says_so_when_no_account_has_the_username(laptop, workshop):
    response = laptop.post(f"/w/{workshop.pk}/facilitators/", {"username": "personne"}, follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        fr("No account has this username.")
    ]
    assert facilitator_names(workshop) == ["owner"]


def test_it_removes_a_co_facilitator(laptop, workshop, cofacilitator):
    response = laptop.post(f"/w/{workshop.pk}/facilitators/{cofacilitator.pk}/remove/")

    assert response.status_code == 302
    assert facilitator_names(workshop) == ["owner"]


def test_it_keeps_the_owner_among_the_facilitators(laptop, workshop, owner):
    response = laptop.post(f"/w/{workshop.pk}/facilitators/{owner.pk}/remove/", follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        fr("The workshop's owner stays one of its facilitators.")
    ]
    assert facilitator_names(workshop) == ["owner"]


def test_it_answers_404_to_remove_someone_who_is_not_a_facilitator(
    laptop, workshop, other_facilitator
):
    response = laptop.post(f"/w/{workshop.pk}/facilitators/{other_facilitator.pk}/remove/")
    assert response.status_code == 404


def test_it_shows_the_owner_the_controls_over_facilitators(laptop, workshop, cofacilitator):
    content = laptop.get(f"/w/{workshop.pk}/setup/").content.decode()
    assert f'action="/w/{workshop.pk}/facilitators/"' in content
    assert f'action="/w/{workshop.pk}/facilitators/{cofacilitator.pk}/remove/"' in content


def test_it_shows_a_co_facilitator_the_facilitators_without_the_controls(
    user_client, workshop, cofacilitator, owner
):
    response = user_client(cofacilitator).get(f"/w/{workshop.pk}/setup/")

    content = response.content.decode()
    assert [user.username for user in response.context["facilitators"]] == [
        "cofacilitator",
        "owner",
    ]
    assert f'action="/w/{workshop.pk}/facilitators/"' not in content
    assert "/remove/" not in content


def test_it_escapes_a_phase_s_name_and_instructions_on_every_screen(
    laptop, participant_client, alice, workshop
):
    running = workshop.current_phase
    laptop.post(
        f"/w/{workshop.pk}/phases/{running.pk}/",
        {
            "name": "<b>Offres</b>",
            "kind": running.kind,
            "duration_minutes": running.duration_minutes,
            "instructions": "<script>alert(1)</script>\nligne 2",
        },
    )

    for content in (
        laptop.get(f"/w/{workshop.pk}/console/").content.decode(),
        laptop.get(f"/w/{workshop.pk}/state/").content.decode(),
        participant_client(alice).get(f"/j/{workshop.code}/").content.decode(),
    ):
        assert "<script>alert" not in content and "<b>Offres" not in content
        assert "&lt;b&gt;Offres&lt;/b&gt;" in content
    state = laptop.get(f"/w/{workshop.pk}/state/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>ligne 2" in state
