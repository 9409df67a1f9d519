"""The valued balance, as arithmetic: no database (baskets/balance.py)."""

import pytest
from django.utils import translation

from baskets.balance import (
    MIN_LEAN_EXTENT,
    UNRATED_SCORE,
    Gauge,
    Move,
    basket_balance,
    counts_mislead,
    gauge_label,
    table_warnings,
)


def a_gives(value=None, effort=None, needs=(), offer=None) -> Move:
    return Move(giver="a", value=value, effort=effort, needs=frozenset(needs), offer=offer)


def b_gives(value=None, effort=None, needs=(), offer=None) -> Move:
    return Move(giver="b", value=value, effort=effort, needs=frozenset(needs), offer=offer)


# One basket --------------------------------------------------------------------------


def test_each_side_receives_the_values_and_gives_the_efforts_of_its_transactions():
    balance = basket_balance([a_gives(value=5, effort=2), b_gives(value=3, effort=4)])

    assert (balance.a.value_received, balance.a.effort_given) == (3, 2)
    assert (balance.b.value_received, balance.b.effort_given) == (5, 4)
    assert (balance.a.gain, balance.b.gain) == (1, 1)
    assert balance.difference == 0
    assert balance.gauge == Gauge.BALANCED


def test_it_counts_transactions_each_way():
    balance = basket_balance([a_gives(5, 1), a_gives(4, 1), b_gives(2, 2)])

    assert (balance.a.given, balance.a.received) == (2, 1)
    assert (balance.b.given, balance.b.received) == (1, 2)
    assert balance.transactions == 3


def test_an_empty_basket_has_an_empty_gauge_and_nothing_to_warn_of():
    balance = basket_balance([], needs_a=[1], needs_b=[2, 3])

    assert balance.gauge == Gauge.EMPTY
    assert balance.transactions == 0
    assert not balance.one_way
    assert balance.lean == 0
    assert (balance.a.needs_share, balance.b.needs_share) == (0, 0)
    assert not counts_mislead(balance)


def test_a_side_without_needs_has_no_share_rather_than_zero_percent():
    balance = basket_balance([a_gives(3, 3)])

    assert balance.a.needs_share is None
    assert balance.b.needs_share is None


@pytest.mark.parametrize(
    "difference, tolerance, gauge",
    [
        (0, 0, Gauge.BALANCED),
        (1, 0, Gauge.LEANS_A),
        (2, 2, Gauge.BALANCED),
        (3, 2, Gauge.LEANS_A),
        (-2, 2, Gauge.BALANCED),
        (-3, 2, Gauge.LEANS_B),
    ],
)
def test_the_gauge_leans_only_past_the_tolerance(difference, tolerance, gauge):
    # B gives a value of 1 + difference at effort 1; A gives a value of 1 at effort 1.
    moves = [a_gives(value=1, effort=1), b_gives(value=1 + difference, effort=1)]
    if difference < 0:
        moves = [a_gives(value=1 - difference, effort=1), b_gives(value=1, effort=1)]

    balance = basket_balance(moves, tolerance=tolerance)

    assert balance.difference == difference
    assert balance.gauge == gauge


def test_the_needle_stays_between_minus_and_plus_one_hundred():
    all_to_a = basket_balance([b_gives(value=5, effort=1)])
    all_to_b = basket_balance([a_gives(value=5, effort=1)])

    assert all_to_a.lean == 100
    assert all_to_b.lean == -100
    assert basket_balance([a_gives(3, 3), b_gives(3, 3)]).lean == 0


@pytest.mark.parametrize(
    "moves, gauge, toward",
    [
        ([b_gives(value=5, effort=1)], Gauge.LEANS_A, "a"),
        ([a_gives(value=5, effort=1)], Gauge.LEANS_B, "b"),
        ([a_gives(5, 1), b_gives(5, 1), a_gives(4, 1)], Gauge.LEANS_B, "b"),
        ([a_gives(3, 3), b_gives(3, 3)], Gauge.BALANCED, ""),
        ([a_gives(4, 3), b_gives(3, 3)], Gauge.BALANCED, ""),  # leans by 1, within 2
        ([], Gauge.EMPTY, ""),
    ],
)
def test_the_gauge_draws_its_bar_toward_the_side_its_verdict_names(moves, gauge, toward):
    # On a bar from A's end (-100, left) to B's (100, right), the centre at 0.
    balance = basket_balance(moves)
    needle = balance.needle

    assert balance.gauge == gauge
    assert needle.toward == toward
    if toward == "a":
        assert needle.extent > 0 and needle.start == -needle.extent  # left of the centre
    elif toward == "b":
        assert needle.extent > 0 and needle.start == 0  # right of the centre
    else:
        assert needle.extent == 0  # balanced or empty: no lean drawn


