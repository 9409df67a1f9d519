import pytest
from django.db.models import Prefetch
from django.template.loader import render_to_string

from territories.models import KeyFact, Territory

pytestmark = pytest.mark.django_db


def with_facts(territory, count: int) -> Territory:
    KeyFact.objects.bulk_create(
        KeyFact(territory=territory, label=f"Fait {n}", value=str(n), source=f"Source {n}")
        for n in range(count)
    )
    return Territory.objects.prefetch_related("key_facts").get(pk=territory.pk)


def test_it_renders_the_presentation_then_the_facts_with_their_source(territories):
    territory = territories[0]
    territory.sheet = "Un *port*"
    territory.save()
    KeyFact.objects.create(territory=territory, label="Population", value="213 000", source="INSEE")
    KeyFact.objects.create(territory=territory, label="Communes", value="8")

    html = render_to_string("territories/_sheet.html", {"territory": territory})

    assert '<div class="sheet-text"><p>Un <em>port</em></p>' in html
    assert '<dl class="key-facts">' in html
    assert html.index("sheet-text") < html.index("Population") < html.index("Communes")
    assert '<small class="key-fact-source">Source: INSEE</small>' in html
    assert html.count("key-fact-source") == 1


def test_it_escapes_the_facts(territories):
    territory = territories[0]
    KeyFact.objects.create(
        territory=territory, label="<b>x</b>", value="<script>y</script>", source="<i>z</i>"
    )

    html = render_to_string("territories/_sheet.html", {"territory": territory})

    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;y&lt;/script&gt;" in html


def test_it_links_a_source_given_as_an_address(territories):
    territory = territories[0]
    KeyFact.objects.create(
        territory=territory, label="Emplois", value="1", source="https://insee.fr/x"
    )

    html = render_to_string("territories/_sheet.html", {"territory": territory})

    assert '<a href="https://insee.fr/x" rel="nofollow">https://insee.fr/x</a>' in html


@pytest.mark.parametrize("count", [1, 20])
def test_it_costs_no_query_per_fact_when_facts_are_prefetched(
    territories, count, django_assert_num_queries
):
    territory = with_facts(territories[0], count)

    with django_assert_num_queries(0):
        html = render_to_string("territories/_sheet.html", {"territory": territory})
    assert html.count("<dt>") == count


def test_it_costs_one_query_without_prefetching(territories, django_assert_num_queries):
    with_facts(territories[0], 5)
    territory = Territory.objects.get(pk=territories[0].pk)

    with django_assert_num_queries(1):
        render_to_string("territories/_sheet.html", {"territory": territory})


def test_many_sheets_cost_one_query_in_all(territories, django_assert_num_queries):
    for index, territory in enumerate(territories):
        with_facts(territory, 3 + index)
    facts = Prefetch("key_facts", queryset=KeyFact.objects.all())

    with django_assert_num_queries(2):
        for territory in Territory.objects.prefetch_related(facts):
            render_to_string("territories/_sheet.html", {"territory": territory})


@pytest.mark.parametrize("count", [0, 20])
def test_the_list_costs_the_same_whatever_the_number_of_facts(
    user_client, editor, territories, count, django_assert_num_queries
):
    for territory in territories:
        with_facts(territory, count)
    client = user_client(editor)

    # session, user, the user's permissions, the group permissions, the territories
    with django_assert_num_queries(5):
        response = client.get("/territories/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [0, 20])
def test_the_detail_page_costs_the_same_whatever_the_number_of_facts(
    user_client, editor, territories, count, django_assert_num_queries
):
    with_facts(territories[0], count)
    client = user_client(editor)

    # session, user, the territory, its facts, the user's and the group permissions
    with django_assert_num_queries(6):
        response = client.get(f"/territories/{territories[0].pk}/")
    assert response.status_code == 200
