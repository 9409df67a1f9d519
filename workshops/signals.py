"""What the room tells the apps built on it (baskets, plenary…), which workshops never
imports: they connect receivers here, each app in its own ``receivers.py``
(docs/architecture.md, "Which app imports which"). A rule that may refuse a write is not a
signal: the service calls it by name (``services.check_postit_edit_rules``).
"""

from django.dispatch import Signal

# A workshop's tables or territories were set: workshop=.
seating_changed = Signal()

# A post-it's text, theme or kind changed, inside its transaction: postit=. Receivers
# announce with ``workshops.broadcast.after_commit``.
postit_changed = Signal()

# The workshop's balance tolerance changed (set-up form), inside its transaction:
# workshop=. The gauges drawn with the old one are sent again.
balance_tolerance_changed = Signal()
