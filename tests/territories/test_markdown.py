import pytest
from django.utils.safestring import SafeString

from territories.markdown import render_markdown
from territories.models import Territory


def test_it_renders_emphasis_lists_headings_and_links():
    html = render_markdown(
        "## Enjeux\n\n**Port** et *forêt*\n\n- bois\n- eau\n\n1. un\n2. deux\n\n"
        "[Site](https://example.org/a?b=1&c=2)"
    )

    assert "<h2>Enjeux</h2>" in html
    assert "<strong>Port</strong>" in html and "<em>forêt</em>" in html
    assert "<ul>\n<li>bois</li>" in html and "<ol>\n<li>un</li>" in html
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener nofollow" target="_blank">Site</a>'
        in html
    )


def test_it_renders_tables():
    html = render_markdown("| Filière | Emplois |\n| --- | --- |\n| Bois | 1 200 |\n")

    assert "<table>" in html
    assert "<th>Filière</th>" in html and "<td>1 200</td>" in html


def test_it_keeps_relative_links_in_the_same_tab():
    html = render_markdown("[plus bas](#carte)")

    assert '<a href="#carte" rel="noopener nofollow">plus bas</a>' in html


def test_it_returns_safe_html():
    assert isinstance(render_markdown("*x*"), SafeString)
    assert render_markdown("") == ""


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "Texte <b onmouseover='alert(1)'>gras</b> en ligne",
        '<div style="position:fixed">\ncouvre tout\n</div>',
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_it_shows_raw_html_as_text(text):
    html = render_markdown(text)

    assert "<script" not in html and "<img" not in html and "<b " not in html
    assert "<div" not in html and "<iframe" not in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "link",
    [
        "[clic](javascript:alert(1))",
        "[clic](JaVaScRiPt:alert(1))",
        "[clic](vbscript:msgbox(1))",
        "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<javascript:alert(1)>",
        "[clic][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_it_refuses_dangerous_links(link):
    html = render_markdown(link)

    assert "<a" not in html
    assert "href" not in html


def test_it_shows_no_images():
    """A sheet makes no phone in the room fetch a picture from somewhere else."""
    html = render_markdown("![carte](https://tracker.example/pixel.png)")

    assert "<img" not in html


def test_a_territory_renders_its_presentation():
    territory = Territory(name="Pays de Brest", sheet="Un **pays** maritime <script>x</script>")

    assert territory.sheet_html == (
        "<p>Un <strong>pays</strong> maritime &lt;script&gt;x&lt;/script&gt;</p>\n"
    )
