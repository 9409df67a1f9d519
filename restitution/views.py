from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from restitution import exports, pdf, tables
from restitution.importer import MAX_IMPORT_BYTES, ImportRefused, import_workshop
from workshops import access

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
    return render(
        request, "restitution/exports.html", {"workshop": workshop, "kinds": list(tables.KINDS)}
    )


@login_required
@require_GET
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    lang = pdf.language(workshop, request.GET.get("lang"))
    return HttpResponse(pdf.render_html(workshop, lang, preview=True))


@login_required
@require_GET
def report_colours(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    return HttpResponse(pdf.colours_css(workshop), content_type="text/css; charset=utf-8")


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    lang = pdf.language(workshop, request.GET.get("lang"))
    # Synchronous for now: a large workshop's PDF should be built off the request path.
    return _download(
        pdf.render_pdf(workshop, lang), "application/pdf", exports.filename(workshop, ".pdf")
    )


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
