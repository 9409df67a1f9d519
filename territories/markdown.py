"""Markdown for territory sheets: written by facilitators, shown on phones and projectors.

Raw HTML is off, so anything that looks like a tag is shown as text. markdown-it's
validateLink already refuses javascript:, vbscript:, file: and most data: links.
Images are off too: a sheet should not make every phone in the room fetch a picture
from some third-party server, nor drop an image of unknown size onto the projector.
"""

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def _link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    token.attrSet("rel", "noopener nofollow")
    if str(token.attrGet("href") or "").startswith(("http://", "https://")):
        # On a phone, an outside link must not take the live workshop page away.
        token.attrSet("target", "_blank")
    return self.renderToken(tokens, idx, options, env)


_md.add_render_rule("link_open", _link_open)


def render_markdown(text: str) -> SafeString:
    return mark_safe(_md.render(text or ""))  # html=False: every tag in the text is escaped
