"""Split policy text into headings, list items and sentences with character offsets.

Line structure is used first (headings, bullets and numbered items live on lines of
their own in real policies); sentences are then split inside each line with a
rule-based splitter that knows common abbreviations. Every row keeps ``start``/``end``
offsets into the text, so ``text[start:end]`` is the row's verbatim span.

Recognised markers
------------------
- dotted numbers ``1.``, ``4.1``, ``4.1.2`` and ``1)``, which make a heading when the
  rest of the line reads like a title, and a list item otherwise;
- ``(ii)``, ``(a)``, ``(3)``, ``a)``, ``iv.``: sub-headings or list items, by the same test;
- bullets ``•``, ``⚫``, ``■``, ``●``, ``◦``, ``▪``, ``○``, ``·``, ``-``, ``*``, ``–``: list items;
- unnumbered heading lines: short title-like lines with no sentence punctuation that are
  followed by body text.
"""
from __future__ import annotations

import re
from typing import NamedTuple

KIND_HEADING = "heading"
KIND_LIST_ITEM = "list_item"
KIND_SENTENCE = "sentence"

_LINE = re.compile(r"[^\n]*\n?")
_BULLET = re.compile(r"[•⚫■●◦▪▫○·‣⁃◆◇►▶✓✔\-\*–—]\s+")
# at most 8 levels of dotted numbering ("4.1.2.3.4.5.6.7"): deeper is not a section number
_DOTTED = re.compile(r"(\d{1,2}(?:\.\d{1,2}){1,7})\.?\s+|(\d{1,2})[.)](?!\d)\s*")
_PAREN = re.compile(r"\((?:[ivxlc]{1,5}|[a-zA-Z]|\d{1,2})\)\s*|(?:[a-z]|[ivx]{1,4})[.)]\s+")
_LETTER = re.compile(r"(?:[A-Z]|[IVX]{1,4})[.)]\s+")
# A sentence ends after . ! ? (then an optional closing quote or bracket, whitespace, and a
# capital, digit or bullet) or after a full-width 。！？. The end mark is consumed and the
# boundary is group 1 or 2 (not a look-behind: a pattern that starts with a literal class
# lets the regex engine skip ahead, twice as fast); searches start one character early so
# an end mark just before the span still counts.
_SENT_END = re.compile(r"[.!?]([\"”’)\]]?\s+)(?=[\"“‘(\[]?[A-Z0-9•⚫■●])|[。！？](\s*)")
_ABBREV = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|cf|approx|incl|esp|viz|Inc|Ltd|LLC|LLP|Co|Corp|No|Nos|Mr|Mrs|Ms|Dr|"
    r"Prof|St|Art|Arts|Sec|Para|Tel|Fax|Ph|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"a\.m|p\.m|U\.S|U\.K|E\.U|[A-Z])\.)$"
)
# "Last updated: May 2021", "Effective date: ...": a date line, not a section title
_DATE_LINE = re.compile(r"(?:last\s+(?:updated?|modified|revised|amended|changed)|effective(?:\s+date)?|"
                        r"updated(?:\s+on)?|date\s+of\s+(?:last\s+)?(?:update|revision|effect))\b\s*:?",
                        re.IGNORECASE)
_TITLE_MAX_WORDS = 14
_TITLE_MAX_CHARS = 120


class Segment(NamedTuple):
    """One row of segmented text. ``lead_in`` is the id of the sentence ending in ':'
    that introduces a list item (``-1`` if none)."""

    sentence_id: int
    kind: str
    start: int
    end: int
    section: str
    lead_in: int


def is_title(body: str) -> bool:
    """A line that reads like a heading: short, no closing sentence punctuation."""
    if not body or len(body) > _TITLE_MAX_CHARS or len(body.split()) > _TITLE_MAX_WORDS:
        return False
    if body[-1] in ".;,:!。" or body.endswith(("etc", "and", "or")) or _DATE_LINE.match(body):
        return False
    first = body.lstrip("\"“‘(")[:1]
    return first.isupper() or first.isdigit()


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentence spans (absolute, whitespace-trimmed)."""
    spans: list[tuple[int, int]] = []
    cur = start
    for m in _SENT_END.finditer(text, max(start - 1, 0), end):
        cut = m.start(m.lastindex)
        # keep a closing quote/bracket with the sentence it closes
        while cut < m.end() and text[cut] in "\"”’)]":
            cut += 1
        if _ABBREV.search(text, max(cur, cut - 12), cut):
            continue
        if cut > cur and text[cur:cut].strip():
            spans.append((cur, cut))
        cur = m.end()
    if text[cur:end].strip():
        spans.append((cur, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _lines(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end) of their stripped content; blank lines as (-1, -1)."""
    out = []
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append((s, e) if e > s else (-1, -1))
    return out


