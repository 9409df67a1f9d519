"""The plenary's writes: feedback and its moderation, dot budgets, voting, results,
the presenter's slide."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from plenary import dot_selectors, selectors, services
from plenary.models import Answer, Dot
from plenary.services import Item
from tests.conftest import goto
from tests.plenary.conftest import fresh
from workshops.gate import PhaseClosed
from workshops.models import Phase

pytestmark = pytest.mark.django_db


def answer(participant, text="Oui, deux paniers", question=0, **kwargs):
    return services.answer_create(
        participant=fresh(participant), question=question, text=text, **kwargs
    )


# Feedback --------------------------------------------------------------------------


def test_default_questions_come_from_the_method(plenary):
    assert plenary.questions == [  # in the site's language (French), editable afterwards
        "Avez-vous réussi à construire des paniers ?",
        "Qu'est-ce qui a été difficile ?",
        "Les données fournies étaient-elles suffisantes ?",
    ]


def test_an_answer_is_hidden_until_shown_and_the_wall_never_names_its_author(
    plenary, workshop, alice
):
    written = answer(alice, "Valoriser les post-its")
    assert not written.shown
    assert selectors.wall(workshop)[0].answers == []
    assert "Valoriser" not in selectors.render_wall(workshop)

    assert services.answers_show(workshop=workshop, answer_ids=[written.pk], shown=True) == 1
    html = selectors.render_wall(workshop)
    assert "Valoriser les post-its" in html
    assert "Alice" not in html

    services.answers_show(workshop=workshop, answer_ids=[written.pk], shown=False)
    assert "Valoriser" not in selectors.render_wall(workshop)


def test_show_all_and_hide_all(plenary, workshop, alice, bruno):
    answer(alice, "Un")
    answer(bruno, "Deux", question=1)
    assert services.answers_show(workshop=workshop, answer_ids=None, shown=True) == 2
    assert [len(q.answers) for q in selectors.wall(workshop)] == [1, 1, 0]
    assert services.answers_show(workshop=workshop, answer_ids=None, shown=False) == 2
    assert [len(q.answers) for q in selectors.wall(workshop)] == [0, 0, 0]


def test_an_answer_is_written_once_per_client_id(plenary, alice):
    client_id = uuid.uuid4()
    first = answer(alice, "Oui", client_id=client_id)
    again = answer(alice, "Oui", client_id=client_id)
    assert first.pk == again.pk
    assert Answer.objects.count() == 1


def test_answers_are_refused_outside_the_plenary(plenary, workshop, alice):
    goto(workshop, Phase.Kind.CONDITIONS)
    with pytest.raises(PhaseClosed):
        answer(alice)


@pytest.mark.parametrize(
    ("question", "text"),
    [(7, "Oui"), (0, "   "), (0, "x" * 501)],
    ids=["question", "blank", "long"],
)
def test_answers_are_checked(plenary, alice, question, text):
    with pytest.raises(ValidationError):
        answer(alice, text, question=question)


def test_facilitators_edit_the_questions_and_the_budgets(plenary, workshop):
    services.settings_update(
        workshop=workshop,
        questions=["Qu'avez-vous appris ?", "", "Et après ?"],
        dots_per_participant=5,
        dots_per_item=3,
    )
    plenary.refresh_from_db()
    assert plenary.questions == ["Qu'avez-vous appris ?", "Et après ?"]
    assert (plenary.dots_per_participant, plenary.dots_per_item) == (5, 3)
    with pytest.raises(ValidationError):
        services.settings_update(
            workshop=workshop, questions=[""], dots_per_participant=3, dots_per_item=2
        )


# Dots ------------------------------------------------------------------------------


def place(participant, item):
    return services.dot_place(participant=fresh(participant), item=item)


def take(participant, item):
    return services.dot_take_back(participant=fresh(participant), item=item)


def test_no_dot_while_voting_is_closed(plenary, built, alice):
    basket, _, _ = built
    with pytest.raises(PhaseClosed):
        place(alice, Item("b", basket.pk))


def test_at_most_n_dots_per_participant(voting, built, alice):
    basket, first, second = built
    place(alice, Item("b", basket.pk))
    place(alice, Item("t", first.pk))
    place(alice, Item("t", second.pk))
    with pytest.raises(ValidationError):
        place(alice, Item("t", first.pk))
    assert Dot.objects.filter(participant=alice).count() == 3


def test_at_most_m_dots_on_one_item(voting, built, alice):
    basket, _, _ = built
    place(alice, Item("b", basket.pk))
    place(alice, Item("b", basket.pk))
    with pytest.raises(ValidationError):
        place(alice, Item("b", basket.pk))
    assert dot_selectors.phone_dots(fresh(alice)).left == 1


def test_budgets_are_per_participant(voting, built, alice, bruno):
    basket, first, _ = built
    for who in (alice, bruno):
        place(who, Item("b", basket.pk))
        place(who, Item("b", basket.pk))
        place(who, Item("t", first.pk))
    assert Dot.objects.count() == 6


def test_a_dot_taken_back_can_be_placed_elsewhere_while_voting_is_open(
    voting, built, alice, workshop
):
    basket, first, second = built
    place(alice, Item("b", basket.pk))
    place(alice, Item("t", first.pk))
    place(alice, Item("t", second.pk))
    take(alice, Item("t", first.pk))
    place(alice, Item("b", basket.pk))
    with pytest.raises(ValidationError):
        take(alice, Item("t", first.pk))  # none left there
    services.voting_set(workshop=workshop, open_=False)
    with pytest.raises(PhaseClosed):
        take(alice, Item("b", basket.pk))
    assert Dot.objects.filter(participant=alice).count() == 3


def test_a_dot_sent_again_with_its_client_id_is_the_dot_it_placed(voting, built, alice):
    basket, _, _ = built
    tap = uuid.uuid4()
    placed = services.dot_place(participant=fresh(alice), item=Item("b", basket.pk), client_id=tap)
    again = services.dot_place(participant=fresh(alice), item=Item("b", basket.pk), client_id=tap)
    assert again == placed
    assert Dot.objects.get().client_id == tap
    assert dot_selectors.phone_dots(fresh(alice)).left == 2  # one spent, not two


def test_a_dot_sent_again_after_the_budget_is_spent_is_still_answered_as_placed(
    voting, built, alice, workshop
):
    basket, first, second = built
    tap = uuid.uuid4()
    placed = services.dot_place(participant=fresh(alice), item=Item("b", basket.pk), client_id=tap)
    place(alice, Item("t", first.pk))
    place(alice, Item("t", second.pk))
    services.voting_set(workshop=workshop, open_=False)
    assert (
        services.dot_place(participant=fresh(alice), item=Item("b", basket.pk), client_id=tap)
        == placed
    )
    assert Dot.objects.count() == 3


def test_two_voters_may_send_the_same_client_id(voting, built, alice, bruno):
    basket, _, _ = built
    tap = uuid.uuid4()
    for who in (alice, bruno):
        services.dot_place(participant=fresh(who), item=Item("b", basket.pk), client_id=tap)
    assert Dot.objects.count() == 2


def test_a_dot_on_another_workshop_s_item_is_refused(voting, other_workshop, alice):
    with pytest.raises(ValidationError):
        place(alice, Item("b", 999999))


def test_the_chart_ranks_items_by_dots(voting, built, alice, bruno, workshop):
    basket, first, second = built
    place(alice, Item("t", second.pk))
    place(bruno, Item("t", second.pk))
    place(bruno, Item("b", basket.pk))
    chart = dot_selectors.chart(workshop)
    assert [(bar.kind, bar.pk, bar.dots, bar.percent) for bar in chart.bars] == [
        ("t", second.pk, 2, 100),
        ("b", basket.pk, 1, 50),
    ]
    assert (chart.total, chart.voters) == (3, 2)
    assert chart.bars[0].label == "PdB → Bois-énergie"


def test_chart_items_that_would_read_the_same_are_told_apart(
    voting, built, alice, bruno, workshop, make_postit
):
    """The same offer given twice in one basket, for two needs: each bar names its table
    and pair, and the needs tell the two apart; failing that, a number."""
    from baskets import services as basket_services

    basket, first, _ = built
    goto(workshop, Phase.Kind.NEGOTIATION)
    made = []
    for need_text in ("Cantines", "Cantines", "Logements"):
        offer = make_postit(fresh(alice), text="Veau Label Rouge", kind="offer")
        need = make_postit(fresh(bruno), text=need_text, kind="need")
        made.append(
            basket_services.transaction_create(
                basket=basket, by=fresh(alice), giver=alice.subgroup, offer=offer, needs=[need]
            )
        )
    goto(workshop, Phase.Kind.PLENARY)
    services.voting_set(workshop=workshop, open_=True)
    for transaction in made:
        place(alice, Item("t", transaction.pk))
    bars = {bar.pk: bar for bar in dot_selectors.chart(workshop).bars}
    assert {bars[t.pk].pair for t in made} == {"BM ↔ PdB"}
    assert {bars[t.pk].label for t in made} == {"BM → Veau Label Rouge"}
    assert [bars[t.pk].detail for t in made] == ["Cantines · #1", "Cantines · #2", "Logements"]
    services.results_set(workshop=workshop, shown=True)
    html = dot_selectors.render_chart(workshop)
    assert 'T1 · <span dir="auto">BM ↔ PdB</span>' in html
    assert "Cantines · #2" in html and "…" not in html


def test_results_are_hidden_until_revealed(voting, built, alice, workshop):
    basket, _, _ = built
    place(alice, Item("b", basket.pk))
    hidden = dot_selectors.render_chart(workshop)
    assert "chart-bar " not in hidden and "BM ↔ PdB" not in hidden
    services.results_set(workshop=workshop, shown=True)
    assert "BM ↔ PdB" in dot_selectors.render_chart(workshop)
    services.results_set(workshop=workshop, shown=False)
    assert "BM ↔ PdB" not in dot_selectors.render_chart(workshop)


# Presenter -------------------------------------------------------------------------


def test_the_presenter_steps_through_the_baskets_and_stops_at_both_ends(every_basket, workshop):
    count = len(selectors.slides(workshop, "tables", include_empty=True))
    assert count == 9  # three tables of three baskets
    assert services.presenter_move(workshop=workshop, to="prev").slide == 0
    assert services.presenter_move(workshop=workshop, to="next").slide == 1
    for _ in range(20):
        services.presenter_move(workshop=workshop, to="next")
    assert selectors.plenary_of(workshop).slide == count - 1
    assert services.presenter_move(workshop=workshop, to="first").slide == 0


def test_pair_by_pair_orders_the_same_pair_across_tables(plenary, workshop):
    services.presenter_move(workshop=workshop, to="first", order="pairs")
    slides = selectors.slides(workshop, "pairs", include_empty=True)
    pairs = [
        (s.basket.side_a.territory.short_name, s.basket.side_b.territory.short_name) for s in slides
    ]
    assert pairs[:3] == [pairs[0]] * 3
    assert [s.basket.table.number for s in slides[:3]] == [1, 2, 3]


def test_the_presenter_skips_the_empty_baskets_unless_asked(plenary, built, workshop):
    basket, _, _ = built
    shown = selectors.presenter(workshop)
    assert (shown.count, shown.skipped, shown.slide.basket.pk) == (1, 8, basket.pk)
    services.presenter_move(workshop=workshop, to="", include_empty=True)
    shown = selectors.presenter(workshop)
    assert (shown.count, shown.skipped) == (9, 0)
    assert shown.slide.basket.pk == basket.pk  # the basket on show stays on show
    services.presenter_move(workshop=workshop, to="", include_empty=False)
    assert selectors.presenter(workshop).slide.basket.pk == basket.pk


def test_next_walks_through_the_parts_the_screen_measured_then_the_next_basket(
    every_basket, workshop
):
    first = selectors.presenter(workshop).slide.basket
    services.presenter_parts(workshop=workshop, basket_id=first.pk, parts=3)
    positions = []
    for _ in range(3):
        plenary = services.presenter_move(workshop=workshop, to="next")
        positions.append((plenary.slide, plenary.part))
    assert positions == [(0, 1), (0, 2), (1, 0)]
    assert plenary.parts == 1  # the next basket is not measured yet
    back = services.presenter_move(workshop=workshop, to="prev")
    assert (back.slide, back.part) == (0, services.LAST_PART)  # its last part, whatever it is
    services.presenter_parts(workshop=workshop, basket_id=first.pk, parts=3)
    assert selectors.presenter(workshop).part == 3
    back = services.presenter_move(workshop=workshop, to="prev")
    assert (back.slide, back.part) == (0, 1)


def test_a_parts_count_for_another_basket_than_the_one_on_show_is_ignored(every_basket, workshop):
    other = selectors.slides(workshop, "tables", include_empty=True)[1].basket
    plenary = services.presenter_parts(workshop=workshop, basket_id=other.pk, parts=4)
    assert plenary.parts == 1


def test_every_move_and_parts_count_gives_the_slide_a_newer_version(every_basket, workshop):
    """The screens drop a slide older than the one they show (static/js/paniers.js)."""
    first = selectors.slides(workshop, "tables", include_empty=True)[0].basket
    versions = [selectors.plenary_of(workshop).slide_version]
    versions.append(services.presenter_move(workshop=workshop, to="next").slide_version)
    versions.append(services.presenter_move(workshop=workshop, to="first").slide_version)
    plenary = services.presenter_parts(workshop=workshop, basket_id=first.pk, parts=2)
    versions.append(plenary.slide_version)
    assert versions == sorted(set(versions))  # strictly newer each time
    slide = selectors.render_slide(workshop)
    assert f'data-version="{plenary.slide_version}"' in slide
    # A count the screen had already said changes nothing, and keeps the version.
    again = services.presenter_parts(workshop=workshop, basket_id=first.pk, parts=2)
    assert again.slide_version == plenary.slide_version


def test_go_to_jumps_to_a_table_a_pair_or_a_basket(every_basket, workshop):
    every = selectors.slides(workshop, "tables", include_empty=True)
    table_2 = next(i for i, s in enumerate(every) if s.basket.table.number == 2)
    assert services.presenter_move(workshop=workshop, to="table:2").slide == table_2
    last = every[-1].basket
    assert services.presenter_move(workshop=workshop, to=f"basket:{last.pk}").slide == 8
    services.presenter_move(workshop=workshop, to="first", order="pairs")
    pairs = selectors.slides(workshop, "pairs", include_empty=True)
    pair = selectors.pair_value(last)
    wanted = next(i for i, s in enumerate(pairs) if selectors.pair_value(s.basket) == pair)
    assert services.presenter_move(workshop=workshop, to=pair).slide == wanted
    assert pairs[wanted].basket.table.number == 1  # the pair's first basket, across tables
    with pytest.raises(ValidationError):
        services.presenter_move(workshop=workshop, to="table:9")


def test_go_to_offers_only_what_has_a_slide(plenary, built, workshop):
    basket, _, _ = built
    shown = selectors.presenter(workshop)
    assert [t.value for t in shown.tables] == ["table:1"]
    assert [t.value for t in shown.baskets] == [f"basket:{basket.pk}"]
    assert [t.label for t in shown.pairs] == ["BM ↔ PdB"]
