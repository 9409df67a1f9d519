from django import forms
from django.utils.translation import gettext_lazy as _

from territories.models import KEY_FACTS_MAX, KeyFact, Territory


class ColorInput(forms.TextInput):
    input_type = "color"


class TerritoryForm(forms.ModelForm):
    class Meta:
        model = Territory
        fields = ["name", "short_name", "kind", "color", "sheet"]
        widgets = {
            "color": ColorInput,
            # No maxlength: a browser cuts a long paste silently; the server says what is too long.
            "sheet": forms.Textarea(attrs={"rows": 14}),
        }


class BaseKeyFactFormSet(forms.BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": _("A territory sheet holds at most %(num)d key facts."),
    }


KeyFactFormSet = forms.inlineformset_factory(
    Territory,
    KeyFact,
    formset=BaseKeyFactFormSet,
    fields=["label", "value", "source"],
    extra=3,
    max_num=KEY_FACTS_MAX,
    validate_max=True,
    can_delete=True,
)
