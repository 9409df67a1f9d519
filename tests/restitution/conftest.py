"""What only the restitution's tests use: the demo workshop with its feedback and a dot.
``full_workshop`` (something of every kind) is in tests/fixtures/rooms.py, shared with tests/config."""

import pytest

from baskets.models import Transaction
from plenary.models import Answer, Dot, DotBudget, Plenary
from tests.fixtures.rooms import demo_workshop
from workshops import services
from workshops.models import SubGroup


@pytest.fixture
def demo(load_demo):
    """`load_demo`'s workshop (baskets, conditions), with a feedback answer and a dot.
    After the shared workshop's fixtures: it takes their territories."""
    load_demo()
    workshop = demo_workshop()
    subgroup = SubGroup.objects.filter(table__workshop=workshop).first()
    participant = services.participant_join(subgroup=subgroup, first_name="Yann")
    Plenary.objects.get_or_create(workshop=workshop)
    Answer.objects.create(workshop=workshop, author=participant, question=0, text="Oui")
    transaction = Transaction.objects.filter(basket__table__workshop=workshop).first()
    Dot.objects.create(participant=participant, transaction=transaction)
    DotBudget.objects.create(participant=participant)
    return workshop
