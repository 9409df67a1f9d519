from pathlib import Path

from django.conf import settings

from restitution import pdf
from restitution.management.commands import export_workshop


class Command(export_workshop.Command):
    """What ``export_workshop`` writes, and the report (.pdf, .html) in a language."""

    help = (
        "Write a workshop's restitution: PATH ending in .pdf (the report), .html (its "
        "preview), or any path export_workshop takes (.json, .xlsx, a directory of CSV files)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--lang", choices=["fr", "en"], default=None)

    def handle(self, *args, code, path, lang, **options):
        target = Path(path)
        if target.suffix not in (".pdf", ".html"):
            super().handle(code=code, path=path)
            return
        workshop = self.workshop(code)
        lang = pdf.language(workshop, lang or settings.LANGUAGE_CODE[:2])
        if target.suffix == ".pdf":
            target.write_bytes(pdf.render_pdf(workshop, lang))
        else:
            target.write_text(pdf.render_html(workshop, lang), encoding="utf-8")
        self.stdout.write(f"{workshop.code} → {target}")
