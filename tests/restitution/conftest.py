import pytest

from baskets.models import (
    AnsweredNeed,
    Basket,
    BasketConditions,
    ConditionAnswer,
    Transaction,
)
from plenary.models import Answer, Dot, Plenary
from territories.models import KeyFact

# Participants' writes spend their budget in the gate: each test counts under its own prefix.
from tests.workshops.conftest import _fresh_rate_limits  # noqa: F401


@pytest.fixture
def full_workshop(workshop, alice, bruno, chloe, make_postit):
    """The shared workshop with something of every kind: post-its (one hostile), a
    transaction answering a need, a basket's conditions, feedback and dots."""
    bm = workshop.territories.get(short_name="BM")
    bm.sheet = "## Brest\n*port*"
    bm.save()
    KeyFact.objects.create(territory=bm, label="Population", value="210 000", source="INSEE")
    offer = make_postit(alice, text='=HYPERLINK("http://x")', kind="offer", theme="Énergie")
    make_postit(alice, text='Un "port", en eau; profonde', kind="offer")
    need = make_postit(bruno, text="-moins de voitures", kind="need", theme="Mobilité")
    make_postit(chloe, text="Du bois", kind="offer")
    basket = Basket.objects.get(side_a=alice.subgroup, side_b=bruno.subgroup)
    transaction = Transaction.objects.create(
        basket=basket, giver=alice.subgroup, offer=offer, note="@tous", value=4, effort=2
    )
    AnsweredNeed.objects.create(transaction=transaction, need=need)
    item = workshop.condition_items.first()
    card = workshop.alliance_choices.filter(family="purpose").first()
    conditions = BasketConditions.objects.create(
        basket=basket, verdict="conditional", condition="+ de bus", purpose=card
    )
    ConditionAnswer.objects.create(conditions=conditions, item=item, checked=True, text="Oui")
    Plenary.objects.create(workshop=workshop)
    Answer.objects.create(workshop=workshop, author=alice, question=0, text="Oui, deux", shown=True)
    Dot.objects.create(participant=alice, basket=basket)
    Dot.objects.create(participant=bruno, transaction=transaction)
    Dot.objects.create(participant=chloe, transaction=transaction)
    return workshop
