import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from baskets.matching import DEFAULT_LIMIT, suggest_set


class Command(BaseCommand):
    help = (
        "Print, as JSON, the offers suggested for each need of a set of post-its (no "
        'database): SET.json is {"territories": [...], "postits": [{"id", "territory", '
        '"kind", "theme", "text", "table"?}]}; the output is {"<need id>": ["<offer id>", '
        "...]}, best first. Candidates are the offers of other territories at the same table "
        "(one table when no post-it has one). See docs/negotiation.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("set", help="the set's JSON file, or - for standard input")
        parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT)

    def handle(self, *args, set, limit, **options):
        try:
            text = sys.stdin.read() if set == "-" else Path(set).read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {set}: {error}") from error
        if not isinstance(data, dict) or not isinstance(data.get("postits"), list):
            raise CommandError('The set must be a JSON object with a "postits" list.')
        try:
            suggestions = suggest_set(data, limit=max(1, min(limit, DEFAULT_LIMIT)))
        except (KeyError, TypeError) as error:
            raise CommandError(
                f"A post-it lacks {error}: each needs id, territory, kind."
            ) from error
        self.stdout.write(json.dumps(suggestions, ensure_ascii=False, indent=1))
