"""Reads that need care: the board and the console's overview in a constant number of
queries, and the fragments every screen shares (a cell, the phase state)."""

import datetime
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workshops import gate, stats
from workshops.kept import Kept
from workshops.models import Connection, Participant, Phase, PostIt, SubGroup, Table, Workshop

CELL_TEMPLATE = "workshops/_cell.html"
POSTIT_TEMPLATE = "workshops/_postit.html"


@dataclass
class Column:
    subgroup: SubGroup
    offers: list[PostIt] = field(default_factory=list)
    needs: list[PostIt] = field(default_factory=list)


@dataclass
class TableBoard:
    table: Table
    columns: list[Column]


def _postits():
    return PostIt.objects.select_related("author").order_by("created_at", "id")


def _columns(subgroups) -> list[Column]:
    columns = []
    for subgroup in subgroups:
        column = Column(subgroup)
        for postit in subgroup.postits.all():
            (column.offers if postit.kind == PostIt.Kind.OFFER else column.needs).append(postit)
        columns.append(column)
    return columns


def workshop_board(workshop: Workshop, table: Table | None = None) -> list[TableBoard]:
    """Every table of a workshop (or just one) with its grid, in three queries
    (tests/workshops/test_costs.py::test_it_reads_the_board_in_three_queries_whatever_the_room)."""
    tables = workshop.tables.order_by("number").prefetch_related(
        Prefetch(
            "subgroups",
            queryset=SubGroup.objects.select_related("territory").order_by("territory__name"),
        ),
        Prefetch("subgroups__postits", queryset=_postits()),
    )
    if table is not None:
        tables = tables.filter(pk=table.pk)
    return [TableBoard(t, _columns(t.subgroups.all())) for t in tables]


PHONE_BOARD_TEMPLATE = "workshops/_phone_board.html"
# Rendered phone boards kept per process: (table, sub-group, language, board version).
PHONE_BOARDS_KEPT = 256
# What the version does not see (a territory renamed or recoloured in the library)
# shows within this many seconds.
PHONE_BOARD_MAX_AGE_SECONDS = 30
_phone_boards = Kept(PHONE_BOARDS_KEPT)  # (rendered at, html)


def _board_version(table: Table) -> tuple:
    """Changes whenever a post-it at the table is added, removed, edited or moved, or
    loses its author: every such write saves the post-it (``updated_at``) or removes it."""
    return tuple(
        PostIt.objects.filter(subgroup__table=table)
        .aggregate(
            count=Count("pk"), ids=Sum("pk"), latest=Max("updated_at"), authored=Count("author")
        )
        .values()
    )


def phone_board_html(workshop: Workshop, table: Table, our_subgroup_id: int) -> str:
    """The phone's grid as its socket (re)opens: the same HTML for every phone of a
    sub-group (paniers.js marks one's own post-its), so it is rendered once per board
    version, not once per phone: when the venue's Wi-Fi comes back, 100 phones of a
    table fetch it within seconds (bench/reconnect.py --demo)."""
    key = (table.pk, our_subgroup_id, translation.get_language(), _board_version(table))
    now = time.monotonic()
    kept = _phone_boards.get(key)
    if kept is not None and now - kept[0] < PHONE_BOARD_MAX_AGE_SECONDS:
        return kept[1]
    stats.count("phone_board_renders")
    board = workshop_board(workshop, table=table)[0]
    html = render_to_string(
        PHONE_BOARD_TEMPLATE, {"board": board, "our_subgroup_id": our_subgroup_id}
    )
    _phone_boards.put(key, (now, html))
    return html


def postit_written_by(author: Participant, client_id) -> PostIt | None:
    """The post-it a compose form already wrote, when the same form comes again."""
    if client_id is None:
        return None
    return PostIt.objects.filter(author=author, client_id=client_id).first()


def cell_postits(subgroup: SubGroup, kind: str) -> list[PostIt]:
    return list(_postits().filter(subgroup=subgroup, kind=kind))


def render_cell(subgroup: SubGroup, kind: str, *, oob: bool = False) -> str:
    stats.count("cell_renders")
    return render_to_string(
        CELL_TEMPLATE,
        {
            "subgroup": subgroup,
            "kind": kind,
            "postits": cell_postits(subgroup, kind),
            "oob": oob,
        },
    )


def render_postit(postit: PostIt, *, live: str) -> str:
    """One post-it as a live message (``_postit.html``): ``live="append"`` adds it to the end of
    its cell, ``"replace"`` puts it in place of itself. Its size is the post-it's own."""
    stats.count("postit_renders")
    return render_to_string(POSTIT_TEMPLATE, {"postit": postit, "live": live})


# The phase and its clock -------------------------------------------------------

PHASE_STATE_TEMPLATE = "workshops/_phase_state.html"


