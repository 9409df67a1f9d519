"""The room's part of the demo workshop of `make run`, modelled on a real one (Le Mené,
24 September 2020): its territories and their sheets, the workshop with its default
phases, and table 1's post-its. ``load_demo`` (restitution/management/commands/) calls
``write_demo_workshop`` first, then each app's step in turn."""

import datetime

from django.utils import translation

from territories.models import KeyFact, Territory
from workshops import phases, services
from workshops.models import PostIt, Workshop

DEMO_USERNAME = "animateur"
DEMO_TITLE = "Construire des paniers de coopération"

# Orders of magnitude for the role-play, as on the workshop's territory sheets.
KEY_FACTS = {
    "Brest Métropole": [
        ("Communes", "8", ""),
        ("Habitants", "≈ 210 000", "Fiche territoire de l'atelier, 2020"),
        ("Objectif cantines", "80 % de bio", "Programme alimentaire territorial"),
    ],
    "Pays de Brest": [
        ("EPCI", "7", ""),
        ("Habitants", "≈ 400 000", "Fiche territoire de l'atelier, 2020"),
    ],
    "Pays Centre Ouest Bretagne": [
        ("Habitants", "≈ 100 000", "Fiche territoire de l'atelier, 2020"),
        ("Distance de Brest", "≈ 1 h de route", ""),
    ],
}

TERRITORIES = [
    {
        "name": "Brest Métropole",
        "short_name": "BM",
        "kind": Territory.Kind.METROPOLE,
        "color": "#1f5fa8",
        "sheet": (
            "Métropole de 8 communes, environ 210 000 habitants, pôle universitaire, "
            "hospitalier (CHU) et portuaire de la pointe bretonne.\n\n"
            "Atouts : port de Brest, ingénierie (SEM, agence locale de l'énergie, agence "
            "d'urbanisme), plateforme de rénovation de l'habitat Tin'ergie, cadastre solaire, "
            "offre culturelle.\n\n"
            "Enjeux : développer le réseau de chaleur, produire plus d'électricité renouvelable, "
            "80 % de bio dans les cantines (Programme alimentaire territorial), réduire la part "
            "de la voiture dans les trajets domicile-travail."
        ),
    },
    {
        "name": "Pays de Brest",
        "short_name": "PdB",
        "kind": Territory.Kind.PAYS,
        "color": "#2e8b57",
        "sheet": (
            "Pôle métropolitain de 7 EPCI autour de Brest, environ 400 000 habitants, "
            "façade maritime et bocage agricole.\n\n"
            "Atouts : production alimentaire bio et de qualité, gisement de bois-énergie et de "
            "méthanisation, offre touristique labellisée, programme de mobilisation citoyenne.\n\n"
            "Enjeux : préserver le foncier agricole, densifier les centre-bourgs, réduire la "
            "place de la voiture individuelle, limiter la pression touristique estivale."
        ),
    },
    {
        "name": "Pays Centre Ouest Bretagne",
        "short_name": "COB",
        "kind": Territory.Kind.PAYS,
        "color": "#b5651d",
        "sheet": (
            "Territoire rural du centre de la Bretagne, environ 100 000 habitants, à une heure "
            "de Brest.\n\n"
            "Atouts : filière forestière structurée, installateurs solaires RGE, foncier "
            "disponible pour les énergies renouvelables, filière agro-alimentaire, patrimoine "
            "naturel et culturel.\n\n"
            "Enjeux : accès aux soins (désert médical), ingénierie et financement pour les "
            "énergies renouvelables, mobilités alternatives, export agro-alimentaire."
        ),
    },
]

THEMES = [
    "Énergie",
    "Alimentation",
    "Mobilité",
    "Santé et accès aux soins",
    "Habitat et rénovation énergétique",
    "Foncier et urbanisme",
    "Économie et emploi",
    "Tourisme",
    "Culture",
    "Formation et compétences",
    "Eau",
    "Déchets",
    "Numérique",
]
# The themes the post-its below are filed under.
ENERGY, FOOD, MOBILITY, HEALTH, HOUSING, LAND, ECONOMY, TOURISM, CULTURE = THEMES[:9]

