"""Reads that need care: the board in a constant number of queries, and the cell fragment."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string

from workshops import stats
from workshops.models import PostIt, SubGroup, Table, Workshop

CELL_TEMPLATE = "workshops/_cell.html"


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
    """Every table of a workshop (or just one) with its grid, in three queries."""
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
