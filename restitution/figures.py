"""The report's figures, drawn as inline SVG: this module computes every shape's place
from the Report, `templates/restitution/report/figures/` turns the shapes into SVG (with
Django's autoescape: a territory or theme name is text in a <text>, never markup).

Printed in black and white they must still read: every bar carries its number, offers
are solid and needs outlined, and a basket's bar points to the territory named at its
end. Colours are `fill` attributes, not styles: the preview's CSP (style-src 'self') lets
them through.
WeasyPrint lays out and draws SVG text one letter at a time (about as dear per letter as
a line of the report), so labels are short names and numbers; the full text is beside
each figure in HTML."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

GREY = "#777777"
# A figure never breaks across pages: long ones are cut into parts of this many rows.
ROWS_PER_PART = 30


def colour(territory) -> str:
    value = getattr(territory, "color", "") or ""
    return value if re.fullmatch(r"#[0-9a-fA-F]{6}", value) else GREY


def label(territory) -> str:
    return territory.label


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    # Outlined (white inside, a thick border of the colour) rather than solid: the second
    # series reads in black and white. Not a hatching <pattern>: WeasyPrint draws one per
    # use, which costs the PDF more than all the bars.
    outline: bool = False
    kind: str = "bar"  # "bar" (one datum each: tests count them), "band", "key"


@dataclass
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"
    kind: str = "label"  # "label", "value", "head"


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Figure:
    id: str
    title: str
    width: float
    height: float
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    @property
    def bars(self) -> list[Rect]:
        return [r for r in self.rects if r.kind == "bar"]


def _shorten(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def postits_figure(report) -> Figure | None:
    """Post-its per theme and territory: one row per theme, one column per territory,
    in each cell a solid bar (offers) and an outlined bar (needs) with their counts."""
    counts: dict[tuple[int, str], list[int]] = {}
    themes: list[str] = []
    for block in report.synthesis:
        for theme in block.themes:
            if theme.theme not in themes:
                themes.append(theme.theme)
            counts[(block.territory.pk, theme.theme)] = [
                sum(m.count for m in theme.offers),
                sum(m.count for m in theme.needs),
            ]
    if not counts:
        return None
    territories = report.territories
    top = max(max(pair) for pair in counts.values()) or 1
    left, cell, row, head = 170.0, 96.0, 22.0, 34.0
    bar_max = cell - 44
    figure = Figure(
        "fig-postits",
        _("Post-its per theme and territory"),
        left + cell * len(territories) + 4,
        head + row * len(themes) + 30,
    )
    for column, territory in enumerate(territories):
        x = left + column * cell
        figure.rects.append(Rect(x, 8, 10, 10, colour(territory), kind="key"))
        figure.texts.append(Text(x + 14, 17, _shorten(label(territory), 14), kind="head"))
    for n, theme in enumerate(themes):
        y = head + n * row
        figure.lines.append(Line(0, y - 3, figure.width, y - 3))
        figure.texts.append(Text(0, y + 12, _shorten(theme or _("No theme"), 30)))
        for column, territory in enumerate(territories):
            offers, needs = counts.get((territory.pk, theme), [0, 0])
            x = left + column * cell
            for k, count in enumerate((offers, needs)):
                if count:
                    width = round(bar_max * count / top, 1)
                    figure.rects.append(Rect(x, y + k * 8, width, 7, colour(territory), k == 1))
            # One text per cell, not per bar: SVG text is drawn letter by letter.
            figure.texts.append(Text(x + bar_max + 3, y + 12, f"{offers} / {needs}", kind="value"))
    y = head + row * len(themes) + 8
    figure.rects.append(Rect(0, y, 14, 7, GREY, kind="key"))
    figure.texts.append(Text(18, y + 7, _("Offers")))
    figure.rects.append(Rect(90, y, 14, 7, GREY, True, kind="key"))
    figure.texts.append(Text(108, y + 7, _("Needs")))
    return figure


def balance_figure(table) -> Figure | None:
    """The balance of every basket of one table, drawn as the gauges of the console and
    the projector read: each row names the basket's first territory on the left and its
    second on the right, and its bar goes from the middle towards the one that gains
    more (the one the basket leans to), over the tolerance band; the difference of the
    two gains is written at the bar's end."""
    baskets = [b for b in table.baskets if b.transactions]
    if not baskets:
        return None
    tolerance = baskets[0].balance.tolerance
    reach = max([abs(b.balance.difference) for b in baskets] + [tolerance + 1])
    name, half, row, top = 110.0, 150.0, 18.0, 20.0
    middle = name + half
    # Room at the far end of the longest bar for its number.
    scale = round((half - 24) / reach, 2)
    figure = Figure(
        f"fig-balance-{table.number}",
        _("Table %(n)s: the balance of each basket") % {"n": table.number},
        middle + half + name,
        top + row * len(baskets) + 6,
    )
    band = tolerance * scale
    figure.rects.append(
        Rect(middle - band, top - 4, 2 * band, row * len(baskets), "#dddddd", kind="band")
    )
    # What the band and the sides mean is the section's text, once.
    figure.texts.append(Text(middle, 12, f"±{tolerance}", "middle", "head"))
    for n, basket in enumerate(baskets):
        y = top + n * row
        figure.texts.append(Text(middle - half - 6, y + 9, _shorten(label(basket.a), 18), "end"))
        figure.texts.append(Text(middle + half + 6, y + 9, _shorten(label(basket.b), 18)))
        difference = basket.balance.difference  # A's gain minus B's
        width = round(max(abs(difference) * scale, 1.5), 1)
        number = str(abs(difference))
        if difference == 0:  # a sliver on the middle line: no side
            figure.rects.append(Rect(middle - 0.75, y, 1.5, 11, GREY))
            figure.texts.append(Text(middle + 4, y + 9, number, kind="value"))
        elif difference > 0:  # A gains more: towards A, on the left
            figure.rects.append(Rect(middle - width, y, width, 11, colour(basket.a)))
            figure.texts.append(Text(middle - width - 3, y + 9, number, "end", "value"))
        else:
            figure.rects.append(Rect(middle, y, width, 11, colour(basket.b), True))
            figure.texts.append(Text(middle + width + 3, y + 9, number, kind="value"))
    figure.lines.append(Line(middle, top - 4, middle, top + row * len(baskets) - 4))
    return figure


def dots_figure(report) -> Figure | None:
    """Dots per basket, ranked: one bar each for the baskets with the most dots (a figure
    never breaks across pages; the full ranking follows it as text)."""
    ranked = report.dots[:ROWS_PER_PART]
    if not ranked:
        return None
    top_count = ranked[0][1] or 1
    name, width, row, top = 230.0, 300.0, 16.0, 4.0
    title = _("Sticky dots per basket")
    if len(report.dots) > ROWS_PER_PART:
        title = _("Sticky dots: the %(n)s baskets with the most") % {"n": ROWS_PER_PART}
    figure = Figure("fig-dots", title, name + width + 40, top + row * len(ranked) + 4)
    for n, (basket, count) in enumerate(ranked):
        y = top + n * row
        text = _("Table %(n)s") % {"n": basket.table}
        text += f" · {_shorten(label(basket.a), 12)} ⇄ {_shorten(label(basket.b), 12)}"
        figure.texts.append(Text(name - 6, y + 9, text, "end"))
        bar = round(width * count / top_count, 1)
        figure.rects.append(Rect(name, y, bar, 11, colour(basket.a)))
        figure.rects.append(Rect(name, y + 8, bar, 3, colour(basket.b), kind="key"))
        figure.texts.append(Text(name + bar + 4, y + 9, str(count), kind="value"))
    return figure
