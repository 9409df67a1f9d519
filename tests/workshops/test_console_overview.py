"""The console's overview of the tables: counts, presence and stuck tables, at chosen instants."""

import datetime
import itertools

import pytest
from django.utils import translation

from territories.models import Territory
from tests.conftest import T0, at, goto, subgroup_of
from workshops import phases, services
from workshops.models import Connection, Participant, Phase, PostIt, SubGroup, Workshop
from workshops.selectors import console_overview, presence_cutoff

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)
channel_names = (f"specific.test!{n}" for n in itertools.count())


def connect(participant, last_seen) -> Connection:
    return Connection.objects.create(
        channel_name=next(channel_names), participant=participant, last_seen=last_seen
    )


def fresh(now) -> datetime.datetime:
    return presence_cutoff(now) + SECOND


def stale(now) -> datetime.datetime:
    return presence_cutoff(now) - SECOND


def overview(workshop, now) -> dict[tuple[int, str], object]:
    """Each sub-group's status, by (table number, territory short name)."""
    workshop = Workshop.objects.select_related("current_phase").get(pk=workshop.pk)
    return {
        (status.subgroup.table.number, status.subgroup.territory.short_name): status
        for table in console_overview(workshop, now)
        for status in table.subgroups
    }


def problems(workshop, now) -> dict[tuple[int, str], list[str]]:
    return {key: status.problems for key, status in overview(workshop, now).items()}


def join(workshop, table, short_name, first_name) -> Participant:
    return services.participant_join(
        subgroup=subgroup_of(workshop, table, short_name), first_name=first_name
    )


# Counts and presence -------------------------------------------------------------------


def test_it_lists_every_table_with_its_sub_groups(running, territories):
    tables = console_overview(running, at(1))

    assert [status.table.number for status in tables] == [1, 2, 3]
    for table in tables:
        assert {status.subgroup.territory for status in table.subgroups} == set(territories)


def test_it_counts_offers_and_needs_per_sub_group(running, alice, bruno, chloe, make_postit):
    make_postit(alice, kind="offer", text="Un port")
    make_postit(alice, kind="offer", text="Une université")
    make_postit(alice, kind="need", text="Des terres agricoles")
    make_postit(bruno, kind="need", text="Des médecins")

    statuses = overview(running, at(1))

    counts = {key: (status.offers, status.needs) for key, status in statuses.items()}
    assert counts[1, "BM"] == (2, 1)
    assert counts[1, "PdB"] == (0, 1)
    assert counts[1, "COB"] == (0, 0)
    assert counts[2, "BM"] == (0, 0)  # Chloé plays the same territory at another table


def test_it_tells_who_joined_from_who_is_connected(running, alice, bruno, chloe):
    now = at(5)
    connect(alice, fresh(now))
    connect(bruno, stale(now))
    connect(chloe, fresh(now))
    connect(chloe, stale(now))  # an old phone of hers, gone

    statuses = overview(running, now)

    assert (statuses[1, "BM"].joined, statuses[1, "BM"].connected) == (1, ["Alice"])
    assert (statuses[1, "PdB"].joined, statuses[1, "PdB"].connected) == (1, [])
    assert (statuses[2, "BM"].joined, statuses[2, "BM"].connected) == (1, ["Chloé"])
    assert (statuses[3, "BM"].joined, statuses[3, "BM"].connected) == (0, [])


def test_it_counts_a_connection_as_fresh_up_to_the_cutoff(running, alice):
    connect(alice, presence_cutoff(at(5)))

    assert overview(running, at(5))[1, "BM"].connected == ["Alice"]
    assert overview(running, at(5) + SECOND)[1, "BM"].connected == []


def test_it_counts_one_person_on_two_phones_once(running, alice):
    connect(alice, fresh(at(5)))
    connect(alice, fresh(at(5)))

    assert overview(running, at(5))[1, "BM"].connected == ["Alice"]


def test_it_counts_two_people_with_the_same_first_name_twice(running, alice):
    other_alice = join(running, 1, "BM", "Alice")
    connect(alice, fresh(at(5)))
    connect(other_alice, fresh(at(5)))

    status = overview(running, at(5))[1, "BM"]

    assert status.joined == 2
    assert status.connected == ["Alice", "Alice"]


def test_it_sums_who_is_connected_per_table(running, alice, bruno, chloe):
    for participant in (alice, bruno, chloe):
        connect(participant, fresh(at(5)))

    tables = {table.table.number: table for table in console_overview(running, at(5))}

    assert (tables[1].connected, tables[2].connected, tables[3].connected) == (2, 1, 0)


# Stuck tables --------------------------------------------------------------------------


def test_it_flags_sub_groups_nobody_joined_or_nobody_is_connected_to(running, alice, bruno):
    connect(alice, fresh(at(5)))
    connect(bruno, stale(at(5)))

    with translation.override("en"):
        found = problems(running, at(5))

    assert found[1, "PdB"] == ["PdB: nobody connected"]
    assert found[1, "COB"] == ["COB: nobody has joined"]


