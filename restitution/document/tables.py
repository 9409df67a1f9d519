"""The tables and their sub-groups: who sits where, so that a copy seats the room the same."""

from django.utils.translation import gettext as _

from restitution.document.parts import Draft, Ids, Part, written
from restitution.document.reading import fail, rows
from restitution.snapshot import Snapshot
from workshops.models import SubGroup, Table
from workshops.services import MAX_TABLES, MAX_TERRITORIES

TABLE_FIELDS = ("number", "subgroups")
SUBGROUP_FIELDS = ("id", "territory")


def dump_tables(snap: Snapshot, ids: Ids) -> list[dict]:
    seated: dict[int, list[dict]] = {t.pk: [] for t in snap.tables}
    for s in snap.subgroups.values():
        seated[s.table_id].append(
            written(s, SUBGROUP_FIELDS, id=ids.subgroup, territory=ids.territory)
        )
    return [{"number": t.number, "subgroups": seated[t.pk]} for t in snap.tables]


def load_tables(value, draft: Draft) -> None:
    tables = list(rows(value, "tables", TABLE_FIELDS, MAX_TABLES))
    if not tables:
        fail("tables", _("at least one table"))
    numbers = set()
    for row in tables:
        table = draft.add(row.into(Table(workshop=draft.workshop), "number"))
        if table.number in numbers:
            row.fail(_("the table %(number)s appears twice") % {"number": table.number})
        numbers.add(table.number)
        seated = set()
        subgroups = row.list("subgroups", MAX_TERRITORIES)
        for s in rows(subgroups, f"{row.path}.subgroups", SUBGROUP_FIELDS):
            territory = s.ref("territory", draft.territories)
            if territory.name in seated:
                s.fail(_("a territory sits twice at this table"))
            seated.add(territory.name)
            subgroup_id = s.id(draft.subgroups)
            draft.subgroups[subgroup_id] = draft.add(SubGroup(table=table, territory=territory))


TABLES = Part("tables", dump_tables, load_tables)
