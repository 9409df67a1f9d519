"""The console's baskets: per table, each basket's transactions and gauge, a pair still
without a transaction flagged ten minutes into the negotiation; live in the overview the
console fetches again on every nudge; a bounded number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from baskets.screen_selectors import console_baskets
from tests.baskets.screen_helpers import give
from tests.conftest import T0, at, basket_of, command, fr, goto, reloaded
from workshops import phases, services
from workshops.models import Phase, Workshop
from workshops.panels import render_panels

pytestmark = pytest.mark.django_db


def idle_pairs(workshop, now) -> dict[int, list[str]]:
    tables, _minutes = console_baskets(reloaded(workshop), now)
    return {
        row.entry.table.number: [
            f"{item.view.basket.side_a.territory.short_name}-"
            f"{item.view.basket.side_b.territory.short_name}"
            for item in row.baskets
            if item.idle
        ]
        for row in tables
    }


def test_it_flags_a_pair_without_a_transaction_ten_minutes_into_the_negotiation(workshop):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, T0)
    give(basket_of(workshop, 1, "BM", "PdB"), "BM")

    assert idle_pairs(workshop, at(9, 59)) == {1: [], 2: [], 3: []}
    flagged = idle_pairs(workshop, at(10))
    assert flagged[1] == ["BM-COB", "COB-PdB"]  # BM ↔ PdB has its transaction
    assert flagged[2] == flagged[3] == ["BM-COB", "BM-PdB", "COB-PdB"]
    assert console_baskets(reloaded(workshop), at(12, 30))[1] == 12


def test_it_flags_nothing_outside_the_negotiation_phase(workshop):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, T0)
    conditions = workshop.phases.get(kind="conditions")
    workshop = command(workshop, "goto", at(20), phase=conditions)

    assert idle_pairs(workshop, at(40)) == {1: [], 2: [], 3: []}


def test_it_counts_transactions_and_tells_the_gauge(workshop):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, T0)
    basket = basket_of(workshop, 2, "BM", "COB")
    give(basket, "BM", "Bois", value=5, effort=1)
    give(basket, "COB", "Lait", value=1, effort=5)

    tables, _ = console_baskets(reloaded(workshop), at(1))
    item = next(i for row in tables for i in row.baskets if i.view.basket.pk == basket.pk)
    assert item.transactions == 2
    # COB receives 5 and gives 5 (gain 0), BM receives 1 and gives 1 (gain 0).
    assert item.view.balance.gauge == "balanced"


# In the console's overview ----------------------------------------------------------------


def console_tables(laptop, workshop) -> str:
    response = laptop.get(f"/w/{workshop.pk}/console/tables/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_console_overview_shows_the_baskets_once_the_negotiation_is_on(laptop, workshop):
    assert 'id="console-baskets"' not in console_tables(laptop, workshop)  # formulation

    workshop = goto(
        workshop, Phase.Kind.NEGOTIATION, timezone.now() - datetime.timedelta(minutes=11)
    )
    give(basket_of(workshop, 1, "BM", "PdB"), "BM", value=4, effort=2)
    html = console_tables(laptop, workshop)

    assert 'id="console-baskets"' in html
    assert len(re.findall(r'class="console-basket gauge-', html)) == 9
    assert html.count("data-idle") == 8
    assert "11 min" in html
    assert 'data-gauge="leans_b"' in html  # BM gives at an effort of 2, PdB receives 4
    full = laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    assert 'id="console-baskets"' in full


def test_the_console_overview_costs_the_same_queries_whatever_the_baskets_hold(
    laptop, workshop, owner, territories, django_assert_max_num_queries
):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, T0)
    give(basket_of(workshop, 1, "BM", "PdB"), "BM")  # with none, the needs' prefetch is skipped
    before = len_queries(laptop, workshop)
    for number in (1, 2, 3):
        for n in range(6):
            give(basket_of(workshop, number, "BM", "COB"), "BM" if n % 2 else "COB", f"O{n}")
            give(basket_of(workshop, number, "COB", "PdB"), "PdB", f"P{n}", value=2)
    with django_assert_max_num_queries(before):
        console_tables(laptop, workshop)

    large = services.workshop_create(
        created_by=owner, title="Grand atelier", territories=territories, table_count=12
    )
    large = phases.clock_command(large, phases.ClockCommand.START, now=T0)
    large = goto(Workshop.objects.get(pk=large.pk), Phase.Kind.NEGOTIATION, T0)
    for number in range(1, 13):
        give(basket_of(large, number, "BM", "PdB"), "PdB", value=3)
    with django_assert_max_num_queries(before):
        console_tables(laptop, large)


def len_queries(laptop, workshop) -> int:
    with CaptureQueriesContext(connection) as captured:
        console_tables(laptop, workshop)
    return len(captured)


@pytest.mark.parametrize(
    ("phase", "expected"),
    # Baskets, transactions, their needs, the tables' needs; after the negotiation, first
    # whether one came before; in the conditions phase, the checklist and the verdicts
    # too (and their answers, once there are some: test_conditions_views.py).
    [("negotiation", 4), ("conditions", 7)],
)
def test_the_baskets_part_of_the_overview_costs_a_fixed_number_of_queries(
    workshop, phase, expected, django_assert_num_queries
):
    workshop = command(workshop, "goto", T0, phase=workshop.phases.get(kind=phase))
    for number in (1, 2, 3):
        give(basket_of(workshop, number, "BM", "COB"), "BM")
    workshop = reloaded(workshop)
    with django_assert_num_queries(expected):
        render_panels("console", workshop=workshop)


# Set-up --------------------------------------------------------------------------------


def test_the_facilitator_sets_the_balance_tolerance_in_the_set_up(laptop, workshop):
    page = laptop.get(f"/w/{workshop.pk}/setup/").content.decode()
    assert 'name="balance_tolerance"' in page
    assert escape(fr("Balance tolerance of the baskets")) in page

    territories = list(workshop.territories.values_list("pk", flat=True))
    response = laptop.post(
        f"/w/{workshop.pk}/setup/",
        {
            "title": workshop.title,
            "territories": territories,
            "table_count": 3,
            "themes": "Énergie",
            "grace_seconds": 60,
            "balance_tolerance": 4,
        },
    )
    assert response.status_code == 302
    assert reloaded(workshop).balance_tolerance == 4

    response = laptop.post(  # a form without the field keeps what is saved
        f"/w/{workshop.pk}/setup/",
        {"title": "T", "territories": territories, "table_count": 3, "grace_seconds": 60},
    )
    assert response.status_code == 302
    assert reloaded(workshop).balance_tolerance == 4
    bad = laptop.post(
        f"/w/{workshop.pk}/setup/",
        {"title": "T", "territories": territories, "table_count": 3, "balance_tolerance": 99},
    )
    assert bad.status_code == 422