def test_it_flags_a_sub_group_without_post_its_after_ten_minutes_of_formulation(
    running, alice, bruno, make_postit
):
    for participant in (alice, bruno):
        connect(participant, fresh(at(10)))
    make_postit(alice)

    with translation.override("en"):
        before = problems(running, at(9.99))
        after = problems(running, at(10))

    assert before[1, "PdB"] == []
    assert after[1, "BM"] == []
    assert after[1, "PdB"] == ["PdB: no post-it after 10 min"]
    assert after[1, "COB"] == ["COB: nobody has joined", "COB: no post-it after 10 min"]


def test_it_waits_half_of_a_phase_shorter_than_twenty_minutes(running, alice):
    first = running.phases.get(kind=Phase.Kind.FORMULATION)
    first.duration_minutes = 12
    phases.phase_save(running, first, now=at(1))
    connect(alice, fresh(at(6)))

    assert problems(running, at(5.99))[1, "BM"] == []
    assert len(problems(running, at(6))[1, "BM"]) == 1


def test_it_does_not_count_paused_time_towards_the_ten_minutes(running, alice):
    connect(alice, fresh(at(35)))
    phases.clock_command(running, phases.ClockCommand.PAUSE, now=at(5))

    assert problems(running, at(30))[1, "BM"] == []

    phases.clock_command(running, phases.ClockCommand.RESUME, now=at(30))
    assert problems(running, at(34.99))[1, "BM"] == []
    assert len(problems(running, at(35))[1, "BM"]) == 1


def test_it_expects_no_post_its_outside_formulation(running, alice):
    goto(running, Phase.Kind.NEGOTIATION, T0)
    connect(alice, fresh(at(30)))

    found = problems(running, at(30))

    assert found[1, "BM"] == []
    assert len(found[1, "COB"]) == 1  # nobody joined, still worth knowing


@pytest.mark.parametrize("change", ["stop", "close"])
def test_it_flags_nothing_while_no_phase_runs_or_once_closed(running, change):
    if change == "stop":
        phases.clock_command(running, phases.ClockCommand.STOP, now=at(1))
    else:
        phases.set_status(running, Workshop.Status.CLOSED)

    assert all(found == [] for found in problems(running, at(20)).values())


def test_it_flags_nothing_before_the_workshop_opens(owner, territories):
    workshop = services.workshop_create(
        created_by=owner, title="Atelier", territories=territories, table_count=2
    )

    assert all(found == [] for found in problems(workshop, at(20)).values())


def test_it_gathers_every_problem_of_a_table(running, alice):
    connect(alice, fresh(at(10)))

    tables = {table.table.number: table for table in console_overview(running, at(10))}

    # Table 1: Alice's sub-group has no post-it; the two others nobody joined, no post-it.
    assert len(tables[1].problems) == 5
    assert len(tables[2].problems) == 6


# Cost ----------------------------------------------------------------------------------


def fill(workshop, *, people_per_subgroup: int, postits_per_person: int, now) -> None:
    subgroups = list(SubGroup.objects.filter(table__workshop=workshop))
    people = Participant.objects.bulk_create(
        Participant(workshop=workshop, subgroup=subgroup, first_name=f"P{n}")
        for subgroup in subgroups
        for n in range(people_per_subgroup)
    )
    Connection.objects.bulk_create(
        Connection(channel_name=next(channel_names), participant=person, last_seen=now)
        for person in people
    )
    PostIt.objects.bulk_create(
        PostIt(subgroup=person.subgroup, author=person, kind=kind, text="Idée")
        for person in people
        for kind in ("offer", "need")[:postits_per_person]
    )


def test_it_costs_the_same_queries_for_a_small_or_a_large_room(
    running, owner, territories, django_assert_num_queries
):
    fill(running, people_per_subgroup=1, postits_per_person=1, now=at(10))
    more = [
        Territory.objects.create(name=f"Territoire {n}", short_name=f"T{n}", kind="pays")
        for n in range(3)
    ]
    large = services.workshop_create(
        created_by=owner, title="Grand atelier", territories=[*territories, *more], table_count=20
    )
    phases.clock_command(large, phases.ClockCommand.START, now=T0)
    fill(large, people_per_subgroup=5, postits_per_person=2, now=at(10))

    for workshop, sub_groups in ((running, 9), (large, 120)):
        workshop = Workshop.objects.select_related("current_phase").get(pk=workshop.pk)
        with django_assert_num_queries(5):
            tables = console_overview(workshop, at(10))
            statuses = [status for table in tables for status in table.subgroups]
            names = [status.subgroup.territory.short_name for status in statuses]
            problems = [table.problems for table in tables]
        assert len(statuses) == len(names) == sub_groups
        assert problems
