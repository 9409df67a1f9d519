"""The demo's conditions: table 1's three verdicts as the seed report's table 1 gave them
("TEMPS 3 : Synthèse des discussions"), written as a facilitator (``by=None``) once the
demo baskets are there (``baskets/demo.py``). Items and cards are named by their
position in the defaults; a workshop whose checklist was changed gets what still fits.
"""

from dataclasses import dataclass, field

from baskets.conditions import selectors, services
from baskets.models import Basket, BasketConditions
from workshops.models import Workshop

KNOWLEDGE, VISION, GOVERNANCE, MEANS, PLANNING, FINANCING, LEGAL, OTHER = range(8)


@dataclass(frozen=True)
class DemoConditions:
    verdict: str
    condition: str = ""
    rebalancing: str = ""
    cards: dict[str, int] = field(default_factory=dict)  # family: position
    answers: dict[int, str] = field(default_factory=dict)  # item position: text


DEMO_CONDITIONS = {
    ("BM", "PdB"): DemoConditions(
        "conditional",
        condition="Que le service de santé soit mis en œuvre sur le territoire du Pays "
        "de Brest (le CHU de Brest Métropole, modalités à définir).",
        cards={"purpose": 0, "horizon": 1, "intensity": 2},
        answers={
            MEANS: "Brest Métropole met des moyens d'ingénierie à disposition (EnR, "
            "cadastre solaire).",
            PLANNING: "Un plan de mobilité commun (covoiturage, lieux de co-working).",
            GOVERNANCE: "Rencontres entre gestionnaires de cuisines centrales et producteurs.",
        },
    ),
    ("BM", "COB"): DemoConditions(
        "balanced",
        rebalancing="Au premier abord trop à l'avantage de Brest Métropole : rééquilibré "
        "par l'accès au port et une structure d'investissement pour les projets EnR.",
        cards={"purpose": 5, "carrier": 1, "horizon": 1, "intensity": 1},
        answers={
            FINANCING: "Une structure d'investissement couvrant un territoire élargi jusqu'au COB.",
            GOVERNANCE: "Le contrat de réciprocité ville – campagne.",
        },
    ),
    ("COB", "PdB"): DemoConditions(
        "unbalanced",
        rebalancing="Assez complémentaire sur certains points ; le transport reste un "
        "problème commun, à travailler avec Brest Métropole.",
        cards={"purpose": 0, "horizon": 0, "intensity": 0},
        answers={
            OTHER: "La distance : renforcer l'offre de transport, communiquer en commun "
            "aux trois territoires.",
            MEANS: "Besoin de porteurs de projets et d'ingénierie pour les EnR.",
        },
    ),
}


def write_demo_conditions(workshop: Workshop) -> None:
    """Table 1's conditions, once: baskets that have some are left as they are."""
    baskets = list(
        Basket.objects.filter(table__workshop=workshop, table__number=1).select_related(
            "table__workshop", "side_a__territory", "side_b__territory"
        )
    )
    if BasketConditions.objects.filter(basket__in=baskets).exists():
        return
    items = list(workshop.condition_items.all())
    cards = selectors.card_choices(workshop)
    for basket in baskets:
        pair = tuple(
            sorted((basket.side_a.territory.short_name, basket.side_b.territory.short_name))
        )
        demo = DEMO_CONDITIONS.get(pair)
        if demo is None:
            continue
        services.conditions_save(
            basket=basket,
            by=None,
            version=0,
            verdict=demo.verdict,
            condition=demo.condition,
            rebalancing=demo.rebalancing,
            cards={
                family: cards[family][n]
                for family, n in demo.cards.items()
                if n < len(cards.get(family, []))
            },
            answers={
                items[n].pk: (True, text) for n, text in demo.answers.items() if n < len(items)
            },
        )
