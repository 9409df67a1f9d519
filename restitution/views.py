from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from restitution import deletion, exports, pdf, selectors, services, tables
from restitution.importer import MAX_IMPORT_BYTES, ImportRefused, import_workshop
from workshops import access
from workshops.models import Workshop

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def exports_page(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    # The workshop's own language first.
    first = pdf.language(workshop, None)
    languages = sorted((code for code, _name in settings.LANGUAGES), key=lambda c: c != first)
    context = {
        "workshop": workshop,
        "kinds": list(tables.KINDS),
        "builds": [selectors.build_state(workshop, lang) for lang in languages],
    }
    return render(request, "restitution/exports.html", context)


def _progress_url(workshop, lang: str) -> str:
    return f"{reverse('restitution:pdf_progress', args=[workshop.pk])}?lang={lang}"


@login_required
@require_POST
def pdf_build(request: HttpRequest, pk: int) -> HttpResponse:
    """Queues the PDF's build, or joins the one under way; never renders it here."""
    workshop = access.get_workshop_for_facilitator(request, pk)
    lang = pdf.language(workshop, request.POST.get("lang"))
    try:
        services.request_build(workshop=workshop, language=lang, user=request.user)
    except services.BuildRefused as refused:
        return _progress(request, workshop, lang, refusal=str(refused), status=refused.status)
    if request.htmx:
        return _progress(request, workshop, lang)
    return redirect(_progress_url(workshop, lang))


@login_required
@require_GET
def pdf_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The build's progress: a fragment that htmx polls while it runs; without scripts,
    a page that refreshes itself."""
    workshop = access.get_workshop_for_facilitator(request, pk)
    return _progress(request, workshop, pdf.language(workshop, request.GET.get("lang")))


def _progress(
    request: HttpRequest, workshop, lang: str, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "workshop": workshop,
        "build": selectors.build_state(workshop, lang),
        "refusal": refusal,
    }
    template = "restitution/_build.html" if request.htmx else "restitution/pdf.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def report_colours(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    return HttpResponse(pdf.colours_css(workshop), content_type="text/css; charset=utf-8")


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest PDF built in the background; while there is none, its progress page."""
    workshop = access.get_workshop_for_facilitator(request, pk)
    lang = pdf.language(workshop, request.GET.get("lang"))
    build = selectors.latest_pdf(workshop, lang)
    if build is None:
        return redirect(_progress_url(workshop, lang))
    name = exports.filename(workshop, ".pdf" if lang == "fr" else f"-{lang}.pdf")
    return _download(bytes(build.pdf), "application/pdf", name)


@login_required
@require_GET
def export_csv(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    if kind not in tables.KINDS:
        raise Http404
    # A byte-order mark: spreadsheets then read the accents as UTF-8.
    text = "\ufeff" + exports.csv_text(workshop, kind)
    return _download(text, CSV_TYPE, exports.filename(workshop, f"-{kind}.csv"))


@login_required
@require_GET
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    return _download(exports.xlsx_bytes(workshop), XLSX_TYPE, exports.filename(workshop, ".xlsx"))


@login_required
@require_GET
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    return _download(
        exports.json_bytes(workshop), "application/json", exports.filename(workshop, ".json")
    )


@login_required
@require_POST
def import_view(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    template = request.POST.get("mode") == "template"
    if upload is None:
        error = _("Choose a file exported by Paniers (.json).")
    else:
        # One byte past the cap is enough to refuse: the rest is never read.
        raw = upload.read(MAX_IMPORT_BYTES + 1)
        try:
            workshop = import_workshop(raw, created_by=request.user, template=template)
        except ImportRefused as refused:
            error = str(refused)
        else:
            return redirect("workshops:detail", pk=workshop.pk)
    return render(request, "restitution/import.html", {"error": error}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner only: co-facilitators run the workshop, its owner decides that its data
    goes (403 for them, as for choosing facilitators)."""
    workshop = access.get_workshop_for_owner(request, pk)
    confirmation, title = request.POST.get("confirmation", ""), workshop.title
    error, status, parts = "", 200, []
    try:
        if request.method == "POST":
            gone = deletion.workshop_delete(workshop=workshop, confirmation=confirmation)
            message = _("Workshop “%(title)s” deleted: %(parts)s.")
            names = ", ".join(str(part) for part in gone)
            messages.success(request, message % {"title": title, "parts": names})
            return redirect("workshops:list")
        parts = deletion.contents(workshop)
    except deletion.NotConfirmed:
        error, status = _("Nothing was deleted: type the workshop's code or its title."), 400
        parts = deletion.contents(workshop)
    except deletion.Blocked as blocked:
        error, status = str(blocked), 409
    except Workshop.DoesNotExist:
        raise Http404 from None  # deleted meanwhile, by the same owner's other tab
    context = {"workshop": workshop, "parts": parts, "error": error, "confirmation": confirmation}
    return render(request, "restitution/delete.html", context, status=status)
