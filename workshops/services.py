"""Writes: workshops and their seating, co-facilitators, participants, post-its.

Each write runs in one transaction (``transaction.atomic``). Those whose change the
screens show live (the post-its, and ``workshop_update``'s grace period) announce it with
``transaction.on_commit``, so a rolled-back write is never broadcast. ``check_territory_count``
and ``clean_themes`` are checks the writes share (the form uses the first): they touch no row.
"""

import datetime
import uuid
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from territories.models import Territory
from workshops import selectors, signals
from workshops.broadcast import (
    after_commit,
    broadcast_join_count,
    broadcast_postit,
    broadcast_postit_deleted,
    withdraw_facilitator,
)
from workshops.codes import new_join_code
from workshops.gate import Action, require_open
from workshops.models import (
    DEFAULT_BALANCE_TOLERANCE,
    Participant,
    PostIt,
    SubGroup,
    Table,
    Workshop,
    default_themes,
)
from workshops.phases import announce_state, create_default_phases

MAX_TABLES = 20
MIN_TERRITORIES, MAX_TERRITORIES = 2, 6
MAX_THEMES, MAX_THEME_LENGTH = 40, 80


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
    grace_seconds: int = 60,
    balance_tolerance: int = DEFAULT_BALANCE_TOLERANCE,
) -> Workshop:
    _check_sizes(territories, table_count)
    workshop = Workshop(
        title=title,
        event=event,
        date=date,
        place=place,
        code=_unique_code(),
        created_by=created_by,
        themes=clean_themes(themes) if themes is not None else default_themes(),
        grace_seconds=grace_seconds,
        balance_tolerance=balance_tolerance,
    )
    workshop.full_clean()
    try:
        with transaction.atomic():
            workshop.save()
    except IntegrityError:  # two workshops drew the same code at the same instant
        workshop.code = _unique_code()
        workshop.save()
    workshop.facilitators.add(created_by)
    _seat(workshop, territories, table_count)
    create_default_phases(workshop)
    return workshop


def check_territory_count(count: int) -> None:
    """A workshop plays between MIN_TERRITORIES and MAX_TERRITORIES territories."""
    if not MIN_TERRITORIES <= count <= MAX_TERRITORIES:
        raise ValidationError(
            _("Choose between %(min)s and %(max)s territories.")
            % {"min": MIN_TERRITORIES, "max": MAX_TERRITORIES}
        )


def _check_sizes(territories, table_count: int) -> None:
    if not 1 <= table_count <= MAX_TABLES:
        raise ValidationError(
            _("A workshop has between 1 and %(max)s tables.") % {"max": MAX_TABLES}
        )
    check_territory_count(len(territories))


def _seat(workshop: Workshop, territories: list[Territory], table_count: int) -> None:
    """Sets the territories and creates the tables 1..table_count and the sub-groups
    (one per territory per table) that do not exist yet."""
    workshop.territories.set(territories)
    existing = set(workshop.tables.values_list("number", flat=True))
    Table.objects.bulk_create(
        Table(workshop=workshop, number=number)
        for number in range(1, table_count + 1)
        if number not in existing
    )
    present = set(
        SubGroup.objects.filter(table__workshop=workshop).values_list("table_id", "territory_id")
    )
    SubGroup.objects.bulk_create(
        SubGroup(table=table, territory=territory)
        for table in workshop.tables.all()
        for territory in territories
        if (table.pk, territory.pk) not in present
    )
    signals.seating_changed.send(sender=Workshop, workshop=workshop)


def clean_themes(themes: list[str]) -> list[str]:
    """Trimmed, without blanks or repeats, capped in number and length."""
    cleaned = list(dict.fromkeys(theme.strip() for theme in themes if theme.strip()))
    if len(cleaned) > MAX_THEMES:
        raise ValidationError(_("At most %(max)s themes.") % {"max": MAX_THEMES})
    if any(len(theme) > MAX_THEME_LENGTH for theme in cleaned):
        raise ValidationError(
            _("A theme has at most %(max)s characters.") % {"max": MAX_THEME_LENGTH}
        )
    return cleaned


def _in_use(subgroups) -> bool:
    return (
        Participant.objects.filter(subgroup__in=subgroups).exists()
        or PostIt.objects.filter(subgroup__in=subgroups).exists()
    )


@transaction.atomic
def workshop_update(
    workshop: Workshop,
    *,
    territories: list[Territory],
    table_count: int,
    **fields,
) -> Workshop:
    """Change the set-up. Tables and territories can be added at any time; removed only
    while nobody sits there and nothing was written there, so nothing is lost."""
    _check_sizes(territories, table_count)
    if "themes" in fields:
        fields["themes"] = clean_themes(fields["themes"])
    grace_before, tolerance_before = workshop.grace_seconds, workshop.balance_tolerance
    for name, value in fields.items():
        setattr(workshop, name, value)
    workshop.full_clean()
    # Only the set-up: the clock columns of this (possibly stale) object must not undo a
    # pause or a phase change made meanwhile from the console.
    workshop.save(update_fields=list(fields))
    if workshop.grace_seconds != grace_before:  # phones close their forms by it
        announce_state(workshop)
    if workshop.balance_tolerance != tolerance_before:
        signals.balance_tolerance_changed.send(sender=Workshop, workshop=workshop)

    removed_tables = workshop.tables.filter(number__gt=table_count)
    removed_territories = workshop.territories.exclude(pk__in=[t.pk for t in territories])
    leaving = SubGroup.objects.filter(table__in=removed_tables) | SubGroup.objects.filter(
        table__workshop=workshop, territory__in=removed_territories
    )
    if _in_use(leaving):
        raise ValidationError(
            _(
                "A table or territory you removed already has participants or post-its: "
                "it is kept. Nothing was changed."
            )
        )
    leaving.delete()
    removed_tables.delete()
    _seat(workshop, territories, table_count)
    return workshop