def _marker(text: str, s: int, e: int) -> tuple[str, int, int]:
    """Return (marker type, heading depth, body start) for the line ``text[s:e]``."""
    if text[s].isalpha() and "." not in text[s + 1:s + 5] and ")" not in text[s + 1:s + 5]:
        return "", 0, s  # a letter not followed by "." or ")" within 4 characters starts no marker
    m = _BULLET.match(text, s, e)
    if m:
        return "bullet", 0, m.end()
    m = _DOTTED.match(text, s, e)
    if m:
        number = m.group(1) or m.group(2)
        return "number", number.count(".") + 1, m.end()
    m = _PAREN.match(text, s, e)
    if m:
        return "sub", 0, m.end()
    m = _LETTER.match(text, s, e)
    if m:
        return "number", 1, m.end()
    return "", 0, s


class _OpenList(NamedTuple):
    """A list being read: the sentence that announced it, its items' marker style, last number."""

    lead_in: int
    style: str | None  # None until the first item is seen
    last: int | None


def _style(text: str, s: int, marker: str, body: int) -> tuple[str, int | None]:
    """Marker style of a line (items of one list share it) and its number, if numeric.

    ``•`` and ``■`` are different styles; ``1.``, ``1)`` and ``1.1`` are three more;
    an unmarked line has style ``""``.
    """
    if not marker:
        return "", None
    mark = text[s:body].strip()
    if marker == "bullet":
        return "bullet" + mark[:1], None
    m = re.match(r"\(?(\d+(?:\.\d+)*)", mark)
    if m:
        parts = m.group(1).split(".")
        closer = ")" if mark.endswith(")") else "."
        return f"{'(' if mark.startswith('(') else ''}num{len(parts)}{closer}", int(parts[-1])
    opener = "(" if mark.startswith("(") else ""
    case = "upper" if mark.strip("().").isupper() else "lower"
    return f"{opener}{marker}-{case}{mark[-1]}", None


def _list_item_of(lists: list[_OpenList], style: str, number: int | None, title: bool) -> int | None:
    """If the line continues an open list, return that list's lead-in id (-1 if it has none).

    A list still waiting for its first item takes any marked or title-like line. Otherwise
    the line belongs to the innermost open list whose items have the same marker style and,
    for numbered items, a higher number (a restart such as a table of contents followed by
    its first section ends the list); a bullet of another glyph stays in the innermost
    bulleted list. Lists inside the matched one are closed; when no list matches, all are closed
    and ``None`` is returned.
    """
    if style or title:
        if lists and lists[-1].style is None:
            lists[-1] = lists[-1]._replace(style=style, last=number)
            return lists[-1].lead_in
        for i in range(len(lists) - 1, -1, -1):
            lst = lists[i]
            if lst.style == style and (number is None or lst.last is None or number > lst.last):
                del lists[i + 1:]
                lists[i] = lst._replace(last=number)
                return lst.lead_in
        if style.startswith("bullet"):  # a sub-bullet or another glyph: stays in the bulleted list
            for i in range(len(lists) - 1, -1, -1):
                if (lists[i].style or "").startswith("bullet"):
                    del lists[i + 1:]
                    return lists[i].lead_in
    lists.clear()
    return None


_HEADING_MAX_CHARS = 120  # a heading in a section path is cut to this many characters ...
_SECTION_MAX_CHARS = 300  # ... and a path to this many, keeping its innermost headings


def _clip(s: str, limit: int) -> str:
    return s if len(s) <= limit else s[:limit - 1] + "…"


def _section(stack: list[tuple[int, str]]) -> str:
    """The " > "-joined heading path, bounded: every sentence row repeats it, so output size
    stays linear in the input however deeply headings nest. Outer headings are dropped
    first ("… > " marks the cut)."""
    path = " > ".join(h for _, h in stack)
    if len(path) <= _SECTION_MAX_CHARS:
        return path
    kept: list[str] = []
    size = len("… > ") - len(" > ")
    for _, h in reversed(stack):
        size += len(h) + len(" > ")
        if size > _SECTION_MAX_CHARS and kept:
            break
        kept.append(h)
    return _clip(" > ".join(["…", *reversed(kept)]), _SECTION_MAX_CHARS)


def segment(text: str) -> list[Segment]:
    """Segment a policy into heading, list-item and sentence rows in document order.

    A policy that opens with a table of contents (list items that repeat later headings)
    names its top-level sections there: an unnumbered heading listed in it is not nested
    under the numbered heading before it (segmented twice only when that happens)."""
    rows = _segment(text, frozenset())
    nested = [r for r in rows if r.kind == KIND_HEADING and " > " in r.section and r.end - r.start <= _TOC_ENTRY_CHARS
              and not _marker(text, r.start, r.end)[0]]
    if not nested:
        return rows
    near = bytearray(_TOC_ENTRY_CHARS + 1)  # entry lengths that could repeat a nested heading's title
    for r in nested:
        n = r.end - r.start
        near[max(0, n - _TOC_SLACK):n + _TOC_SLACK + 1] = b"\x01" * len(near[max(0, n - _TOC_SLACK):n + _TOC_SLACK + 1])
    keys = {title_key(text[r.start:r.end]) for r in nested}
    top = frozenset(keys & {title_key(text[r.start:r.end]) for r in rows if r.kind == KIND_LIST_ITEM
                            and r.end - r.start <= _TOC_ENTRY_CHARS and near[r.end - r.start]})
    return _segment(text, top) if top else rows


