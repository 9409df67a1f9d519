"""The demo's table 1 comes with the report's three verdicts and some conditions."""

import pytest

from baskets.conditions import demo
from baskets.models import BasketConditions
from tests.fixtures.rooms import demo_workshop

pytestmark = pytest.mark.django_db


def test_the_demo_s_table_1_has_the_report_s_verdicts(load_demo):
    load_demo()
    workshop = demo_workshop()
    verdicts = {
        tuple(
            sorted((c.basket.side_a.territory.short_name, c.basket.side_b.territory.short_name))
        ): c.verdict
        for c in BasketConditions.objects.filter(basket__table__workshop=workshop)
    }
    assert verdicts == {pair: d.verdict for pair, d in demo.DEMO_CONDITIONS.items()}
    conditional = BasketConditions.objects.get(verdict="conditional")
    assert "santé" in conditional.condition and conditional.horizon.label == "10 ans"
    assert conditional.answers.count() == 3

    load_demo()  # a second run changes nothing
    assert BasketConditions.objects.filter(version=1).count() == 3
