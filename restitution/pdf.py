"""The report as a PDF, rendered by WeasyPrint from the same template as the preview.
The app builds it off the request path (restitution/tasks.py); export_restitution calls
render_pdf directly."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from restitution import figures
from restitution.report import report

CSS_PATH = Path(__file__).parent / "static" / "restitution" / "report.css"


class _NoFetch(Exception):
    pass


def _refuse(url, *args, **kwargs):
    # The report is self-contained: the renderer must never reach a server or a file.
    raise _NoFetch(url)


def _colours(territories) -> str:
    rules = []
    for t in territories:
        # The figures' colour: the territory's, checked, or the same grey as the borders.
        colour = figures.colour(t)
        rules.append(f".report .t-{t.pk} {{ border-color: {colour}; }}")
        rules.append(f".report span.t-{t.pk} {{ border-bottom: 3px solid {colour}; }}")
    return "\n".join(rules)


def colours_css(workshop) -> str:
    """The territories' colours as a stylesheet of their own: the PDF adds it as a string,
    the preview links it (views.report_colours), since the CSP refuses inline styles."""
    return _colours(workshop.territories.all())


def render_html(workshop, lang: str, *, preview: bool = False, request=None) -> str:
    """With the ``request``, the preview's "Download the PDF" form carries its CSRF token."""
    with translation.override(lang):
        data = report(workshop)
        return render_to_string(
            "restitution/report.html",
            {"report": data, "lang": lang, "preview": preview},
            request=request,
        )


def render_pdf(workshop, lang: str, *, progress=None) -> bytes:
    """``progress(step)`` is called as each step begins: "reading", "layout", "writing"
    (the background build shows them, restitution/tasks.py)."""
    from weasyprint import CSS, HTML

    progress = progress or (lambda step: None)
    progress("reading")
    with translation.override(lang):
        data = report(workshop)
        html = render_to_string(
            "restitution/report.html", {"report": data, "lang": lang, "preview": False}
        )
    stylesheets = [CSS(filename=str(CSS_PATH)), CSS(string=_colours(data.territories))]
    # HTML.write_pdf() is render() then write_pdf() with the same options, in two steps.
    options = {"stylesheets": stylesheets, "pdf_tags": True, "pdf_variant": "pdf/ua-1"}
    progress("layout")
    document = HTML(string=html, url_fetcher=_refuse).render(**options)
    progress("writing")
    return document.write_pdf(**options)


def language(workshop, requested: str | None) -> str:
    if requested in ("fr", "en"):
        return requested
    return getattr(workshop, "language", "") or "fr"
