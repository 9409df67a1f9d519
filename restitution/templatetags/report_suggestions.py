"""`{% unanswered_needs report.workshop as tables %}`: restitution/suggestions.py."""

from django import template

from restitution.suggestions import unanswered_needs

register = template.Library()

register.simple_tag(unanswered_needs)
