"""The phone's transaction forms: every choice a big tap target (offers as radios, needs
as checkboxes, the number as five buttons), typing only for a new offer or a note."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from baskets.models import NOTE_MAX_LENGTH, SCORE_MAX, SCORE_MIN, Basket
from workshops.forms import PostItTextField
from workshops.models import POSTIT_MAX_LENGTH, PostIt, SubGroup

SCORES = [(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class PostItChoice(forms.ModelChoiceField):
    def label_from_instance(self, postit):
        return postit.text


class PostItChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, postit):
        return postit.text


def _textarea(limit: int, rows: int = 2, placeholder: str = "") -> forms.Textarea:
    attrs = {"rows": rows, "dir": "auto", "data-counter": limit}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


class TransactionForm(forms.Form):
    """What one side gives the other, seen from ``giver``: its offers, the receiver's needs."""

    offer = PostItChoice(
        label=_("What is given"),
        queryset=PostIt.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        empty_label=None,
    )
    needs = PostItChoices(
        label=_("The needs it answers"),
        queryset=PostIt.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = PostItTextField(
        label=_("Terms or counterpart (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=_textarea(NOTE_MAX_LENGTH, placeholder=_("e.g. provided that…")),
    )

    def __init__(self, *args, basket: Basket, giver: SubGroup, **kwargs):
        kwargs.setdefault("auto_id", f"basket{basket.pk}_%s")  # a form per basket may be open
        super().__init__(*args, **kwargs)
        self.basket, self.giver = basket, giver
        receiver_id = basket.other_side(giver.pk)
        self.fields["offer"].queryset = PostIt.objects.filter(
            subgroup=giver, kind=PostIt.Kind.OFFER
        ).order_by("created_at", "id")
        self.fields["needs"].queryset = PostIt.objects.filter(
            subgroup_id=receiver_id, kind=PostIt.Kind.NEED
        ).order_by("created_at", "id")

    def content(self) -> dict:
        return {
            "offer": self.cleaned_data["offer"],
            "needs": list(self.cleaned_data["needs"]),
            "note": self.cleaned_data["note"],
        }


class TransactionCreateForm(TransactionForm):
    new_offer_text = PostItTextField(
        label=_("Or a new offer"),
        required=False,
        max_length=POSTIT_MAX_LENGTH,
        widget=_textarea(POSTIT_MAX_LENGTH, placeholder=_("e.g. Wood-energy resource to develop")),
    )
    new_offer_theme = forms.ChoiceField(label=_("Theme (optional)"), required=False)
    score = forms.TypedChoiceField(
        label=_("Our number"),
        choices=SCORES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    # A new one with each blank form: see Transaction.client_id.
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    field_order = ["offer", "new_offer_text", "new_offer_theme", "needs", "note", "score"]

    def __init__(self, *args, themes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_offer_theme"].choices = [("", "—"), *((t, t) for t in themes)]

    @classmethod
    def blank(cls, *, basket, giver, themes, initial=None) -> "TransactionCreateForm":
        return cls(
            basket=basket,
            giver=giver,
            themes=themes,
            initial={"client_id": uuid.uuid4(), **(initial or {})},
        )

    def sent_client_id(self) -> uuid.UUID | None:
        try:
            return self.fields["client_id"].clean(self.data.get("client_id"))
        except forms.ValidationError:
            return None

    def clean(self):
        data = super().clean()
        if not data.get("offer") and not (data.get("new_offer_text") or "").strip():
            self.add_error("offer", _("Choose an offer, or write a new one."))
        return data

    def create_fields(self, *, mine_gives: bool) -> dict:
        data = self.cleaned_data
        score = data.get("score")
        return {
            "offer": data["offer"],
            "new_offer_text": "" if data["offer"] else data["new_offer_text"].strip(),
            "new_offer_theme": data["new_offer_theme"],
            "needs": list(data["needs"]),
            "note": data["note"],
            "client_id": data["client_id"],
            "effort" if mine_gives else "value": score,
        }


class TransactionEditForm(TransactionForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].required = True


class ScoreForm(forms.Form):
    score = forms.TypedChoiceField(choices=SCORES, coerce=int)


class DeleteForm(forms.Form):
    version = forms.IntegerField(min_value=1)


class GridFilterForm(forms.Form):
    """The grid, one territory and one theme at a time if asked (GET)."""

    territory = forms.TypedChoiceField(
        label=_("Territory"), required=False, coerce=int, empty_value=None
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)

    def __init__(self, *args, territories, themes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        everyone = ("", _("All"))
        self.fields["territory"].choices = [
            everyone,
            *((t.pk, t.label) for t in territories),
        ]
        self.fields["theme"].choices = [everyone, *((t, t) for t in themes)]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            "territory_id": self.cleaned_data["territory"],
            "theme": self.cleaned_data["theme"],
        }
