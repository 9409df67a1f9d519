"""``pk__in=[…]`` with a number no integer column holds matches nothing, on every database.

Django already answers ``pk=99999999999999999999`` with "no such row" (its exact, less-than
and greater-than lookups on integer fields check the column's range), but not ``__in``:
SQLite's driver raises ``OverflowError`` and the request ended in a 500. A phone's
``needs=99999999999999999999`` or a facilitator's ``answer=…`` now finds nothing, and the
form or view says so as for any unknown id. Registered for every integer field (ids
included) and every foreign key by ``WorkshopsConfig.ready``.
"""

from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class ColumnRangeMixin:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            field = self.lhs.output_field
            field = getattr(field, "target_field", field)  # a foreign key: its target's
            if field.get_internal_type() in connection.ops.integer_field_ranges:
                low, high = connection.ops.integer_field_range(field.get_internal_type())
                self.rhs = [value for value in self.rhs if _within(value, low, high)]
        return super().process_rhs(compiler, connection)


def _within(value, low, high) -> bool:
    if not isinstance(value, int):
        return True  # not a number: the lookup's own preparation refuses it
    return (low is None or value >= low) and (high is None or value <= high)


class InColumnRange(ColumnRangeMixin, In):
    pass


class RelatedInColumnRange(ColumnRangeMixin, RelatedIn):
    pass


def register() -> None:
    IntegerField.register_lookup(InColumnRange)
    ForeignObject.register_lookup(RelatedInColumnRange)
