"""The restitution editor: the report's preview with, beside each section, the forms
that change the organiser's texts, featured baskets and candidate actions.

Every save is a plain POST answered by a redirect to the item's anchor (no JS needed);
with htmx, the edited page is answered at once and the form's ``hx-select`` swaps only
its section (``hx-select-oob`` the sections a basket's choice also changes)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from baskets.models import Basket, Transaction
from restitution import pdf, services
from restitution.models import ACTION_TITLE_MAX_LENGTH, TEXT_MAX_LENGTH, ActionStatus, Section
from restitution.report import Report, report
from workshops import access
from workshops.models import Workshop


def _editor_view(method: str):
    """A view of the editor, for ``method`` only: the facilitator's workshop (``access``:
    403 or 404 for anyone else) and the language the report is edited in, as
    ``view(request, workshop, lang, **kwargs)``."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
            workshop = access.get_workshop_for_facilitator(request, pk)
            lang = pdf.language(workshop, request.POST.get("lang") or request.GET.get("lang"))
            return view(request, workshop, lang, **kwargs)

        return login_required(require_http_methods([method])(wrapper))

    return decorate


def _page(request, workshop, lang: str, *, status: int = 200, **error) -> HttpResponse:
    with translation.override(lang):
        context = {
            "report": report(workshop),
            "lang": lang,
            "preview": True,
            "editing": True,
            "statuses": ActionStatus.choices,
            "text_max_length": TEXT_MAX_LENGTH,
            "action_title_max_length": ACTION_TITLE_MAX_LENGTH,
            **error,
        }
        html = render_to_string("restitution/report.html", context, request=request)
    return HttpResponse(html, status=status)


def _saved(request, workshop, lang: str, anchor: str) -> HttpResponse:
    if request.htmx:
        return _page(request, workshop, lang)
    return redirect(f"{reverse('restitution:report', args=[workshop.pk])}?lang={lang}#{anchor}")


def _refused(request, workshop, lang, error: ValidationError, **where) -> HttpResponse:
    return _page(request, workshop, lang, status=422, error=" ".join(error.messages), **where)


def _sent_text(request) -> str:
    """The organiser's text as sent; "reset" (back to the generated text) sends none."""
    return "" if request.POST.get("reset") else request.POST.get("text", "")


def _current(workshop, lang: str) -> Report:
    """The report as the form showed it: its defaults tell "unchanged" from "edited"."""
    with translation.override(lang):
        return report(workshop)


@_editor_view("GET")
def report_page(request: HttpRequest, workshop: Workshop, lang: str) -> HttpResponse:
    return _page(request, workshop, lang)


@_editor_view("POST")
def report_text(request: HttpRequest, workshop: Workshop, lang: str) -> HttpResponse:
    section = request.POST.get("section", "")
    territory = None
    if request.POST.get("territory"):
        number = request.POST["territory"]
        territory = get_object_or_404(workshop.territories, pk=number if number.isdecimal() else 0)
    current = _current(workshop, lang)
    if territory is not None:
        text = next((b.text for b in current.synthesis if b.territory.pk == territory.pk), None)
    else:
        text = current.texts.get(section)
    if text is None or section not in Section.values:
        return _refused(request, workshop, lang, ValidationError(_("Unknown section.")))
    try:
        services.section_text_set(
            workshop=workshop,
            section=section,
            territory=territory,
            text=_sent_text(request),
            default=text.default,
        )
    except ValidationError as error:
        return _refused(request, workshop, lang, error, error_anchor=text.anchor)
    return _saved(request, workshop, lang, f"text-{text.anchor}")


@_editor_view("POST")
def report_basket(request: HttpRequest, workshop: Workshop, lang: str, basket: int) -> HttpResponse:
    basket_ = get_object_or_404(Basket, pk=basket, table__workshop=workshop)
    featured = request.POST.get("featured")
    if featured in ("0", "1"):
        services.basket_feature(basket=basket_, featured=featured == "1")
        return _saved(request, workshop, lang, f"feature-{basket_.pk}")
    current = _current(workshop, lang)
    featured_lines = [b for table in current.negotiation for b in table.baskets]
    line = next(b for b in featured_lines + current.left_out if b.pk == basket_.pk)
    try:
        services.basket_synthesis_set(
            basket=basket_,
            text=_sent_text(request),
            default=line.synthesis.default,
        )
    except ValidationError as error:
        return _refused(request, workshop, lang, error, error_anchor=line.synthesis.anchor)
    return _saved(request, workshop, lang, f"text-{line.synthesis.anchor}")


@_editor_view("POST")
def report_action(
    request: HttpRequest, workshop: Workshop, lang: str, transaction: int
) -> HttpResponse:
    row = get_object_or_404(
        Transaction.objects.select_related("offer"),
        pk=transaction,
        basket__table__workshop=workshop,
    )
    try:
        services.action_update(
            transaction=row,
            status=request.POST.get("status", ""),
            title=request.POST.get("title", ""),
            included=bool(request.POST.get("included")),
            default_title=row.offer.text,
        )
    except ValidationError as error:
        return _refused(request, workshop, lang, error, error_action=row.pk)
    return _saved(request, workshop, lang, f"action-{row.pk}")