def test_a_small_lean_past_the_tolerance_still_draws_a_bar_that_is_seen():
    # Gains 21 and 18: past a tolerance of 2, but a lean of 8 % of the gains.
    balance = basket_balance([a_gives(value=20, effort=1), b_gives(value=22, effort=2)])

    assert balance.gauge == Gauge.LEANS_A
    assert 0 < abs(balance.lean) < MIN_LEAN_EXTENT
    assert balance.needle.extent == MIN_LEAN_EXTENT


def test_a_gain_is_shown_with_its_sign():
    balance = basket_balance([a_gives(value=5, effort=2)])

    assert (balance.a.gain_shown, balance.b.gain_shown) == ("\u22122", "+5")
    assert basket_balance([a_gives(3, 3), b_gives(3, 3)]).a.gain_shown == "0"


def test_a_one_way_basket_says_so_and_leans_to_the_receiver():
    balance = basket_balance([a_gives(value=4, effort=2), a_gives(value=3, effort=1)])

    assert balance.one_way
    assert balance.gauge == Gauge.LEANS_B
    assert (balance.a.gain, balance.b.gain) == (-3, 7)


def test_unrated_numbers_count_as_the_middle_and_are_counted():
    balance = basket_balance([a_gives(value=None, effort=None), b_gives(value=5, effort=None)])

    assert balance.unrated == 3
    assert balance.b.value_received == UNRATED_SCORE
    assert balance.a.effort_given == UNRATED_SCORE
    assert balance.a.value_received == 5
    assert balance.b.effort_given == UNRATED_SCORE
    assert UNRATED_SCORE == 3


def test_needs_coverage_counts_each_answered_need_once():
    balance = basket_balance(
        [b_gives(3, 3, needs={10}), b_gives(3, 3, needs={10, 11}), a_gives(3, 3, needs={20})],
        needs_a=[10, 11, 12, 13],
        needs_b=[20, 21],
    )

    assert (balance.a.needs_answered, balance.a.needs_total) == (2, 4)
    assert balance.a.needs_share == 50
    assert (balance.b.needs_answered, balance.b.needs_total) == (1, 2)
    assert balance.b.needs_share == 50


def test_a_need_of_the_giver_or_of_another_table_does_not_count_as_answered():
    balance = basket_balance([a_gives(3, 3, needs={10, 99})], needs_a=[10], needs_b=[20])

    assert balance.b.needs_answered == 0
    assert balance.a.needs_answered == 0


def test_counts_mislead_when_the_count_and_the_values_disagree():
    # A receives two small things, B one big one: by count it leans to A, by value to B.
    balance = basket_balance([b_gives(1, 1), b_gives(1, 1), a_gives(5, 1)], tolerance=0)

    assert balance.gauge == Gauge.LEANS_B
    assert counts_mislead(balance)


def test_counts_do_not_mislead_when_they_agree():
    assert not counts_mislead(basket_balance([a_gives(3, 3), b_gives(3, 3)]))
    assert not counts_mislead(basket_balance([b_gives(5, 1)], tolerance=0))


# A table's warnings ------------------------------------------------------------------


def test_a_need_nobody_answers_is_listed_in_the_table_s_order():
    warnings = table_warnings({1: [a_gives(needs={11})], 2: []}, needs=[10, 11, 12])

    assert warnings.unanswered_needs == [10, 12]
    assert warnings


def test_a_need_answered_twice_is_answered():
    warnings = table_warnings({1: [a_gives(needs={10})], 2: [b_gives(needs={10})]}, needs=[10])

    assert warnings.unanswered_needs == []
    assert not warnings


def test_an_offer_promised_in_two_baskets_names_both_once():
    warnings = table_warnings(
        {
            1: [a_gives(offer=7, needs={10}), a_gives(offer=7)],
            2: [b_gives(offer=7)],
            3: [a_gives(offer=8)],
        },
        needs=[10],
    )

    assert warnings.shared_offers == {7: [1, 2]}


def test_an_offer_given_twice_in_one_basket_is_not_shared():
    warnings = table_warnings({1: [a_gives(offer=7), b_gives(offer=7)]}, needs=[])

    assert warnings.shared_offers == {}


def test_one_way_baskets_are_passed_through():
    warnings = table_warnings({1: [], 2: []}, needs=[], one_way=[2])

    assert warnings.one_way_baskets == [2]
    assert warnings


@pytest.mark.parametrize(
    "moves,said",
    [
        ([], "Empty"),
        ([a_gives(value=3, effort=3), b_gives(value=3, effort=3)], "Balanced"),
        ([b_gives(value=5, effort=1)], "Leans to BM"),  # A receives: A gains more
        ([a_gives(value=5, effort=1)], "Leans to PdB"),
    ],
    ids=["empty", "balanced", "leans to A", "leans to B"],
)
def test_the_gauge_in_words_names_the_territory_it_leans_to(moves, said):
    with translation.override("en"):
        assert gauge_label(basket_balance(moves).gauge, "BM", "PdB") == said
