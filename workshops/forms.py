import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from territories.models import Territory
from workshops.models import (
    DEFAULT_BALANCE_TOLERANCE,
    FIRST_NAME_MAX_LENGTH,
    MAX_BALANCE_TOLERANCE,
    MAX_GRACE_SECONDS,
    POSTIT_MAX_LENGTH,
    Phase,
    PostIt,
    Workshop,
    default_themes,
)
from workshops.phases import MAX_REMAINING_MINUTES, ClockCommand, remaining_minutes_error
from workshops.services import MAX_TABLES, check_territory_count


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    event = forms.CharField(label=_("Event"), max_length=200, required=False)
    date = forms.DateField(
        label=_("Date"),
        required=False,
        # <input type="date"> reads and shows ISO dates only, in every language: the
        # French format would show an empty field, and saving it would erase the date.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    territories = forms.ModelMultipleChoiceField(
        label=_("Territories taking part"),
        queryset=Territory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One sub-group per territory will sit at each table."),
    )
    table_count = forms.IntegerField(
        label=_("Number of tables"), min_value=1, max_value=MAX_TABLES, initial=3
    )
    themes = forms.CharField(
        label=_("Themes offered for post-its"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One per line."),
    )
    grace_seconds = forms.IntegerField(
        label=_("Grace period after time is up (seconds)"),
        min_value=0,
        max_value=MAX_GRACE_SECONDS,
        initial=60,
        help_text=_("Phones may still send for this long once a phase's time is up. 0: none."),
    )
    balance_tolerance = forms.IntegerField(
        label=_("Balance tolerance of the baskets"),
        min_value=0,
        max_value=MAX_BALANCE_TOLERANCE,
        initial=DEFAULT_BALANCE_TOLERANCE,
        required=False,
        help_text=_(
            "Each territory's gain is the value it receives minus the effort it gives; a "
            "basket shows as balanced while the two gains differ by no more than this. "
            "0: only equal gains balance."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "themes" not in self.initial:
            self.initial["themes"] = "\n".join(default_themes())

    def clean_territories(self):
        territories = self.cleaned_data["territories"]
        check_territory_count(len(territories))  # beside the field, not at the form's top
        return list(territories)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("balance_tolerance") is None:  # left empty: keep what is saved
            cleaned.pop("balance_tolerance", None)
        return cleaned

    def clean_themes(self):
        return self.cleaned_data["themes"].splitlines()

    @classmethod
    def initial_for(cls, workshop: Workshop) -> dict:
        return {
            "title": workshop.title,
            "event": workshop.event,
            "date": workshop.date,
            "place": workshop.place,
            "territories": list(workshop.territories.all()),
            "table_count": workshop.tables.count(),
            "themes": "\n".join(workshop.themes),
            "grace_seconds": workshop.grace_seconds,
            "balance_tolerance": workshop.balance_tolerance,
        }


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name", "kind", "duration_minutes", "instructions"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 4})}


class ClockCommandForm(forms.Form):
    """One press on a console button."""

    command = forms.ChoiceField(
        choices=[(c.value, c.value) for c in ClockCommand],
        error_messages={"required": _("Unknown command."), "invalid_choice": _("Unknown command.")},
    )
    minutes = forms.IntegerField(
        required=False, error_messages={"invalid": _("Give a whole number of minutes.")}
    )
    phase = forms.ModelChoiceField(
        queryset=Phase.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a phase of this workshop.")},
    )
    # The phase the console showed when "next" or "previous" was pressed.
    seen_phase = forms.IntegerField(required=False)

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = workshop.phases.all()

    def clean(self):
        data = super().clean()
        if data.get("command") == ClockCommand.SET_REMAINING:
            # One message for every wrong value (empty, "abc", 2.5, 200): the field's own
            # "whole number" message would not say which numbers are allowed.
            minutes = data.get("minutes")
            if (
                "minutes" in self.errors
                or minutes is None
                or not 0 <= minutes <= MAX_REMAINING_MINUTES
            ):
                self.errors.pop("minutes", None)
                self.add_error("minutes", remaining_minutes_error())
        return data

    def error_message(self) -> str:
        return " ".join(message for errors in self.errors.values() for message in errors)

    def command_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "command": ClockCommand(data["command"]),
            "minutes": data["minutes"],
            "phase": data["phase"],
            "seen_phase_id": data["seen_phase"],
        }


class FacilitatorForm(forms.Form):
    username = forms.CharField(label=_("Username of a co-facilitator"), max_length=150)


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Workshop code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class JoinForm(forms.Form):
    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=FIRST_NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    table = forms.ModelChoiceField(
        label=_("Your table"), queryset=None, widget=forms.RadioSelect, empty_label=None
    )
    territory = forms.ModelChoiceField(
        label=_("The territory you play"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.fields["table"].queryset = workshop.tables.order_by("number")
        self.fields["table"].label_from_instance = lambda table: str(table.number)
        self.fields["territory"].queryset = workshop.territories.order_by("name")
        for name in ("table", "territory"):  # nothing to choose: chosen already
            choices = self.fields[name].queryset
            if len(choices) == 1:
                self.fields[name].initial = choices[0].pk

    def clean_first_name(self):
        first_name = self.cleaned_data["first_name"].strip()
        if not first_name:
            raise forms.ValidationError(_("Tell the others who you are."))
        return first_name

    def subgroup(self):
        return self.cleaned_data["table"].subgroups.get(territory=self.cleaned_data["territory"])


class PostItTextField(forms.CharField):
    """Counts a line break once, as the phone's counter does (browsers send it as CRLF)."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")

    def widget_attrs(self, widget):
        # No maxlength: it would cut a long paste silently. The counter says how much
        # is over, and the form refuses it with the text kept.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class PostItForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PostIt.Kind.choices, widget=forms.RadioSelect)
    text = PostItTextField(
        label=_("Text"),
        max_length=POSTIT_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "dir": "auto",  # an Arabic or Hebrew post-it reads right to left
                "data-counter": POSTIT_MAX_LENGTH,
                "placeholder": _("e.g. Wood-energy resource to develop"),
            }
        ),
        error_messages={
            "max_length": _("At most %(limit_value)d characters (you wrote %(show_value)d)."),
        },
    )
    theme = forms.ChoiceField(label=_("Theme (optional)"), required=False)
    # A new one with each blank compose form (PostItForm.blank): see PostIt.client_id.
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    @classmethod
    def blank(cls, *, themes: list[str], kind: str) -> "PostItForm":
        return cls(themes=themes, initial={"kind": kind, "client_id": uuid.uuid4()})

    def __init__(self, *args, themes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "—"), *((theme, theme) for theme in themes)]

    def sent_client_id(self) -> uuid.UUID | None:
        """The form's id as sent, whatever else is wrong with the form."""
        try:
            return self.fields["client_id"].clean(self.data.get("client_id"))
        except forms.ValidationError:
            return None

    def postit_fields(self) -> dict:
        """What an edit changes: the id belongs to the form that wrote the post-it."""
        return {name: self.cleaned_data[name] for name in ("kind", "text", "theme")}

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write something on the post-it."))
        return text