@transaction.atomic
def facilitator_add(workshop: Workshop, username: str):
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise ValidationError(_("No account has this username."))
    workshop.facilitators.add(user)
    return user


@transaction.atomic
def facilitator_remove(workshop: Workshop, user) -> None:
    if user.pk == workshop.created_by_id:
        raise ValidationError(_("The workshop's owner stays one of its facilitators."))
    workshop.facilitators.remove(user)
    after_commit(withdraw_facilitator, workshop.pk, user.pk)


@transaction.atomic
def participant_join(*, subgroup: SubGroup, first_name: str) -> Participant:
    participant = Participant(
        workshop=subgroup.table.workshop, subgroup=subgroup, first_name=first_name.strip()
    )
    participant.full_clean()
    participant.save()
    after_commit(broadcast_join_count, participant.workshop_id)  # the projector's join screen
    return participant


def _clean_postit(postit: PostIt, workshop: Workshop) -> None:
    postit.text = postit.text.strip()
    postit.theme = postit.theme.strip()
    if postit.theme and postit.theme not in workshop.themes:
        raise ValidationError({"theme": _("Choose a theme from the list.")})
    # The client id's constraint is left to the database: see postit_create.
    postit.full_clean(validate_constraints=False)


@transaction.atomic
def postit_create(
    *,
    subgroup: SubGroup,
    author: Participant | None,
    kind: str,
    text: str,
    theme: str = "",
    client_id: uuid.UUID | None = None,
) -> PostIt:
    """Write a post-it, once per ``client_id``: the same compose form sent again gets
    the post-it it already wrote, unchanged and not announced again."""
    if author is not None and (written := selectors.postit_written_by(author, client_id)):
        return written  # answered as saved, whatever the gate says now: it was
    require_open(subgroup.table.workshop, Action.POSTITS, author)
    postit = PostIt(
        subgroup=subgroup, author=author, kind=kind, text=text, theme=theme, client_id=client_id
    )
    _clean_postit(postit, subgroup.table.workshop)
    try:
        with transaction.atomic():
            postit.save()
    except IntegrityError:  # the same form, sent twice at the same instant
        return PostIt.objects.get(author=author, client_id=client_id)
    after_commit(broadcast_postit, postit.pk, added=True)
    return postit


# What the apps built on the room forbid in a post-it's edit, which workshops cannot know
# (it never imports them): each rule is added from its app's ``AppConfig.ready`` and
# raises ``ValidationError`` to refuse the edit, with its message. Today one:
# ``baskets.services.keep_postit_kind_in_baskets`` (an offer given in a basket stays an
# offer, a need answered stays a need).
PostItRule = Callable[[PostIt, str], None]  # (the post-it as edited, unsaved; its previous kind)
_postit_edit_rules: list[PostItRule] = []


def add_postit_edit_rule(rule: PostItRule) -> None:
    """Once per rule, however often ``ready`` runs."""
    if rule not in _postit_edit_rules:
        _postit_edit_rules.append(rule)


def check_postit_edit_rules(postit: PostIt, previous_kind: str) -> None:
    for rule in _postit_edit_rules:
        rule(postit, previous_kind)


@transaction.atomic
def postit_update(
    *, postit: PostIt, kind: str, text: str, theme: str = "", by: Participant | None
) -> PostIt:
    """``by``: the participant who edits (the gate applies), or None: a facilitator. The
    other apps' rules (``check_postit_edit_rules``) may refuse it with ``ValidationError``."""
    require_open(postit.subgroup.table.workshop, Action.POSTITS, by)
    previous_kind = postit.kind
    postit.kind, postit.text, postit.theme = kind, text, theme
    _clean_postit(postit, postit.subgroup.table.workshop)
    check_postit_edit_rules(postit, previous_kind)
    postit.save()
    after_commit(broadcast_postit, postit.pk, added=postit.kind != previous_kind)
    signals.postit_changed.send(sender=PostIt, postit=postit)
    return postit


@transaction.atomic
def postit_delete(*, postit: PostIt, by: Participant | None) -> None:
    require_open(postit.subgroup.table.workshop, Action.POSTITS, by)
    table, pk = postit.subgroup.table, postit.pk
    postit.delete()
    after_commit(broadcast_postit_deleted, pk, table_id=table.pk, workshop_id=table.workshop_id)
