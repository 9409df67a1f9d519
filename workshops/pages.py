"""One answer for every phone view that shows a fragment: htmx swaps the fragment in;
without scripts (a link followed, a form posted) the same fragment comes in a page of its
own with the way back to the table, so the phone still works when a script fails."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FRAGMENT_PAGE_TEMPLATE = "workshops/phone_fragment_page.html"


def fragment_or_page(
    request: HttpRequest, template: str, context: dict, status: int = 200
) -> HttpResponse:
    """``template`` alone for htmx, else inside a page (``context`` needs ``workshop`` and
    ``participant`` for the page's frame)."""
    if not request.htmx:
        context = {**context, "fragment": template}
        template = FRAGMENT_PAGE_TEMPLATE
    return render(request, template, context, status=status)
