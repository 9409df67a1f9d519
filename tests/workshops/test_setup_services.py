"""Changing a workshop's set-up (workshops/services.py): its tables and territories, its
details and themes, its facilitators; the clock is left alone."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from territories.models import Territory
from tests.conftest import at, reloaded, subgroup_of
from workshops import phases, services
from workshops.models import Participant, PostIt, SubGroup, Table

pytestmark = pytest.mark.django_db

# workshop_update -------------------------------------------------------------------


def set_up(workshop) -> dict:
    """What the set-up form shows, read again from the database."""
    workshop = reloaded(workshop)
    return {
        "title": workshop.title,
        "territories": sorted(workshop.territories.values_list("pk", flat=True)),
        "tables": sorted(workshop.tables.values_list("number", flat=True)),
        "subgroups": sorted(
            SubGroup.objects.filter(table__workshop=workshop).values_list(
                "table__number", "territory_id"
            )
        ),
    }


@pytest.fixture
def fourth_territory(db) -> Territory:
    return Territory.objects.create(name="Pays de Morlaix", short_name="PdM", kind="pays")


def test_it_adds_tables_each_with_a_sub_group_per_territory(workshop, territories):
    services.workshop_update(workshop, territories=territories, table_count=5)

    after = set_up(workshop)
    assert after["tables"] == [1, 2, 3, 4, 5]
    assert len(after["subgroups"]) == 15
    assert {territory for number, territory in after["subgroups"] if number == 5} == {
        t.pk for t in territories
    }


def test_it_adds_a_territory_to_every_table(workshop, territories, fourth_territory):
    services.workshop_update(workshop, territories=[*territories, fourth_territory], table_count=3)

    after = set_up(workshop)
    assert fourth_territory.pk in after["territories"]
    assert [n for n, t in after["subgroups"] if t == fourth_territory.pk] == [1, 2, 3]
    assert len(after["subgroups"]) == 12


def test_it_removes_a_table_nobody_used(workshop, territories):
    services.workshop_update(workshop, territories=territories, table_count=2)

    after = set_up(workshop)
    assert after["tables"] == [1, 2]
    assert len(after["subgroups"]) == 6


def test_it_removes_a_territory_nobody_played(workshop, territories, alice, bruno):
    kept = territories[:2]  # Brest Métropole and Pays de Brest, where Alice and Bruno sit

    services.workshop_update(workshop, territories=kept, table_count=3)

    after = set_up(workshop)
    assert after["territories"] == sorted(t.pk for t in kept)
    assert len(after["subgroups"]) == 6
    assert Participant.objects.filter(pk__in=[alice.pk, bruno.pk]).count() == 2


def test_it_refuses_to_remove_a_table_where_someone_joined_and_changes_nothing(
    workshop, territories, chloe, fourth_territory
):
    before = set_up(workshop)

    with pytest.raises(ValidationError):
        services.workshop_update(
            workshop,
            territories=[*territories, fourth_territory],
            table_count=1,  # table 2 has Chloé
            title="Nouveau titre",
        )

    assert set_up(workshop) == before
    assert Participant.objects.filter(pk=chloe.pk).exists()


def test_it_refuses_to_remove_a_territory_with_post_its_and_changes_nothing(workshop, territories):
    cob = subgroup_of(workshop, 3, "COB")
    services.postit_create(subgroup=cob, author=None, kind="need", text="Un médecin")
    before = set_up(workshop)

    with pytest.raises(ValidationError):
        services.workshop_update(workshop, territories=territories[:2], table_count=4)

    assert set_up(workshop) == before
    assert PostIt.objects.filter(subgroup=cob).count() == 1


@pytest.mark.parametrize("count", [2, 6])
def test_it_accepts_two_to_six_territories(workshop, territories, count):
    extra = [
        Territory.objects.create(name=f"Territoire {n}", short_name=f"T{n}", kind="pays")
        for n in range(count - 2)
    ]

    services.workshop_update(workshop, territories=[*territories[:2], *extra], table_count=3)

    assert len(set_up(workshop)["territories"]) == count


@pytest.mark.parametrize("count", [1, 7])
def test_it_refuses_fewer_than_two_or_more_than_six_territories(workshop, territories, count):
    extra = [
        Territory.objects.create(name=f"Territoire {n}", short_name=f"T{n}", kind="pays")
        for n in range(max(count - 3, 0))
    ]
    before = set_up(workshop)

    with pytest.raises(ValidationError):
        services.workshop_update(
            workshop, territories=[*territories, *extra][:count], table_count=3
        )

    assert set_up(workshop) == before


@pytest.mark.parametrize("table_count", [1, 20])
def test_it_accepts_one_to_twenty_tables(workshop, territories, table_count):
    services.workshop_update(workshop, territories=territories, table_count=table_count)

    assert set_up(workshop)["tables"] == list(range(1, table_count + 1))


@pytest.mark.parametrize("table_count", [0, 21])
def test_it_refuses_no_table_or_more_than_twenty(workshop, territories, table_count):
    before = set_up(workshop)

    with pytest.raises(ValidationError):
        services.workshop_update(workshop, territories=territories, table_count=table_count)

    assert set_up(workshop) == before
    assert Table.objects.filter(workshop=workshop).count() == 3


def test_it_updates_the_details_and_cleans_the_themes(workshop, territories):
    services.workshop_update(
        workshop,
        territories=territories,
        table_count=3,
        title="Atelier de Landerneau",
        place="Landerneau",
        themes=[" Eau ", "", "Énergie", "Eau"],
        grace_seconds=0,
    )

    workshop = reloaded(workshop)
    assert (workshop.title, workshop.place, workshop.grace_seconds) == (
        "Atelier de Landerneau",
        "Landerneau",
        0,
    )
    assert workshop.themes == ["Eau", "Énergie"]


# clean_themes ------------------------------------------------------------------------


def test_it_trims_themes_and_drops_blanks_and_repeats_keeping_the_order():
    assert services.clean_themes(["  Eau", "Énergie ", "   ", "", "Eau", "Santé"]) == [
        "Eau",
        "Énergie",
        "Santé",
    ]


def test_it_accepts_forty_themes_of_eighty_characters():
    themes = [f"{n:02d}" + "x" * 78 for n in range(40)]

    assert services.clean_themes(themes) == themes


def test_it_refuses_more_than_forty_themes():
    with pytest.raises(ValidationError):
        services.clean_themes([f"Thème {n}" for n in range(41)])


def test_it_refuses_a_theme_longer_than_eighty_characters():
    with pytest.raises(ValidationError):
        services.clean_themes(["Eau", "x" * 81])


# Facilitators ---------------------------------------------------------------------


def test_it_adds_a_facilitator_by_username(workshop, other_facilitator):
    added = services.facilitator_add(workshop, "  other ")

    assert added == other_facilitator
    assert other_facilitator in workshop.facilitators.all()


def test_it_refuses_an_unknown_username(workshop, owner):
    with pytest.raises(ValidationError):
        services.facilitator_add(workshop, "nobody")

    assert list(workshop.facilitators.all()) == [owner]


def test_it_removes_a_co_facilitator(workshop, owner, other_facilitator):
    services.facilitator_add(workshop, other_facilitator.username)

    services.facilitator_remove(workshop, other_facilitator)

    assert list(workshop.facilitators.all()) == [owner]


def test_it_keeps_the_owner_among_the_facilitators(workshop, owner):
    with pytest.raises(ValidationError):
        services.facilitator_remove(workshop, owner)

    assert owner in workshop.facilitators.all()
    assert get_user_model().objects.filter(pk=owner.pk).exists()


def test_it_leaves_the_clock_alone_when_the_set_up_is_saved(workshop, running, territories):
    # ``workshop`` was read before the clock was restarted at T0, as a set-up form
    # posted while another facilitator pauses or moves on would be.
    phases.clock_command(running, phases.ClockCommand.PAUSE, now=at(10))
    clock_before = reloaded(running)

    services.workshop_update(workshop, territories=territories, table_count=3, title="Renommé")

    after = reloaded(running)
    assert after.title == "Renommé"
    assert (after.deadline, after.paused_at, after.clock_version) == (
        clock_before.deadline,
        clock_before.paused_at,
        clock_before.clock_version,
    )
