"""Extract the policy text of an HTML page: parsed by lxml (libxml2), page chrome dropped by rule.

Parsing is lxml's HTML parser (libxml2): it is linear in the page size on the inputs
that make the standard-library parser quadratic (``"<a" * 80000``, thousands of
unclosed ``<b>`` followed by stray ``</i>``), it accepts a page without ``</head>``,
and it is what trafilatura uses. Main-content *libraries* were measured on the 233
scraped smart-home pages and dropped whole sections of policy text (trafilatura) or
whole policies (resiliparse's main-content mode): ``benchmarks/html_extractors.py``
and the README give the numbers. So the text is rendered here by general rules:

- *dropped*: scripts, styles, templates, SVG, form controls (``input``, ``button``,
  ``select``, ``textarea``, ``label``), embedded frames and objects, the page
  ``<title>``, comments, and page chrome: ``nav``, ``aside``, elements whose ARIA
  role is navigation/banner/contentinfo/search/menu/dialog, ``aria-modal`` dialogs,
  cookie or consent banners (an id or class such as ``cookie-banner``,
  ``cookie-consent``, ``consent-popup``, ``onetrust``, ``cookiebot``), and ``header``
  / ``footer`` of the page (a ``header`` inside ``main`` or ``article`` is the
  policy's own title block and is kept);
- *kept*: everything else, including text inside a ``<form>`` (ASP.NET pages wrap
  the whole page in one) and collapsed (``display:none``) sections, which on policy
  pages are usually accordion sections of the policy itself;
- block elements become separate lines (joined by a blank line), list items get a
  bullet ``•`` so the segmenter recognises them, headings become lines of their own.

An XHTML page's XML declaration is dropped (the text is already decoded). An ``<iframe>``
never displays its content, and a page that leaves one unclosed
would otherwise have the rest of its text swallowed as the frame's raw text; every
``<iframe ...>`` start tag is therefore closed where it stands before parsing.
"""
from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "math", "nav", "title", "head",
                       "aside", "button", "select", "option", "textarea", "input", "label", "iframe",
                       "object", "embed", "canvas", "dialog", "meta", "link"})
#: Skipped unless inside ``main`` or ``article`` (there they hold the policy's own title or notes).
PAGE_CHROME_TAGS = frozenset({"header", "footer"})
CONTENT_TAGS = frozenset({"main", "article"})
SKIP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog",
                        "alertdialog"})
BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "br", "tr", "table", "ul", "ol",
                        "dl", "dt", "dd", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
                        "li", "hr", "body", "html", "td", "th", "caption", "figure", "address", "form",
                        "fieldset", "details", "summary", "header", "footer"})
#: An id or class naming a cookie / consent banner (not a policy's own "cookies" section).
BANNER = re.compile(r"cookie[-_ ]?(?:banner|bar|notice|consent|popup|pop-up|modal|dialog|overlay|law|message|"
                    r"notification|alert|box|wall)|consent[-_ ]?(?:banner|bar|popup|modal|dialog|manager|box)|"
                    r"onetrust|cookiebot|gdpr[-_ ]?(?:banner|consent|popup|notice)", re.IGNORECASE)
_IFRAME_START = re.compile(r"<iframe\b[^<>]{0,4096}>", re.IGNORECASE)
#: An XHTML page's XML declaration (lxml refuses one in a str; the text is already decoded).
_XML_DECLARATION = re.compile(r"\A\s{0,1000}<\?xml[^<>]{0,1000}\?>")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
_BULLET = "• "
#: Deeper nesting than this is refused: libxml2 (with its "huge" option) stops building the tree there.
MAX_DEPTH = 2048


class HTMLTooDeep(ValueError):
    """The page nests elements deeper than the parser builds (its text would be cut off)."""


def _skipped(el: etree._Element, tag: str, in_content: int) -> bool:
    if tag in SKIP_TAGS or (tag in PAGE_CHROME_TAGS and not in_content):
        return True
    get = el.get
    if (get("role") or "").strip().lower() in SKIP_ROLES or (get("aria-modal") or "").lower() == "true":
        return True
    marks = f"{get('id') or ''} {get('class') or ''}"
    return bool(marks.strip()) and BANNER.search(marks) is not None


class _Text:
    """Accumulates lines of visible text."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self.current.append(text)

    def flush(self) -> None:
        line = _SPACES.sub(" ", "".join(self.current)).strip()
        if line == _BULLET.strip():
            return  # a list item whose text sits in a block inside it: keep the bullet for that text
        if line:
            self.lines.append(line)
        self.current = []

    def bullet(self) -> None:
        if "".join(self.current).strip() == _BULLET.strip():
            self.current = []  # the previous item was empty
        self.current.append(_BULLET)

    def text(self) -> str:
        self.flush()
        return "\n\n".join(self.lines) + ("\n" if self.lines else "")


def parse(html: str) -> etree._Element | None:
    """The page's element tree (``None`` for a page without any element)."""
    html = _IFRAME_START.sub(lambda m: m.group(0) + "</iframe>", _XML_DECLARATION.sub("", html, count=1))
    if not html.strip():
        return None
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False, huge_tree=True)
    root = etree.fromstring(html, parser)  # noqa: S320 - an HTML parser without network or entities
    for entry in parser.error_log:
        if "Excessive depth" in entry.message:
            raise HTMLTooDeep(f"elements nested deeper than {MAX_DEPTH:,} levels; the page cannot be read in full")
    return root


def html_to_text(html: str) -> str:
    """Return the readable policy text of an HTML page, one block per paragraph."""
    root = parse(html)
    out = _Text()
    if root is None:
        return ""
    in_content = 0
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if event == "start":
            if not tag or _skipped(el, tag, in_content):
                walker.skip_subtree()  # no "end" event follows for this element
                if tag in BLOCK_TAGS:
                    out.flush()
                out.add(el.tail)
                continue
            if tag in BLOCK_TAGS:
                out.flush()
            if tag in CONTENT_TAGS:
                in_content += 1
            if tag == "li":
                out.bullet()
            out.add(el.text)
        else:
            if tag in CONTENT_TAGS:
                in_content -= 1
            if tag in BLOCK_TAGS:
                out.flush()
            out.add(el.tail)
    return out.text()
