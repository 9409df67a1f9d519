"""Reading a document's rows: each object has only the fields the format defines, each field
its JSON type, and every rule of a value is the model's own (``Field.clean``: lengths,
choices, ranges, colours, dates), run on the unsaved row it will become. What a model
cannot know (a reference to another row of the file, a rule across rows) is the part's.

A refusal raises ``ImportRefused`` with the place in the file: ``transactions[3].offer: …``.
"""

from __future__ import annotations  # Row.list is a method: annotations read it later

from collections.abc import Iterator
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext as _

# No text typed in the app holds one (its forms refuse it), and PostgreSQL refuses to store it.
no_null_characters = ProhibitNullCharactersValidator()


class ImportRefused(Exception):
    """The file cannot be imported; the message says why, for the facilitator."""


def shown(value, limit: int = 40) -> str:
    """A value from the file, short enough to be quoted in a message."""
    text = str(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fail(path: str, message) -> NoReturn:
    raise ImportRefused(_("%(where)s: %(problem)s") % {"where": path, "problem": message})


def checked_list(value, path: str, limit: int | None = None) -> list:
    """A list, refused before any of it is read when it holds more than ``limit``."""
    if not isinstance(value, list):
        fail(path, _("a list is expected"))
    if limit is not None and len(value) > limit:
        fail(path, _("at most %(limit)s entries") % {"limit": limit})
    return value


def rows(value, path: str, fields: tuple, limit: int | None = None) -> Iterator[Row]:
    """The objects of a list, each as a ``Row`` named by its place: ``postits[3]``."""
    for n, item in enumerate(checked_list(value, path, limit)):
        yield Row(item, f"{path}[{n}]", fields)


def _json_type(field: models.Field) -> type:
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.IntegerField):
        return int
    return str  # text, choices, and dates (ISO, as the document writes them)


class Row:
    """One object of the document, its fields read in the format's order. A field the
    format does not define is refused, never passed on to a model (it could name another
    workshop's row)."""

    def __init__(self, value, path: str, fields: tuple):
        if not isinstance(value, dict):
            fail(path, _("an object is expected"))
        for key in value:
            if key not in fields:
                fail(path, _("unknown field “%(field)s”") % {"field": shown(key)})
        self.data, self.path = value, path

    def fail(self, message) -> NoReturn:
        fail(self.path, message)

    def value(self, key: str, kind: type, *, null: bool = False):
        """The field, present and of its JSON type (``null`` allows None)."""
        if key not in self.data:
            self.fail(_("the field “%(field)s” is missing") % {"field": key})
        value = self.data[key]
        if value is None:
            if null:
                return None
            fail(f"{self.path}.{key}", _("a value is expected"))
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            fail(f"{self.path}.{key}", _("a whole number is expected"))
        if not isinstance(value, kind):
            fail(f"{self.path}.{key}", _("a value of another type is expected"))
        return value

    def list(self, key: str, limit: int | None = None) -> list:
        return checked_list(self.value(key, list), f"{self.path}.{key}", limit)

    def texts(self, key: str, limit: int, length: int) -> list[str]:
        """A list of short texts the model keeps as JSON (themes, questions): the limits
        of the page that sets them, as the model does not check them."""
        texts = self.list(key, limit)
        for n, text in enumerate(texts):
            if not isinstance(text, str) or len(text) > length:
                fail(
                    f"{self.path}.{key}[{n}]", _("at most %(limit)s characters") % {"limit": length}
                )
            if "\x00" in text:
                fail(f"{self.path}.{key}[{n}]", no_null_characters.message)
        return texts

    def id(self, seen: dict) -> int:
        """The row's own id in the document, once in its list (``seen``: the ids so far)."""
        value = self.value("id", int)
        if value in seen:
            self.fail(_("the id %(id)s appears twice") % {"id": value})
        return value

    def ref(self, key: str, known: dict, *, null: bool = False):
        """The row of ``known`` (by document id) that this field names."""
        value = self.value(key, int, null=null)
        if value is None:
            return None
        if value not in known:
            fail(f"{self.path}.{key}", _("refers to an unknown id %(id)s") % {"id": value})
        return known[value]

    def ref_once(self, key: str, known: dict, seen: set, message):
        """The row of ``known`` this field names, refused (``message``) when an earlier row
        of the list named it too (``seen``: their ids so far)."""
        target = self.ref(key, known)
        if self.data[key] in seen:
            self.fail(message)
        seen.add(self.data[key])
        return target

    def into(self, instance: models.Model, *keys: str) -> models.Model:
        """Sets the fields ``keys`` of an unsaved row, each checked by its model field as
        ``full_clean`` would (``clean_fields``, one field at a time, in the file's order)."""
        for key in keys:
            field = instance._meta.get_field(key)
            value = self.value(key, _json_type(field), null=field.null)
            if isinstance(value, str) and not field.blank and not value.strip():
                fail(f"{self.path}.{key}", field.error_messages["blank"])
            try:
                if isinstance(value, str):
                    no_null_characters(value)
                value = field.clean(value, instance)
            except ValidationError as error:
                fail(f"{self.path}.{key}", error.messages[0])
            setattr(instance, field.attname, value)
        return instance
