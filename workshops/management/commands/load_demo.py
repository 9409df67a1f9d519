"""The demo workshop of `make run`, modelled on a real one (Le Mené, 24 September 2020)."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from territories.models import KeyFact, Territory
from workshops import phases, services, signals
from workshops.links import is_loopback
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

# Table 1's grid: (territory short name, kind, text, theme).
TABLE_1_POSTITS = [
    ("BM", "offer", "Extension du cadastre solaire à l'ensemble du Pays de Brest.", "Énergie"),
    (
        "BM",
        "offer",
        "Présence de services de santé spécialisés (pôle hospitalier).",
        "Santé et accès aux soins",
    ),
    ("BM", "offer", "Port de Brest : hub import / export.", "Économie et emploi"),
    ("BM", "need", "Développer le réseau de chaleur (besoin d'approvisionnement).", "Énergie"),
    (
        "BM",
        "need",
        "80 % de produits bio dans les cantines en 2022 ; circuits courts.",
        "Alimentation",
    ),
    ("PdB", "offer", "Production alimentaire bio et de qualité importante.", "Alimentation"),
    ("PdB", "offer", "Gisement énergétique à valoriser (bois-énergie, méthanisation).", "Énergie"),
    ("PdB", "need", "Préserver le foncier agricole du Pays.", "Foncier et urbanisme"),
    (
        "PdB",
        "need",
        "Réduire la part de la voiture individuelle dans les déplacements.",
        "Mobilité",
    ),
    ("COB", "offer", "Filière forestière structurée pour répondre à la demande.", "Énergie"),
    ("COB", "offer", "Présence d'une filière solaire dynamique (installateurs RGE).", "Énergie"),
    ("COB", "need", "Renforcer l'accès aux soins dans le territoire.", "Santé et accès aux soins"),
    (
        "COB",
        "need",
        "Besoin d'ingénierie et de financement pour le développement des EnR.",
        "Énergie",
    ),
    # Written while bargaining (phase 2): what the baskets below give and answer.
    (
        "BM",
        "offer",
        "Accompagnement à la mise en place de lieux de co-working.",
        "Mobilité",
    ),
    (
        "BM",
        "offer",
        "Participer à une structure d'investissement pour des projets EnR voisins.",
        "Énergie",
    ),
    ("BM", "need", "Besoin d'une filière solaire locale (installateurs).", "Énergie"),
    ("BM", "need", "Augmenter la production d'électricité renouvelable.", "Énergie"),
    ("PdB", "offer", "Offre de mobilité alternative structurée (covoiturage, train).", "Mobilité"),
    ("PdB", "offer", "Offre touristique et culturelle labellisée et reconnue.", "Tourisme"),
    ("PdB", "need", "Développer les EnR : besoin d'ingénierie.", "Énergie"),
    # The report's "problème commun sur l'offre de transport": nobody answers it yet.
    ("PdB", "need", "Étendre le réseau de transport de Brest Métropole au Pays.", "Mobilité"),
    ("COB", "offer", "Potentiel foncier pour le développement des EnR.", "Énergie"),
    (
        "COB",
        "offer",
        "Foncier disponible : la pression foncière est faible.",
        "Foncier et urbanisme",
    ),
    (
        "COB",
        "need",
        "Renforcer l'export de la production agro-alimentaire à l'international.",
        "Économie et emploi",
    ),
    ("COB", "need", "Soutien financier pour développer des événements culturels.", "Culture"),
    (
        "COB",
        "need",
        "Développer et faire connaître l'offre de mobilité alternative.",
        "Mobilité",
    ),
]


class Command(BaseCommand):
    help = "Create (once) the demo workshop and its facilitator, then print how to reach them."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="URL printed for the laptop")

    def handle(self, *args, base_url, **options):
        password = self._facilitator_password()
        workshop = self._demo_workshop()
        laptop = base_url.rstrip("/") or "http://127.0.0.1:8000"
        phones = settings.PUBLIC_URL or laptop
        join = phones + reverse("workshops:join", args=[workshop.code])
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Paniers demo workshop ready",
                    f"  Facilitator login : {laptop}/login/",
                    f"      username      : {DEMO_USERNAME}",
                    f"      password      : {password}",
                    f"  Console           : {laptop}"
                    + reverse("workshops:console", args=[workshop.pk]),
                    f"  Projector view    : {laptop}"
                    + reverse("workshops:projector", args=[workshop.pk]),
                    f"  Participants join : {join}",
                    f"  Join code         : {workshop.code}",
                    "",
                ]
            )
        )
        if is_loopback(phones):
            self.stdout.write(
                "  (phones cannot reach 127.0.0.1: see the README, "
                "HOST=0.0.0.0 PUBLIC_URL=http://<laptop-ip>:8000 make run)\n"
            )

    def _facilitator_password(self) -> str:
        """Generated once and kept in var/ (git-ignored), so every `make run` prints it.

        A stored password that does not open this database's account (var/ kept from
        another database) is replaced: the one printed always works.
        """
        path = settings.VAR_DIR / "demo-password"
        user_model = get_user_model()
        user = user_model.objects.filter(username=DEMO_USERNAME).first()
        stored = path.read_text().strip() if path.exists() else ""
        if user is not None and stored and user.check_password(stored):
            return stored
        password = secrets.token_urlsafe(9)
        if user is None:
            user = user_model(username=DEMO_USERNAME, first_name="Animateur", is_staff=True)
        user.is_staff = True
        user.set_password(password)
        user.save()
        self._grant_territory_library(user)
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(password)
        path.chmod(0o600)
        return password

    def _grant_territory_library(self, user) -> None:
        """The demo facilitator may add to and edit the territory library."""
        from django.contrib.auth.models import Permission

        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="territories"))

    @transaction.atomic
    def _demo_workshop(self) -> Workshop:
        user = get_user_model().objects.get(username=DEMO_USERNAME)
        existing = Workshop.objects.filter(title=DEMO_TITLE, created_by=user).first()
        if existing is not None:
            if existing.status == Workshop.Status.PREPARING:  # made before workshops had doors
                phases.set_status(existing, Workshop.Status.OPEN)
            return existing
        territories = [
            Territory.objects.update_or_create(name=data["name"], defaults=data)[0]
            for data in TERRITORIES
        ]
        for territory in territories:
            territory.key_facts.all().delete()
            KeyFact.objects.bulk_create(
                KeyFact(
                    territory=territory, position=position, label=label, value=value, source=src
                )
                for position, (label, value, src) in enumerate(KEY_FACTS[territory.name])
            )
        with translation.override("fr"):  # the default phases' names and instructions
            workshop = self._create_workshop(user, territories)
        phases.set_status(workshop, Workshop.Status.OPEN)  # phones can join; phase 1 not started
        table_1 = workshop.tables.get(number=1)
        subgroups = {
            s.territory.short_name: s for s in table_1.subgroups.select_related("territory")
        }
        for short_name, kind, text, theme in TABLE_1_POSTITS:
            services.postit_create(
                subgroup=subgroups[short_name],
                author=None,
                kind=PostIt.Kind(kind),
                text=text,
                theme=theme,
            )
        # Table 1's baskets (the seed report's): written by the baskets app, which
        # workshops does not import.
        signals.demo_loaded.send(sender=Workshop, workshop=workshop)
        return workshop

    def _create_workshop(self, user, territories) -> Workshop:
        return services.workshop_create(
            created_by=user,
            title=DEMO_TITLE,
            event="Rencontres TEPOS — coopérations urbain-rural",
            date=datetime.date(2020, 9, 24),
            place="Le Mené",
            territories=territories,
            table_count=3,
            themes=[
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
            ],
        )
