"""The demo's worked example: table 1's three baskets, as the seed report's table 1 built
them (Le Mené, 24 September 2020, "TEMPS 2" and "TEMPS 3").

``load_demo`` (restitution/management/commands/) calls ``write_demo_baskets`` once the
room has written table 1's post-its (``workshops/demo.py``); it writes through the
services, as a facilitator (``by=None``). The three verdicts of the report, told by the gauges:

- Pays de Brest ↔ Brest Métropole is balanced *on condition* that the health offer is
  carried out in the Pays de Brest: without that transaction it leans to the Métropole,
  and counting transactions says otherwise than their values;
- Brest Métropole ↔ Pays COB "looked too much to the Métropole's advantage" and was
  rebalanced by the port and the investment structure, its last two transactions;
- Pays de Brest ↔ Pays COB is complementary, and balanced.

A post-it is named by its territory's short name and its text, as written on the grid.
"""

from dataclasses import dataclass

from baskets import services
from baskets.models import Basket
from workshops.models import PostIt, Workshop

HEALTH = "Présence de services de santé spécialisés (pôle hospitalier)."
SOLAR_INSTALLERS = "Présence d'une filière solaire dynamique (installateurs RGE)."
HEAT_NETWORK = "Développer le réseau de chaleur (besoin d'approvisionnement)."
RENEWABLES_ENGINEERING = "Développer les EnR : besoin d'ingénierie."


@dataclass(frozen=True)
class DemoTransaction:
    giver: str  # territory short name
    offer: str
    needs: tuple[str, ...]
    note: str
    value: int | None  # for the receiver
    effort: int | None  # for the giver


