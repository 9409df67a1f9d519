"""Rows a document may hold: several times what a real room writes (300 phones, about 5
post-its each, a few transactions a basket), so that no file a facilitator uploads can hold
the database for seconds (docs/restitution.md, "Import"). Each list is refused by its
length before any of it is read. The set-up's limits are the app's own (MAX_TABLES…)."""

from plenary.models import MAX_DOTS
from workshops.services import MAX_TABLES, MAX_TERRITORIES

MAX_PARTICIPANTS = 1_000
MAX_POSTITS = 3_000
MAX_BASKETS = MAX_TABLES * MAX_TERRITORIES * (MAX_TERRITORIES - 1) // 2
MAX_TRANSACTIONS = 3_000
MAX_NEEDS_PER_TRANSACTION = 100  # a receiver's needs at one table
MAX_ANSWERED_NEEDS = 10_000
MAX_FEEDBACK = 3_000
MAX_DOTS_IN_FILE = MAX_PARTICIPANTS * MAX_DOTS
MAX_TEXTS = 1_000  # the organiser's texts (restitution editor)
