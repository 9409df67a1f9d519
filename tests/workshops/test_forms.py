"""Forms as a browser sends them back: what a page renders, saved unchanged, changes nothing."""

import datetime
import inspect
from html.parser import HTMLParser

import pytest
from django import forms

import territories.forms
import workshops.forms
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "en"]
# What <input type="date|time|datetime-local"> read and show, whatever the language.
ISO_FORMATS = {
    forms.DateInput: "%Y-%m-%d",
    forms.TimeInput: "%H:%M",
    forms.DateTimeInput: "%Y-%m-%dT%H:%M",
}


class FormReader(HTMLParser):
    """The fields of each <form> as a browser would submit them, untouched."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.forms.append({})
        elif tag == "input" and name and self.forms:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button"} or (
                kind in {"checkbox", "radio"} and "checked" not in attrs
            ):
                return
            self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea:
            values = self.forms[-1][self._textarea]
            values[-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            values = self.forms[-1][self._textarea]
            values[-1] = values[-1].removeprefix("\n")  # as the HTML spec drops it
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            self._add(self._select, chosen[0] if chosen else self._options[0][0])
            self._select = None

    def _add(self, name, value):
        self.forms[-1].setdefault(name, []).append(value)


def form_with(html: str, field: str) -> dict[str, list[str]]:
    reader = FormReader()
    reader.feed(html)
    return next(form for form in reader.forms if field in form)


def saved(workshop: Workshop) -> dict:
    workshop = Workshop.objects.get(pk=workshop.pk)
    return {
        "fields": {
            name: getattr(workshop, name)
            for name in ("title", "event", "date", "place", "themes", "grace_seconds")
        },
        "territories": set(workshop.territories.values_list("pk", flat=True)),
        "tables": list(workshop.tables.values_list("number", flat=True)),
    }


@pytest.fixture
def dated_workshop(workshop):
    workshop.date = datetime.date(2026, 12, 3)
    workshop.event = "Rencontres TEPOS"
    workshop.place = "Le Mené"
    workshop.save(update_fields=["date", "event", "place"])
    return workshop


@pytest.mark.parametrize("language", LANGUAGES)
def test_saving_the_set_up_as_rendered_changes_nothing(
    user_client, owner, dated_workshop, language
):
    """In French the date was rendered 03/12/2026, which <input type="date"> shows empty:
    saving the page erased it."""
    laptop = user_client(owner)
    laptop.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    url = f"/w/{dated_workshop.pk}/setup/"
    before = saved(dated_workshop)

    page = laptop.get(url).content.decode()
    data = form_with(page, "title")
    response = laptop.post(url, data)

    assert data["date"] == ["2026-12-03"]
    assert response.status_code == 302
    assert saved(dated_workshop) == before
    assert before["fields"]["date"] == datetime.date(2026, 12, 3)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_new_workshop_keeps_its_date(user_client, owner, territories, language):
    laptop = user_client(owner)
    laptop.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    data = form_with(laptop.get("/w/new/").content.decode(), "title")
    data.update(date=["2026-12-03"], title=[""], territories=[str(territories[0].pk)])

    response = laptop.post("/w/new/", data)

    assert response.status_code in {200, 422}
    assert form_with(response.content.decode(), "title")["date"] == ["2026-12-03"]
    assert not Workshop.objects.exists()


def project_forms():
    for module in (workshops.forms, territories.forms):
        for _name, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module.__name__:
                yield form_class


def test_every_date_and_time_input_of_the_project_renders_iso_values():
    """The guard for forms to come: a localised format in one of these breaks them in French."""
    checked = 0
    for form_class in project_forms():
        for name, field in form_class.base_fields.items():
            for widget_class, iso in ISO_FORMATS.items():
                if isinstance(field.widget, widget_class):
                    assert field.widget.format == iso, f"{form_class.__name__}.{name}"
                    checked += 1
    assert checked >= 1
