"""Deleting a workshop and everything in it: what will go, counted, then gone at once.

Both the count and the deletion are Django's own ``Collector`` over the workshop, so
they follow every app's foreign keys: a model added later with a key to the workshop
(or to anything in it) is counted on the page and deleted with the rest, without a
change here and without this module importing it. Rows shared with other workshops
stay: the library's territories and the facilitators' accounts are only unlinked.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.db import IntegrityError, router, transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from workshops import access, broadcast
from workshops.broadcast import after_commit
from workshops.codes import normalise_code
from workshops.models import Workshop

# A phone that writes into the workshop between the collection and the commit makes
# the database refuse the commit (a row now points at one deleted): collect again.
ATTEMPTS = 3


class NotConfirmed(Exception):
    """What was typed names neither the workshop's code nor its title."""


class Blocked(Exception):
    """Rows outside the workshop hold rows of it (a key that protects them): nothing goes."""


@dataclass(frozen=True)
class Part:
    """One kind of row that goes, and how many: "12 post-its"."""

    singular: str
    plural: str
    count: int

    def __str__(self) -> str:
        return f"{self.count} {self.singular if self.count == 1 else self.plural}"


def confirms(workshop: Workshop, typed: str) -> bool:
    typed = " ".join(typed.split())
    if not typed:
        return False
    title = " ".join(workshop.title.split())
    return normalise_code(typed) == workshop.code or typed.casefold() == title.casefold()


def contents(workshop: Workshop) -> list[Part]:
    """What deleting the workshop would delete, per kind (the workshop itself aside)."""
    rows: dict[type[Model], set] = defaultdict(set)
    collector = _collector(workshop)
    for model, instances in collector.data.items():
        rows[model].update(instance.pk for instance in instances)
    # A row reached by several paths (a dot: through its participant and its basket) is
    # in several of these querysets: counted once by its key.
    for queryset in collector.fast_deletes:
        rows[queryset.model].update(queryset.values_list("pk", flat=True))
    return _parts({model: len(keys) for model, keys in rows.items()})


def workshop_delete(*, workshop: Workshop, confirmation: str) -> list[Part]:
    """Delete the workshop and every row of every app in it; returns what went.

    Raises ``NotConfirmed`` (and deletes nothing) unless ``confirmation`` is the
    workshop's code or title, ``Blocked`` if rows outside it hold some of its rows. Its
    open screens are told after the commit.
    """
    if not confirms(workshop, confirmation):
        raise NotConfirmed
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _delete(workshop.pk)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def delete_unconfirmed(workshop: Workshop) -> None:
    """Take back a workshop its creator's own request just wrote (a failed import)."""
    _delete(workshop.pk)


def _delete(workshop_id: int) -> list[Part]:
    with transaction.atomic():
        # A fresh row each attempt (a deletion clears its instances' keys, even one that
        # rolls back), locked: two deletions at once run one after the other, and the
        # second raises Workshop.DoesNotExist.
        workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
        _deleted_total, per_label = _collector(workshop).delete()
        after_commit(broadcast.announce_workshop_deleted, workshop_id)
        after_commit(access.remember_deleted, workshop)
    return _parts({apps.get_model(label): count for label, count in per_label.items()})


def _collector(workshop: Workshop) -> Collector:
    collector = Collector(using=router.db_for_write(Workshop, instance=workshop), origin=workshop)
    try:
        collector.collect([workshop])
    except (ProtectedError, RestrictedError) as error:
        held = getattr(error, "protected_objects", None) or error.restricted_objects
        names = sorted({str(row._meta.verbose_name_plural) for row in held})
        raise Blocked(
            _("Nothing was deleted: rows outside this workshop still use it (%(kinds)s).")
            % {"kinds": ", ".join(names)}
        ) from error
    return collector


def _parts(counts: dict[type[Model], int]) -> list[Part]:
    """In the order of the apps and their models (the room first, then what rests on it),
    kinds of the same name together; the links to shared rows left out."""
    order = {model: position for position, model in enumerate(apps.get_models())}
    merged: dict[tuple[str, str], int] = {}
    for model in sorted(counts, key=lambda model: order.get(model, len(order))):
        meta = model._meta
        if model is Workshop or meta.auto_created or not counts[model]:
            continue
        key = (str(meta.verbose_name), str(meta.verbose_name_plural))
        merged[key] = merged.get(key, 0) + counts[model]
    return [Part(singular, plural, count) for (singular, plural), count in merged.items()]
