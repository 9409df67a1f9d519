import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from plenary.models import ANSWER_MAX_LENGTH, MAX_DOTS, MAX_QUESTIONS, Plenary


class AnswerForm(forms.Form):
    question = forms.IntegerField(min_value=0, max_value=MAX_QUESTIONS, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Your answer"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "maxlength": ANSWER_MAX_LENGTH}),
    )
    # A new one with each blank form: sent twice (a retry), the answer is written once.
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    @classmethod
    def blank(cls, question: int):
        return cls(initial={"question": question, "client_id": uuid.uuid4()}, prefix=f"q{question}")


class SettingsForm(forms.Form):
    questions = forms.CharField(
        label=_("Plenary questions, one per line"),
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
    )
    dots_per_participant = forms.IntegerField(
        label=_("Dots per participant"), min_value=1, max_value=MAX_DOTS
    )
    dots_per_item = forms.IntegerField(
        label=_("Dots on one item at most"), min_value=1, max_value=MAX_DOTS
    )
    order = forms.ChoiceField(label=_("Presenter order"), choices=Plenary.Order.choices)
    include_empty = forms.BooleanField(
        label=_("Presenter: show the empty baskets too"), required=False
    )

    @classmethod
    def of(cls, plenary: Plenary):
        return cls(
            initial={
                "questions": "\n".join(plenary.questions),
                "dots_per_participant": plenary.dots_per_participant,
                "dots_per_item": plenary.dots_per_item,
                "order": plenary.order,
                "include_empty": plenary.include_empty,
            }
        )
