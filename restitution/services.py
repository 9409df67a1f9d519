"""Writes of the restitution editor: the organiser's texts, featured baskets, and the
draft action list. Who may call them is decided by the views (facilitators of the
workshop, ``workshops.access``); the objects arrive already checked to belong to it.

A text equal to the generated default is stored empty, so that it keeps following the
workshop's data; a text is stripped and capped (the model's validators refuse more).
"""

from django.core.exceptions import ValidationError
from django.db.transaction import atomic
from django.utils.translation import gettext as _

from baskets.models import Basket, Transaction
from restitution.models import (
    ACTION_TITLE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ActionChoice,
    ActionStatus,
    BasketChoice,
    Section,
    SectionText,
)
from territories.models import Territory
from workshops.models import Workshop


def _clean_text(text: str, default: str, limit: int) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ValidationError(
            _("At most %(limit)s characters, please.") % {"limit": limit}, code="too_long"
        )
    return "" if text == (default or "").strip() else text


@atomic
def section_text_set(
    *,
    workshop: Workshop,
    section: str,
    text: str,
    territory: Territory | None = None,
    default: str = "",
) -> SectionText:
    """The organiser's text of a section (or of a territory in phase 1's synthesis);
    an empty text, or the default itself, means "use the generated default"."""
    if section not in Section.values:
        raise ValidationError(_("Unknown section."), code="section")
    if territory is not None:
        if section != Section.SYNTHESIS:
            raise ValidationError(_("Only phase 1 has a text per territory."), code="territory")
        if not workshop.territories.filter(pk=territory.pk).exists():
            raise ValidationError(_("This territory is not in the workshop."), code="territory")
    row, _created = SectionText.objects.select_for_update().get_or_create(
        workshop=workshop, section=section, territory=territory
    )
    row.text = _clean_text(text, default, TEXT_MAX_LENGTH)
    row.full_clean()
    row.save()
    return row


def _basket_choice(basket: Basket) -> BasketChoice:
    choice, _created = BasketChoice.objects.select_for_update().get_or_create(basket=basket)
    return choice


@atomic
def basket_feature(*, basket: Basket, featured: bool) -> BasketChoice:
    """Feature a basket in the report or leave it out; the choice sticks, whatever
    transactions are added or removed later."""
    choice = _basket_choice(basket)
    choice.featured = bool(featured)
    choice.full_clean()
    choice.save()
    return choice


@atomic
def basket_synthesis_set(*, basket: Basket, text: str, default: str = "") -> BasketChoice:
    """The organiser's synthesis of a basket (phase 3)."""
    choice = _basket_choice(basket)
    choice.synthesis = _clean_text(text, default, TEXT_MAX_LENGTH)
    choice.full_clean()
    choice.save()
    return choice


@atomic
def action_update(
    *,
    transaction: Transaction,
    status: str,
    title: str = "",
    included: bool = True,
    default_title: str = "",
) -> ActionChoice:
    """A candidate action's status, title (empty: the offer's text) and inclusion."""
    if status not in ActionStatus.values:
        raise ValidationError(_("Unknown status."), code="status")
    choice, _created = ActionChoice.objects.select_for_update().get_or_create(
        transaction=transaction
    )
    choice.status = status
    choice.title = _clean_text(title, default_title, ACTION_TITLE_MAX_LENGTH)
    choice.included = bool(included)
    choice.full_clean()
    choice.save()
    return choice
