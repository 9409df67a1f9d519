"""What the room tells the apps built on it (baskets, plenary…), which workshops never
imports: they connect receivers here (docs/architecture.md, "Which app imports which").

Sent with ``send``, not ``send_robust``: a receiver that raises ``ValidationError`` in
``postit_changing`` refuses the change, with its message.
"""

from django.dispatch import Signal

# A workshop's tables or territories were set: workshop=.
seating_changed = Signal()

# A post-it is about to be saved with new fields: postit= (not yet saved), previous_kind=.
postit_changing = Signal()

# A post-it's text, theme or kind changed, inside its transaction: postit=. Receivers
# announce with ``workshops.broadcast.after_commit``.
postit_changed = Signal()

# ``load_demo`` created the demo workshop and its table 1's post-its, inside its
# transaction: workshop=. The apps built on the room add their part of the worked example.
demo_loaded = Signal()

# The workshop's balance tolerance changed (set-up form), inside its transaction:
# workshop=. The gauges drawn with the old one are sent again.
balance_tolerance_changed = Signal()
