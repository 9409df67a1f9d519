from django.db import transaction

from territories.forms import KeyFactFormSet, TerritoryForm
from territories.models import Territory


@transaction.atomic
def territory_save(*, form: TerritoryForm, key_facts: KeyFactFormSet) -> Territory:
    """Saves a validated territory form and its key facts, numbered in the order shown."""
    territory = form.save()
    key_facts.instance = territory
    key_facts.save(commit=False)  # sorts the rows into new, changed and deleted facts
    for fact in key_facts.deleted_objects:
        fact.delete()
    deleted = set(key_facts.deleted_forms)
    # A row whose id is not one of this territory's facts has no saved instance: skip it,
    # as Django's own formset save does.
    kept = [
        fact_form.instance
        for fact_form in key_facts.initial_forms
        if fact_form not in deleted and not fact_form.instance._state.adding
    ]
    kept += key_facts.new_objects
    for position, fact in enumerate(kept):
        fact.territory = territory
        fact.position = position
        fact.save()
    return territory
