"""Conditions: after the negotiation, what each basket's two sub-groups say of it.

Their verdict (balanced, unbalanced, balanced on condition) beside the computed gauge,
how it was or could be rebalanced, the implementation conditions as a checklist whose
items each workshop's facilitators set (``defaults.py``), and the alliance described
with the card families of "Cartes sur table". Writes in ``services.py`` (gate action
``CONDITIONS``), reads in ``selectors.py``, live in ``broadcast.py``; who may change
them is ``baskets/access.py``'s, as for the basket itself.
"""
