"""A new workshop's checklist and cards: the method's phase-3 questions (governance,
means and engineering, planning tools) with the six success factors of inter-territorial
cooperation, and the card families of "Cartes sur table". Written in the site's language
(French); the facilitator edits them per workshop."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

ITEMS = [
    (
        _("Shared knowledge of the interdependencies"),
        _(
            "What do we know of the flows between our territories? A shared diagnosis, an observatory…"
        ),
    ),
    (
        _("A shared strategic vision"),
        _("Common goals, a strategy both territories sign up to…"),
    ),
    (
        _("Governance"),
        _(
            "Who steers? Which agreement: convention, entente, syndicat mixte, "
            "pôle métropolitain, contrat de réciprocité…"
        ),
    ),
    (
        _("Means, engineering and skills"),
        _("Who does the work? Shared staff, an urban planning agency, skills lent…"),
    ),
    (
        _("Planning documents and tools"),
        _("SCoT, PLUi, PCAET, PAT, mobility plan…"),
    ),
    (
        _("Financing"),
        _("Who pays, how much? Dedicated funds, compensation, a shared investment…"),
    ),
    (
        _("Legal framework"),
        _("What the law allows, what would have to change: derogations, in-house services…"),
    ),
    (
        _("Other remarks"),
        _("e.g. the distance between the territories"),
    ),
]

CARDS = {
    "purpose": [
        _("Improve public services"),
        _("Pool means and resources"),
        _("Economic development"),
        _("Ecological transition"),
        _("Attractiveness and promotion"),
        _("Solidarity between territories"),
    ],
    "carrier": [
        _("A lead partner"),
        _("An ad-hoc structure"),
        _("An agreement between the territories"),
        _("An existing body (pôle, syndicat…)"),
        _("Private or community actors"),
    ],
    "horizon": [_("Immediate"), _("10 years"), _("30 years")],
    "intensity": [_("Weak"), _("Strong"), _("Rising")],
}


def create_defaults(workshop_id: int, item_model, choice_model) -> None:
    """The default checklist and cards for a workshop that has none (models passed in so
    that the migration can use its historical ones)."""
    with translation.override(settings.LANGUAGE_CODE):
        if not item_model.objects.filter(workshop_id=workshop_id).exists():
            item_model.objects.bulk_create(
                item_model(workshop_id=workshop_id, position=n, title=str(title), hint=str(hint))
                for n, (title, hint) in enumerate(ITEMS)
            )
        present = set(
            choice_model.objects.filter(workshop_id=workshop_id).values_list("family", flat=True)
        )
        choice_model.objects.bulk_create(
            choice_model(workshop_id=workshop_id, family=family, position=n, label=str(label))
            for family, labels in CARDS.items()
            if family not in present
            for n, label in enumerate(labels)
        )
