"""The phone's conditions form (the verdict, the cards as taps, the checklist) and the
facilitator's setup form (the checklist and the cards, one per line)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from baskets.conditions.selectors import CARD_FAMILIES, ConditionsView
from baskets.models import (
    ALLIANCE_LABEL_MAX_LENGTH,
    CONDITION_HINT_MAX_LENGTH,
    CONDITION_ITEM_TITLE_MAX_LENGTH,
    CONDITION_TEXT_MAX_LENGTH,
    BasketConditions,
)
from workshops.forms import PostItTextField


def _textarea(rows: int = 2, placeholder: str = "") -> forms.Textarea:
    attrs = {"rows": rows, "dir": "auto", "data-counter": CONDITION_TEXT_MAX_LENGTH}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


def _text(label, placeholder="") -> PostItTextField:
    return PostItTextField(
        label=label,
        required=False,
        max_length=CONDITION_TEXT_MAX_LENGTH,
        widget=_textarea(placeholder=placeholder),
    )


class ConditionsForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Is the basket balanced?"),
        choices=[("", _("Not said yet")), *BasketConditions.Verdict.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    condition = _text(_("On condition that…"), _("e.g. the health service reaches our territory"))
    rebalancing = _text(
        _("How it was or could be rebalanced"), _("e.g. by adding access to the port")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, conditions: ConditionsView, choices: dict, **kwargs):
        kwargs.setdefault("auto_id", f"conditions{conditions.basket.pk}_%s")
        record = conditions.record
        initial = {
            "verdict": conditions.verdict,
            "condition": record.condition if record else "",
            "rebalancing": conditions.rebalancing,
            "version": conditions.version,
            "client_id": uuid.uuid4(),
        }
        for family, _label, choice in conditions.cards:
            initial[family] = choice.pk if choice else None
        for line in conditions.lines:
            initial[f"item_{line.item.pk}"] = line.checked
            initial[f"item_{line.item.pk}_text"] = line.text
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.conditions, self.choices = conditions, choices
        for family, label in CARD_FAMILIES:
            self.fields[family] = forms.TypedChoiceField(
                label=label,
                choices=[("", "—"), *((c.pk, c.label) for c in choices.get(family, []))],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )
        for line in conditions.lines:
            self.fields[f"item_{line.item.pk}"] = forms.BooleanField(
                label=line.item.title, required=False
            )
            self.fields[f"item_{line.item.pk}_text"] = _text(
                _("What it takes (optional)"), line.item.hint
            )

    def card_fields(self):
        return [self[family] for family, _label in CARD_FAMILIES]

    def item_fields(self):
        return [
            (line.item, self[f"item_{line.item.pk}"], self[f"item_{line.item.pk}_text"])
            for line in self.conditions.lines
        ]

    def sent_client_id(self) -> uuid.UUID | None:
        try:
            return self.fields["client_id"].clean(self.data.get("client_id"))
        except forms.ValidationError:
            return None

    def content(self) -> dict:
        data = self.cleaned_data
        by_pk = {c.pk: c for family in self.choices.values() for c in family}
        return {
            "version": data["version"],
            "verdict": data["verdict"],
            "condition": data["condition"],
            "rebalancing": data["rebalancing"],
            "cards": {family: by_pk.get(data[family]) for family, _label in CARD_FAMILIES},
            "answers": {
                line.item.pk: (
                    data[f"item_{line.item.pk}"],
                    data[f"item_{line.item.pk}_text"],
                )
                for line in self.conditions.lines
            },
            "client_id": data["client_id"],
        }

    def clean(self):
        data = super().clean()
        if (
            data.get("verdict") == BasketConditions.Verdict.CONDITIONAL
            and not (data.get("condition") or "").strip()
        ):
            self.add_error("condition", _("Write the condition on which the basket is balanced."))
        return data


class SetupForm(forms.Form):
    """One line per checklist item ("title | hint"), one line per card of each family."""

    items = forms.CharField(
        label=_("Implementation conditions"),
        help_text=_("One per line: the condition, then | and a hint (optional)."),
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for family, label in CARD_FAMILIES:
            self.fields[family] = forms.CharField(
                label=label,
                help_text=_("One card per line."),
                widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
                required=False,
            )

    @staticmethod
    def initial_for(items, choices: dict) -> dict:
        initial = {
            "items": "\n".join(
                f"{item.title} | {item.hint}" if item.hint else item.title for item in items
            )
        }
        for family, _label in CARD_FAMILIES:
            initial[family] = "\n".join(choice.label for choice in choices.get(family, []))
        return initial

    def clean_items(self):
        parsed = []
        for line in self.cleaned_data["items"].splitlines():
            title, _bar, hint = line.partition("|")
            title, hint = title.strip(), hint.strip()
            if not title:
                continue
            if (
                len(title) > CONDITION_ITEM_TITLE_MAX_LENGTH
                or len(hint) > CONDITION_HINT_MAX_LENGTH
            ):
                raise forms.ValidationError(_("“%(line)s” is too long.") % {"line": title[:40]})
            parsed.append((title, hint))
        return parsed

    def cards(self, family: str) -> list[str]:
        labels = [line.strip() for line in self.cleaned_data[family].splitlines() if line.strip()]
        for label in labels:
            if len(label) > ALLIANCE_LABEL_MAX_LENGTH:
                raise forms.ValidationError(_("“%(line)s” is too long.") % {"line": label[:40]})
        return labels

    def clean(self):
        data = super().clean()
        for family, _label in CARD_FAMILIES:
            if family in data:
                try:
                    data[family] = self.cards(family)
                except forms.ValidationError as error:
                    self.add_error(family, error)
        return data
