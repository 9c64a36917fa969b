"""Extract the main text of an HTML privacy policy with the standard-library HTML parser.

Scripts, styles, templates, forms and page chrome (``nav``, ``header``, ``footer``,
``aside``, and elements whose role is navigation/banner/contentinfo) are dropped.
Block elements become separate lines, list items get a bullet so the segmenter
recognises them, and headings become lines of their own.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "nav", "header", "title",
                       "footer", "aside", "form", "button", "select", "iframe", "object", "head"})
SKIP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar"})
BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "br", "tr", "table", "ul", "ol",
                        "dl", "dt", "dd", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
                        "li", "hr", "body", "html", "td", "th", "caption", "figure", "address"})
VOID_TAGS = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col",
                       "embed", "source", "track", "wbr", "param"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BULLET = "• "


class _MainText(HTMLParser):
    """Collect visible text, tracking a stack of skipped elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.stack: list[tuple[str, bool]] = []

    def _flush(self) -> None:
        line = _SPACES.sub(" ", "".join(self.current)).strip()
        if line == _BULLET.strip():
            return  # a list item whose text sits in a block inside it: keep the bullet for that text
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        role = (dict(attrs).get("role") or "").lower()
        skipping = tag in SKIP_TAGS or role in SKIP_ROLES
        if tag in BLOCK_TAGS:
            self._flush()
        if tag in VOID_TAGS:
            return
        self.stack.append((tag, skipping))
        if skipping:
            self.skip_depth += 1
        elif tag == "li" and not self.skip_depth:
            if "".join(self.current).strip() == _BULLET.strip():
                self.current = []  # the previous item was empty
            self.current.append(_BULLET)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        # pop to the matching tag (tolerates unclosed children)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for _, skipping in self.stack[i:]:
                    if skipping:
                        self.skip_depth -= 1
                del self.stack[i:]
                break
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.current.append(data.replace("\n", " "))

    def text(self) -> str:
        self._flush()
        return "\n\n".join(self.lines) + ("\n" if self.lines else "")


def html_to_text(html: str) -> str:
    """Return the readable main text of an HTML document, one block per paragraph."""
    parser = _MainText()
    parser.feed(html)
    parser.close()
    return parser.text()


def looks_like_html(text: str) -> bool:
    """True when a text file is really an HTML page (doctype or an <html>/<body> element)."""
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(html|body)[\s>]", head))