# (side, side): the transactions in the order the table wrote them.
DEMO_BASKETS: dict[tuple[str, str], list[DemoTransaction]] = {
    ("PdB", "BM"): [
        DemoTransaction(
            "PdB",
            "Production alimentaire bio et de qualité importante.",
            ("80 % de produits bio dans les cantines en 2022 ; circuits courts.",),
            "Marchés publics, rencontres entre les cuisines centrales et les producteurs, "
            "plateforme d'approvisionnement.",
            value=5,
            effort=3,
        ),
        DemoTransaction(
            "PdB",
            "Gisement énergétique à valoriser (bois-énergie, méthanisation).",
            (HEAT_NETWORK,),
            "Le bois du Pays de Brest pour les réseaux de chaleur de la Métropole.",
            value=5,
            effort=2,
        ),
        DemoTransaction(
            "BM",
            "Extension du cadastre solaire à l'ensemble du Pays de Brest.",
            (RENEWABLES_ENGINEERING,),
            "Avec la mise à disposition de moyens d'ingénierie par la Métropole.",
            value=4,
            effort=1,
        ),
        DemoTransaction(
            "BM",
            "Accompagnement à la mise en place de lieux de co-working.",
            ("Réduire la part de la voiture individuelle dans les déplacements.",),
            "Moins de déplacements ; à concrétiser dans un plan de mobilité commun.",
            value=3,
            effort=2,
        ),
        DemoTransaction(
            "BM",
            HEALTH,
            (),
            "À condition que le service de santé soit mis en œuvre sur le territoire du "
            "Pays de Brest (modalités à définir).",
            value=4,
            effort=None,  # "modalités à définir": the Métropole has not said yet
        ),
    ],
    ("BM", "COB"): [
        DemoTransaction(
            "BM",
            HEALTH,
            ("Renforcer l'accès aux soins dans le territoire.",),
            "Promotion du Pays COB auprès des médecins en formation au CHU.",
            value=5,
            effort=1,
        ),
        DemoTransaction(
            "COB",
            "Filière forestière structurée pour répondre à la demande.",
            (HEAT_NETWORK,),
            "Approvisionnement en bois-énergie des réseaux de chaleur.",
            value=4,
            effort=2,
        ),
        DemoTransaction(
            "COB",
            SOLAR_INSTALLERS,
            ("Besoin d'une filière solaire locale (installateurs).",),
            "Des artisans formés RGE pour les chantiers de la Métropole.",
            value=4,
            effort=2,
        ),
        DemoTransaction(
            "COB",
            "Potentiel foncier pour le développement des EnR.",
            ("Augmenter la production d'électricité renouvelable.",),
            "Des projets d'électricité renouvelable dans le COB.",
            value=4,
            effort=3,
        ),
        # Up to here the basket leaned to the Métropole: the table added these two.
        DemoTransaction(
            "BM",
            "Port de Brest : hub import / export.",
            ("Renforcer l'export de la production agro-alimentaire à l'international.",),
            "Ajouté pour rééquilibrer : l'accès au port pour vendre à l'international, et "
            "une réflexion commune pour relocaliser les productions agricoles.",
            value=4,
            effort=1,
        ),
        DemoTransaction(
            "BM",
            "Participer à une structure d'investissement pour des projets EnR voisins.",
            ("Besoin d'ingénierie et de financement pour le développement des EnR.",),
            "Ajouté pour rééquilibrer, en contrepartie du bois-énergie et des projets "
            "d'électricité renouvelable dans le COB.",
            value=5,
            effort=3,
        ),
    ],
    ("PdB", "COB"): [
        DemoTransaction(
            "COB",
            SOLAR_INSTALLERS,  # promised in two baskets: the table is warned
            (RENEWABLES_ENGINEERING,),
            "Les équilibres entre nos deux territoires se font sur la filière solaire.",
            value=4,
            effort=2,
        ),
        DemoTransaction(
            "COB",
            "Foncier disponible : la pression foncière est faible.",
            ("Préserver le foncier agricole du Pays.",),
            "À condition de renforcer l'offre de transport, cela pourrait soulager le Pays "
            "de Brest.",
            value=3,
            effort=1,
        ),
        DemoTransaction(
            "PdB",
            "Offre touristique et culturelle labellisée et reconnue.",
            ("Soutien financier pour développer des événements culturels.",),
            "Une offre de loisirs et culturelle commune, à monter ensemble.",
            value=4,
            effort=2,
        ),
        DemoTransaction(
            "PdB",
            "Offre de mobilité alternative structurée (covoiturage, train).",
            ("Développer et faire connaître l'offre de mobilité alternative.",),
            "À faire connaître en commun aux trois territoires : un problème commun, "
            "compliqué à résoudre.",
            value=3,
            effort=2,
        ),
    ],
}


def write_demo_baskets(workshop: Workshop) -> None:
    """Table 1's baskets, once: a table whose baskets hold something is left as it is."""
    table = workshop.tables.get(number=1)
    services.ensure_baskets(workshop)
    baskets = list(
        Basket.objects.filter(table=table).select_related("side_a__territory", "side_b__territory")
    )
    if any(basket.transactions.exists() for basket in baskets):
        return
    postits = {
        (p.subgroup.territory.short_name, p.kind, p.text): p
        for p in PostIt.objects.filter(subgroup__table=table).select_related("subgroup__territory")
    }
    by_pair = {
        frozenset({b.side_a.territory.short_name, b.side_b.territory.short_name}): b
        for b in baskets
    }
    for pair, transactions in DEMO_BASKETS.items():
        basket = by_pair[frozenset(pair)]
        for item in transactions:
            giver = (
                basket.side_a
                if basket.side_a.territory.short_name == item.giver
                else (basket.side_b)
            )
            receiver = basket.side_b if giver == basket.side_a else basket.side_a
            receiver_name = receiver.territory.short_name
            services.transaction_create(
                basket=basket,
                by=None,
                giver=giver,
                offer=postits[(item.giver, PostIt.Kind.OFFER, item.offer)],
                needs=[postits[(receiver_name, PostIt.Kind.NEED, text)] for text in item.needs],
                note=item.note,
                value=item.value,
                effort=item.effort,
            )
