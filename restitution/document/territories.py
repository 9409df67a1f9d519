"""The workshop's territories with their sheets and key facts.

Read back, a territory is found in the library by name (names are unique there) and reused
as it is; only a territory the library lacks is created, with the document's sheet and key
facts (docs/restitution.md says why). Every territory of the file is checked either way.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from restitution.document.parts import Draft, Ids, Part, written
from restitution.document.reading import ImportRefused, fail, rows
from restitution.snapshot import Snapshot
from territories.models import KEY_FACTS_MAX, KeyFact, Territory
from workshops.services import MAX_TERRITORIES, check_territory_count

TERRITORY_COLUMNS = ("name", "short_name", "kind", "color", "sheet")
TERRITORY_FIELDS = ("id", *TERRITORY_COLUMNS, "key_facts")
KEY_FACT_FIELDS = ("label", "value", "source")


def dump_territories(snap: Snapshot, ids: Ids) -> list[dict]:
    return [
        {
            "id": ids.territory[t.pk],
            **written(t, TERRITORY_COLUMNS),
            "key_facts": [written(f, KEY_FACT_FIELDS) for f in snap.key_facts[t.pk]],
        }
        for t in snap.territories
    ]


def load_territories(value, draft: Draft) -> None:
    read = list(rows(value, "territories", TERRITORY_FIELDS, MAX_TERRITORIES))
    try:
        check_territory_count(len(read))
    except ValidationError as error:
        fail("territories", error.messages[0])
    names, facts = set(), {}
    for row in read:
        territory_id = row.id(draft.territories)
        territory = row.into(Territory(), *TERRITORY_COLUMNS)
        if territory.name.strip().casefold() in names:
            raise ImportRefused(
                _("The territory “%(name)s” appears twice.") % {"name": territory.name}
            )
        names.add(territory.name.strip().casefold())
        draft.territories[territory_id] = territory
        facts[territory_id] = [
            fact.into(KeyFact(territory=territory, position=n), *KEY_FACT_FIELDS)
            for n, fact in enumerate(
                rows(
                    row.list("key_facts", KEY_FACTS_MAX),
                    f"{row.path}.key_facts",
                    KEY_FACT_FIELDS,
                )
            )
        ]
    library = {
        t.name: t
        for t in Territory.objects.filter(name__in=[t.name for t in draft.territories.values()])
    }
    for territory_id, territory in draft.territories.items():
        if territory.name in library:
            draft.territories[territory_id] = library[territory.name]
        else:
            draft.new_territories.append(territory)
            for fact in facts[territory_id]:
                draft.add(fact)


TERRITORIES = Part("territories", dump_territories, load_territories)