# Table 1's grid in the order it was written, each sub-group's offers then its needs:
# (theme, text) by (territory short name, kind). First the grid of phase 1…
_PHASE_1_POSTITS = {
    ("BM", "offer"): [
        (ENERGY, "Extension du cadastre solaire à l'ensemble du Pays de Brest."),
        (HEALTH, "Présence de services de santé spécialisés (pôle hospitalier)."),
        (ECONOMY, "Port de Brest : hub import / export."),
    ],
    ("BM", "need"): [
        (ENERGY, "Développer le réseau de chaleur (besoin d'approvisionnement)."),
        (FOOD, "80 % de produits bio dans les cantines en 2022 ; circuits courts."),
    ],
    ("PdB", "offer"): [
        (FOOD, "Production alimentaire bio et de qualité importante."),
        (ENERGY, "Gisement énergétique à valoriser (bois-énergie, méthanisation)."),
    ],
    ("PdB", "need"): [
        (LAND, "Préserver le foncier agricole du Pays."),
        (MOBILITY, "Réduire la part de la voiture individuelle dans les déplacements."),
    ],
    ("COB", "offer"): [
        (ENERGY, "Filière forestière structurée pour répondre à la demande."),
        (ENERGY, "Présence d'une filière solaire dynamique (installateurs RGE)."),
    ],
    ("COB", "need"): [
        (HEALTH, "Renforcer l'accès aux soins dans le territoire."),
        (ENERGY, "Besoin d'ingénierie et de financement pour le développement des EnR."),
    ],
}
# …then what was written while bargaining (phase 2): what the baskets below give and answer.
_BARGAINING_POSTITS = {
    ("BM", "offer"): [
        (MOBILITY, "Accompagnement à la mise en place de lieux de co-working."),
        (ENERGY, "Participer à une structure d'investissement pour des projets EnR voisins."),
    ],
    ("BM", "need"): [
        (ENERGY, "Besoin d'une filière solaire locale (installateurs)."),
        (ENERGY, "Augmenter la production d'électricité renouvelable."),
    ],
    ("PdB", "offer"): [
        (MOBILITY, "Offre de mobilité alternative structurée (covoiturage, train)."),
        (TOURISM, "Offre touristique et culturelle labellisée et reconnue."),
    ],
    ("PdB", "need"): [
        (ENERGY, "Développer les EnR : besoin d'ingénierie."),
        # The report's "problème commun sur l'offre de transport": nobody answers it yet.
        (MOBILITY, "Étendre le réseau de transport de Brest Métropole au Pays."),
    ],
    ("COB", "offer"): [
        (ENERGY, "Potentiel foncier pour le développement des EnR."),
        (LAND, "Foncier disponible : la pression foncière est faible."),
    ],
    ("COB", "need"): [
        (ECONOMY, "Renforcer l'export de la production agro-alimentaire à l'international."),
        (CULTURE, "Soutien financier pour développer des événements culturels."),
        (MOBILITY, "Développer et faire connaître l'offre de mobilité alternative."),
    ],
}
# One row per post-it: (territory short name, kind, text, theme).
TABLE_1_POSTITS = [
    (short_name, kind, text, theme)
    for grid in (_PHASE_1_POSTITS, _BARGAINING_POSTITS)
    for (short_name, kind), postits in grid.items()
    for theme, text in postits
]


def find_demo_workshop(user) -> Workshop | None:
    """The demo workshop a run before made, opened if it was made before workshops had
    doors; None if there is none yet."""
    existing = Workshop.objects.filter(title=DEMO_TITLE, created_by=user).first()
    if existing is not None and existing.status == Workshop.Status.PREPARING:
        phases.set_status(existing, Workshop.Status.OPEN)
    return existing


def write_demo_workshop(user) -> Workshop:
    """The territories (the library's, updated), the open workshop (phase 1 not started)
    and table 1's post-its, written as a facilitator."""
    territories = [
        Territory.objects.update_or_create(name=data["name"], defaults=data)[0]
        for data in TERRITORIES
    ]
    for territory in territories:
        territory.key_facts.all().delete()
        KeyFact.objects.bulk_create(
            KeyFact(territory=territory, position=position, label=label, value=value, source=src)
            for position, (label, value, src) in enumerate(KEY_FACTS[territory.name])
        )
    with translation.override("fr"):  # the default phases' names and instructions
        workshop = services.workshop_create(
            created_by=user,
            title=DEMO_TITLE,
            event="Rencontres TEPOS — coopérations urbain-rural",
            date=datetime.date(2020, 9, 24),
            place="Le Mené",
            territories=territories,
            table_count=3,
            themes=THEMES,
        )
    phases.set_status(workshop, Workshop.Status.OPEN)  # phones can join; phase 1 not started
    table_1 = workshop.tables.get(number=1)
    subgroups = {s.territory.short_name: s for s in table_1.subgroups.select_related("territory")}
    for short_name, kind, text, theme in TABLE_1_POSTITS:
        services.postit_create(
            subgroup=subgroups[short_name],
            author=None,
            kind=PostIt.Kind(kind),
            text=text,
            theme=theme,
        )
    return workshop
