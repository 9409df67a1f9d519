"""For templates of the apps built on baskets (the plenary's slides): one basket's
conditions, read with ``conditions.selectors.conditions_by_basket`` (three queries)."""

from django import template

from baskets.conditions.selectors import conditions_by_basket

register = template.Library()


@register.simple_tag
def basket_conditions(workshop, basket):
    return conditions_by_basket(workshop, [basket])[basket.pk]
