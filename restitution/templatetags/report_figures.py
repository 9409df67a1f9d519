"""The report's figures and index for its templates: `{% postits_figure report as f %}`,
then `{% include "restitution/report/figures/_svg.html" with figure=f %}`."""

from django import template

from restitution import figures
from restitution.report_index import basket_anchor, territory_index

register = template.Library()

register.simple_tag(figures.postits_figure)
register.simple_tag(figures.balance_figure)
register.simple_tag(figures.dots_figure)
register.simple_tag(territory_index)


register.filter(basket_anchor)