def _epoch_ms(moment: datetime.datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


@dataclass
class PhaseState:
    """What every screen needs to show the phase and compute the same countdown."""

    workshop: Workshop
    phase: Phase | None
    number: int
    count: int
    actions: list[str]  # open now (the phones apply the clock)
    opens: list[str]  # what the current phase opens, even once the workshop is closed
    reached: list[str]  # what the current phase or an earlier one opens
    server_now_ms: int
    deadline_ms: int | None
    paused_remaining_ms: int | None
    grace_ms: int


def phase_state(workshop: Workshop, now: datetime.datetime | None = None) -> PhaseState:
    now = now or timezone.now()
    phase_ids, kinds = [], []
    for pk, kind in workshop.phases.values_list("pk", "kind"):
        phase_ids.append(pk)
        kinds.append(kind)
    phase = workshop.current_phase
    index = phase_ids.index(phase.pk) if phase and phase.pk in phase_ids else None
    clock = gate.clock_of(workshop)
    paused_remaining = clock.remaining(now) if clock.is_paused else None
    return PhaseState(
        workshop=workshop,
        phase=phase,
        number=index + 1 if index is not None else 0,
        count=len(phase_ids),
        actions=sorted(gate.phase_actions(workshop)),
        opens=sorted(gate.current_phase_opens(workshop)),
        reached=sorted(gate.reached_actions(kinds, index)),
        server_now_ms=_epoch_ms(now),
        deadline_ms=_epoch_ms(clock.deadline),
        paused_remaining_ms=(
            None if paused_remaining is None else int(paused_remaining.total_seconds() * 1000)
        ),
        grace_ms=workshop.grace_seconds * 1000,
    )


def render_phase_state(workshop: Workshop, *, oob: bool = False) -> str:
    stats.count("state_renders")
    return render_to_string(PHASE_STATE_TEMPLATE, {"state": phase_state(workshop), "oob": oob})


# The console's overview of the tables ----------------------------------------------

STUCK_AFTER = datetime.timedelta(minutes=10)


def presence_cutoff(now: datetime.datetime) -> datetime.datetime:
    """Connections not refreshed since then belong to a process that died."""
    return now - datetime.timedelta(seconds=settings.PRESENCE_HEARTBEAT_SECONDS * 2.5)


@dataclass
class SubGroupStatus:
    subgroup: SubGroup
    joined: int = 0
    connected: list[str] = field(default_factory=list)
    offers: int = 0
    needs: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class TableStatus:
    table: Table
    subgroups: list[SubGroupStatus]

    @property
    def problems(self) -> list[str]:
        return [problem for status in self.subgroups for problem in status.problems]

    @property
    def connected(self) -> int:
        return sum(len(status.connected) for status in self.subgroups)


def stuck_threshold(phase: Phase) -> datetime.timedelta:
    """Ten minutes, or half the phase when it is shorter than twenty."""
    return min(STUCK_AFTER, datetime.timedelta(minutes=phase.duration_minutes) / 2)


def console_overview(workshop: Workshop, now: datetime.datetime | None = None) -> list[TableStatus]:
    """Every table with, per sub-group, who joined, who is connected, and post-it counts.

    Five queries whatever the size of the room (tests/workshops/test_console_overview.py::
    test_it_costs_the_same_queries_for_a_small_or_a_large_room).
    """
    now = now or timezone.now()
    tables = workshop.tables.order_by("number").prefetch_related(
        Prefetch(
            "subgroups",
            queryset=SubGroup.objects.select_related("territory").order_by("territory__name"),
        )
    )
    counts = {
        (row["subgroup_id"], row["kind"]): row["count"]
        for row in PostIt.objects.filter(subgroup__table__workshop=workshop)
        .values("subgroup_id", "kind")
        .annotate(count=Count("id"))
    }
    joined = dict(
        Participant.objects.filter(workshop=workshop)
        .values("subgroup_id")
        .annotate(count=Count("id"))
        .values_list("subgroup_id", "count")
    )
    connected: dict[int, list[str]] = {}
    # A subquery, not a join with DISTINCT: that would merge two people with the same
    # first name, while one person with two phones must still count once.
    live = Connection.objects.filter(last_seen__gte=presence_cutoff(now)).values("participant_id")
    for subgroup_id, first_name in (
        Participant.objects.filter(workshop=workshop, pk__in=live)
        .order_by("first_name", "pk")
        .values_list("subgroup_id", "first_name")
    ):
        connected.setdefault(subgroup_id, []).append(first_name)

    phase = gate.phase_in_play(workshop)
    elapsed = gate.clock_of(workshop).elapsed(now)
    watching = phase is not None
    expects_postits = (
        watching
        and gate.phase_actions(workshop) == {gate.Action.POSTITS}  # post-its and nothing else
        and elapsed is not None
        and elapsed >= stuck_threshold(phase)
    )
    overview = []
    for table in tables:
        statuses = []
        for subgroup in table.subgroups.all():
            status = SubGroupStatus(
                subgroup,
                joined=joined.get(subgroup.pk, 0),
                connected=connected.get(subgroup.pk, []),
                offers=counts.get((subgroup.pk, PostIt.Kind.OFFER), 0),
                needs=counts.get((subgroup.pk, PostIt.Kind.NEED), 0),
            )
            name = subgroup.territory.label
            if watching and not status.joined:
                status.problems.append(_("%(territory)s: nobody has joined") % {"territory": name})
            elif watching and not status.connected:
                status.problems.append(_("%(territory)s: nobody connected") % {"territory": name})
            if expects_postits and not (status.offers or status.needs):
                status.problems.append(
                    _("%(territory)s: no post-it after %(minutes)s min")
                    % {"territory": name, "minutes": int(elapsed.total_seconds() // 60)}
                )
            statuses.append(status)
        overview.append(TableStatus(table, statuses))
    return overview
