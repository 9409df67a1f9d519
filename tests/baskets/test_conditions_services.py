"""Conditions' writes: the verdict, the checklist, the cards; the gate, the version, the
client id; the facilitator's checklist and cards; the defaults of a new workshop."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from baskets.conditions import selectors, services
from baskets.models import (
    AllianceChoice,
    Basket,
    BasketConditions,
    ConditionAnswer,
    ConditionItem,
)
from tests.conftest import basket_of, goto
from workshops.gate import PhaseClosed
from workshops.models import Phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def basket(conditioning, alice, bruno):
    return basket_of(conditioning, 1, "BM", "PdB")


def card(workshop, family, n=0):
    return workshop.alliance_choices.filter(family=family)[n]


def view_of(basket):
    return selectors.conditions_by_basket(basket.table.workshop, [basket])[basket.pk]


def test_a_new_workshop_gets_the_default_checklist_and_cards_in_french(workshop):
    titles = list(workshop.condition_items.values_list("title", flat=True))
    assert len(titles) == 8
    assert titles[0] == "Connaissance partagée des interdépendances"
    assert "Gouvernance" in titles
    hints = " ".join(workshop.condition_items.values_list("hint", flat=True))
    for word in ("syndicat mixte", "contrat de réciprocité", "SCoT", "PLUi", "PCAET", "PAT"):
        assert word in hints
    horizons = workshop.alliance_choices.filter(family="horizon").values_list("label", flat=True)
    assert list(horizons) == ["Immédiat", "10 ans", "30 ans"]
    intensities = workshop.alliance_choices.filter(family="intensity")
    assert list(intensities.values_list("label", flat=True)) == ["Faible", "Forte", "Montante"]
    assert workshop.alliance_choices.filter(family="purpose").exists()
    assert workshop.alliance_choices.filter(family="carrier").exists()


def test_a_side_saves_its_verdict_cards_and_conditions(
    basket, alice, django_capture_on_commit_callbacks
):
    workshop = basket.table.workshop
    governance = workshop.condition_items.get(title="Gouvernance")
    financing = workshop.condition_items.get(title="Financement")
    with django_capture_on_commit_callbacks() as callbacks:
        saved = services.conditions_save(
            basket=basket,
            by=alice,
            version=0,
            verdict="conditional",
            condition="  que la santé vienne chez nous ",
            rebalancing="En ajoutant l'accès au port",
            cards={
                "horizon": card(workshop, "horizon", 1),
                "intensity": card(workshop, "intensity", 2),
            },
            answers={governance.pk: (True, "Un contrat de réciprocité"), financing.pk: (False, "")},
        )
    assert len(callbacks) == 1  # one broadcast
    assert saved.version == 1 and saved.author == alice
    view = view_of(basket)
    assert (
        view.verdict == "conditional" and view.record.condition == "que la santé vienne chez nous"
    )
    assert view.filled == 1 and view.total == 8
    assert [line.text for line in view.lines if line.filled] == ["Un contrat de réciprocité"]
    chosen = {family: choice.label for family, _label, choice in view.cards if choice}
    assert chosen == {"horizon": "10 ans", "intensity": "Montante"}
    assert ConditionAnswer.objects.count() == 1  # empty lines are not stored


def test_the_other_side_edits_from_the_current_version(basket, alice, bruno):
    services.conditions_save(basket=basket, by=alice, version=0, verdict="unbalanced")
    saved = services.conditions_save(basket=basket, by=bruno, version=1, verdict="balanced")
    assert saved.version == 2 and BasketConditions.objects.get().verdict == "balanced"


def test_a_stale_save_is_refused_with_what_is_there_now(basket, alice, bruno):
    services.conditions_save(basket=basket, by=alice, version=0, verdict="unbalanced")
    services.conditions_save(basket=basket, by=bruno, version=1, verdict="balanced")
    with pytest.raises(services.StaleConditions) as refused:
        services.conditions_save(basket=basket, by=alice, version=1, verdict="unbalanced")
    assert refused.value.current.verdict == "balanced" and refused.value.current.version == 2


def test_two_first_saves_at_once_the_second_is_stale(basket, alice, bruno):
    services.conditions_save(basket=basket, by=alice, version=0, verdict="unbalanced")
    with pytest.raises(services.StaleConditions):
        services.conditions_save(basket=basket, by=bruno, version=0, verdict="balanced")


def test_the_same_form_sent_again_is_answered_as_saved(basket, alice):
    sent = uuid.uuid4()
    first = services.conditions_save(
        basket=basket, by=alice, version=0, verdict="balanced", client_id=sent
    )
    again = services.conditions_save(
        basket=basket, by=alice, version=0, verdict="balanced", client_id=sent
    )
    assert again.pk == first.pk and BasketConditions.objects.get().version == 1


def test_balanced_on_condition_needs_the_condition_written(basket, alice):
    with pytest.raises(ValidationError):
        services.conditions_save(basket=basket, by=alice, version=0, verdict="conditional")
    assert not BasketConditions.objects.exists()


def test_the_condition_is_dropped_when_the_verdict_is_no_longer_conditional(basket, alice):
    services.conditions_save(
        basket=basket, by=alice, version=0, verdict="conditional", condition="si le port"
    )
    services.conditions_save(basket=basket, by=alice, version=1, verdict="balanced", condition="x")
    assert BasketConditions.objects.get().condition == ""


def test_cards_and_items_must_be_the_workshop_s(basket, alice, other_workshop):
    foreign = other_workshop.alliance_choices.filter(family="horizon").first()
    with pytest.raises(ValidationError):
        services.conditions_save(basket=basket, by=alice, version=0, cards={"horizon": foreign})
    wrong_family = card(basket.table.workshop, "intensity")
    with pytest.raises(ValidationError):
        services.conditions_save(
            basket=basket, by=alice, version=0, cards={"horizon": wrong_family}
        )
    foreign_item = other_workshop.condition_items.first()
    with pytest.raises(ValidationError):
        services.conditions_save(
            basket=basket, by=alice, version=0, answers={foreign_item.pk: (True, "")}
        )
    assert not BasketConditions.objects.exists()


def test_texts_are_limited(basket, alice):
    with pytest.raises(ValidationError):
        services.conditions_save(basket=basket, by=alice, version=0, rebalancing="x" * 281)


def test_the_gate_refuses_participants_outside_the_conditions_phase(workshop, alice, bruno):
    goto(workshop, Phase.Kind.NEGOTIATION)
    basket = basket_of(workshop, 1, "BM", "PdB")
    with pytest.raises(PhaseClosed):
        services.conditions_save(basket=basket, by=alice, version=0, verdict="balanced")
    # A facilitator's correction is the room's: no gate.
    services.conditions_save(basket=basket, by=None, version=0, verdict="balanced")
    assert BasketConditions.objects.get().verdict == "balanced"


def test_the_facilitator_edits_the_checklist_keeping_answers_in_place(basket, alice):
    workshop = basket.table.workshop
    first = workshop.condition_items.first()
    services.conditions_save(
        basket=basket, by=alice, version=0, answers={first.pk: (True, "Un observatoire")}
    )
    services.condition_items_set(
        workshop=workshop, items=[("Connaissance", "Observatoire…"), ("Distance", "")]
    )
    items = list(workshop.condition_items.all())
    assert [(i.title, i.hint) for i in items] == [
        ("Connaissance", "Observatoire…"),
        ("Distance", ""),
    ]
    assert items[0].pk == first.pk
    assert ConditionAnswer.objects.get().item_id == first.pk
    with pytest.raises(ValidationError):
        services.condition_items_set(workshop=workshop, items=[(f"c{n}", "") for n in range(16)])


def test_the_facilitator_edits_a_family_s_cards(basket, alice):
    workshop = basket.table.workshop
    immediate = card(workshop, "horizon", 0)
    services.conditions_save(basket=basket, by=alice, version=0, cards={"horizon": immediate})
    services.alliance_choices_set(
        workshop=workshop, family="horizon", labels=["Tout de suite", "2050"]
    )
    labels = list(
        workshop.alliance_choices.filter(family="horizon").values_list("label", flat=True)
    )
    assert labels == ["Tout de suite", "2050"]
    assert BasketConditions.objects.get().horizon_id == immediate.pk
    services.alliance_choices_set(workshop=workshop, family="horizon", labels=[])
    assert BasketConditions.objects.get().horizon_id is None
    with pytest.raises(ValidationError):
        services.alliance_choices_set(workshop=workshop, family="theme", labels=["x"])


def test_reading_every_basket_s_conditions_costs_three_queries(
    basket, alice, bruno, chloe, django_assert_num_queries
):
    workshop = basket.table.workshop
    services.conditions_save(basket=basket, by=alice, version=0, verdict="balanced")
    baskets = list(Basket.objects.filter(table__workshop=workshop))
    with django_assert_num_queries(3):
        found = selectors.conditions_by_basket(workshop, baskets)
    assert found[basket.pk].verdict == "balanced"
    assert ConditionItem.objects.filter(workshop=workshop).count() == 8
    assert AllianceChoice.objects.filter(workshop=workshop).count() > 10
