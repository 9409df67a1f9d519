"""Writes. Each runs in one transaction and announces its change only once committed."""

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from territories.models import Territory
from workshops.broadcast import broadcast_cell
from workshops.codes import new_join_code
from workshops.models import Participant, PostIt, SubGroup, Table, Workshop, default_themes

MAX_TABLES = 20


def _unique_code() -> str:
    for _attempt in range(20):
        code = new_join_code()
        if not Workshop.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not draw a free join code")  # 244M codes: never in practice


@transaction.atomic
def workshop_create(
    *,
    created_by,
    title: str,
    territories: list[Territory],
    table_count: int,
    event: str = "",
    date: datetime.date | None = None,
    place: str = "",
    themes: list[str] | None = None,
) -> Workshop:
    if not 1 <= table_count <= MAX_TABLES:
        raise ValidationError(
            _("A workshop has between 1 and %(max)s tables.") % {"max": MAX_TABLES}
        )
    if not territories:
        raise ValidationError(_("Choose at least one territory."))
    workshop = Workshop(
        title=title,
        event=event,
        date=date,
        place=place,
        code=_unique_code(),
        created_by=created_by,
        themes=themes if themes is not None else default_themes(),
    )
    workshop.full_clean()
    try:
        with transaction.atomic():
            workshop.save()
    except IntegrityError:  # two workshops drew the same code at the same instant
        workshop.code = _unique_code()
        workshop.save()
    workshop.territories.set(territories)
    workshop.facilitators.add(created_by)
    tables = Table.objects.bulk_create(
        Table(workshop=workshop, number=number) for number in range(1, table_count + 1)
    )
    SubGroup.objects.bulk_create(
        SubGroup(table=table, territory=territory) for table in tables for territory in territories
    )
    return workshop


@transaction.atomic
def participant_join(*, subgroup: SubGroup, first_name: str) -> Participant:
    participant = Participant(
        workshop=subgroup.table.workshop, subgroup=subgroup, first_name=first_name.strip()
    )
    participant.full_clean()
    participant.save()
    return participant


def _announce(subgroup_id: int, *kinds: str) -> None:
    for kind in dict.fromkeys(kinds):
        transaction.on_commit(partial(broadcast_cell, subgroup_id, kind))


def _clean_postit(postit: PostIt, workshop: Workshop) -> None:
    postit.text = postit.text.strip()
    postit.theme = postit.theme.strip()
    if postit.theme and postit.theme not in workshop.themes:
        raise ValidationError({"theme": _("Choose a theme from the list.")})
    postit.full_clean()


@transaction.atomic
def postit_create(
    *, subgroup: SubGroup, author: Participant | None, kind: str, text: str, theme: str = ""
) -> PostIt:
    postit = PostIt(subgroup=subgroup, author=author, kind=kind, text=text, theme=theme)
    _clean_postit(postit, subgroup.table.workshop)
    postit.save()
    _announce(subgroup.pk, postit.kind)
    return postit


@transaction.atomic
def postit_update(*, postit: PostIt, kind: str, text: str, theme: str = "") -> PostIt:
    previous_kind = postit.kind
    postit.kind, postit.text, postit.theme = kind, text, theme
    _clean_postit(postit, postit.subgroup.table.workshop)
    postit.save()
    _announce(postit.subgroup_id, previous_kind, postit.kind)
    return postit


@transaction.atomic
def postit_delete(*, postit: PostIt) -> None:
    subgroup_id, kind = postit.subgroup_id, postit.kind
    postit.delete()
    _announce(subgroup_id, kind)
