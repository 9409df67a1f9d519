from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from restitution import pdf
from workshops.codes import normalise_code
from workshops.models import Workshop


class Command(BaseCommand):
    help = (
        "Write a workshop's restitution: PATH ending in .pdf (the report), .html (its "
        "preview), or any path export_workshop takes (.json, .xlsx, a directory of CSV files)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="the workshop's join code")
        parser.add_argument("path")
        parser.add_argument("--lang", choices=["fr", "en"], default=None)

    def handle(self, *args, code, path, lang, **options):
        target = Path(path)
        if target.suffix not in (".pdf", ".html"):
            call_command("export_workshop", code, path, stdout=self.stdout)
            return
        workshop = Workshop.objects.filter(code=normalise_code(code)).first()
        if workshop is None:
            raise CommandError(f"No workshop has the code {code!r}.")
        lang = pdf.language(workshop, lang or settings.LANGUAGE_CODE[:2])
        if target.suffix == ".pdf":
            target.write_bytes(pdf.render_pdf(workshop, lang))
        else:
            target.write_text(pdf.render_html(workshop, lang), encoding="utf-8")
        self.stdout.write(f"{workshop.code} → {target}")