_KEY_LEAD = re.compile(r"[\W\d_]*(?:[ivxlc]{1,5}[.)]\s*|[a-z][.)]\s+)?")
_TOC_ENTRY_CHARS = 160
_TOC_SLACK = 12  # characters of numbering and punctuation an entry and its heading may differ by


def title_key(title: str) -> str:
    """A heading or table-of-contents entry, compared without numbering, case, quotes or spacing."""
    low = title.replace("’", "'").lower()
    end = len(low)
    while end and not low[end - 1].isalnum():
        end -= 1
    return " ".join(low[_KEY_LEAD.match(low, 0, end).end():end].split())


def table_of_contents(text: str, rows: list[Segment]) -> int:
    """Bitmask of the list items that repeat a later heading (a table of contents): titles,
    not statements, so no evidence for any code."""
    later: set[str] = set()
    mask = 0
    for r in reversed(rows):
        if r.kind == KIND_HEADING:
            later.add(title_key(text[r.start:r.end]))
        elif r.kind == KIND_LIST_ITEM and r.end - r.start <= _TOC_ENTRY_CHARS and later \
                and title_key(text[r.start:r.end]) in later:
            mask |= 1 << r.sentence_id
    return mask


def _segment(text: str, top: frozenset[str]) -> list[Segment]:
    """:func:`segment`, with the title keys of the unnumbered headings that are top-level."""
    lines = _lines(text)
    rows: list[Segment] = []
    stack: list[tuple[int, str]] = []  # (depth, heading text)
    lists: list[_OpenList] = []  # open lists, outermost first
    numbered_depth = 0
    section = ""  # " > "-joined heading path of the current line
    following: list[tuple[int, int] | None] = [None] * len(lines)  # next non-blank line of each line
    for i in range(len(lines) - 2, -1, -1):
        following[i] = lines[i + 1] if lines[i + 1][0] >= 0 else following[i + 1]
    for i, (s, e) in enumerate(lines):
        if s < 0:
            continue
        kind_marker, depth, body = _marker(text, s, e)
        body_text = text[body:e]
        title = is_title(body_text)
        style, number = _style(text, s, kind_marker, body)
        lead_in = _list_item_of(lists, style, number, title) if lists else None
        if lead_in == -1 and title and kind_marker in ("number", "sub"):
            lead_in = None  # in a list nobody announced, a numbered title is a heading
        nxt = following[i]
        is_heading = False
        if kind_marker in ("number", "sub"):
            is_heading = title and lead_in is None
            if is_heading and kind_marker == "sub":
                depth = numbered_depth + 1
        elif kind_marker == "":
            # unnumbered heading: title-like and followed by longer body text or a marker
            if title and lead_in is None and nxt is not None:
                nk, _, nb = _marker(text, *nxt)
                is_heading = bool(nk) or not is_title(text[nb:nxt[1]])
                depth = numbered_depth + 1 if numbered_depth else 1
                if is_heading and top and title_key(body_text) in top:
                    depth, numbered_depth = 1, 1  # its (ii), (iii) sub-headings nest under it
        if is_heading:
            if kind_marker == "number":
                numbered_depth = depth
            while stack and stack[-1][0] >= depth:
                stack.pop()
            stack.append((depth, _clip(" ".join(text[s:e].split()), _HEADING_MAX_CHARS)))
            section = _section(stack)  # the heading path, until the next heading
            rows.append(Segment(len(rows), KIND_HEADING, s, e, section, -1))
            lists.clear()
            continue
        in_list = kind_marker != "" or lead_in is not None
        kind = KIND_LIST_ITEM if in_list else KIND_SENTENCE
        if in_list and lead_in is None:  # a list nobody announced
            lists[:] = [_OpenList(-1, style, number)]
            lead_in = -1
        for a, b in split_sentences(text, body, e):
            rows.append(Segment(len(rows), kind, a, b, section, lead_in if in_list else -1))
        last = rows[-1] if rows and rows[-1].end == e else None
        if last is not None and text[e - 1] in ":：":
            if not in_list:
                lists.clear()
            lists.append(_OpenList(last.sentence_id, None, None))
    return rows


def announced_lists_without_items(text: str, rows: list[Segment]) -> list[Segment]:
    """Sentences ending in ':' (announcing a list) after which the section ends: a heading or
    the end of the text follows. Items written as plain paragraphs ("... for the following
    reasons:" then "To our subsidiaries ...") are items, so those announcements are not flagged."""
    out = []
    for i, r in enumerate(rows):
        if r.kind == KIND_HEADING or text[r.end - 1] not in ":：":
            continue
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if nxt is None or nxt.kind == KIND_HEADING:
            out.append(r)
    return out
