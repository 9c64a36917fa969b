"""Apply the compiled codebook to a segmented policy: one finding per supporting sentence.

Each codebook pattern runs only on the sentences that contain a literal of every one of
its required trigger sets (see :func:`analysis.codebook.required_trigger_sets`), found
through a word-prefix index of the text (:class:`TriggerIndex`). A hit counts when

1. no ``exclude`` pattern overlaps it (so "device name" does not count as a name);
2. its required context (a collection verb, a sharing verb, a user-facing modal...)
   occurs in the hit's clause or sentence, else in the sentence that introduces its
   list, else in its heading path; and
3. neither the phrase ("no audio is recorded", "does not contain a camera") nor every
   occurrence of the context verb ("we do not sell, rent or trade") is negated, unless
   the sentence carries an exception ("except", "unless", "without your consent"),
   which turns a denial into a conditional permission. A negator inside a condition
   ("if you do not provide your e-mail address") does not deny anything.

Headings support only ``practice`` codes (a "Children's privacy" heading is itself the
statement); every other dimension needs a sentence or list item.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import NamedTuple

from .codebook import ANCHOR, Codebook, CodeRule, Context
from .segment import KIND_HEADING, Segment

_CLAUSE = re.compile(r"[;:]|\bbut\b|\bhowever\b|\bwhereas\b|\bwhile\b", re.IGNORECASE)


class Finding(NamedTuple):
    """A code supported by one sentence."""

    dimension: str
    code: str
    sentence_id: int
    start: int
    end: int


def lowered(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset (true for nearly all text), else None."""
    low = text.lower()
    return low if len(low) == len(text) else None


_WORD = re.compile(r"\w+")


class TriggerIndex:
    """Finds the rows that contain trigger literals of one lower-cased text.

    Word-initial triggers (marked with :data:`~analysis.codebook.ANCHOR`) are looked up by
    prefix in a sorted vocabulary of the text's words; other triggers fall back to
    ``str.find``. Built once per document and shared by every rule.
    """

    def __init__(self, low: str | None, rows: list[Segment]) -> None:
        self.low, self.rows = low, rows
        self.starts = [r.start for r in rows]
        self.words: dict[str, set[int]] = {}
        if low is not None:
            words = self.words
            for i, r in enumerate(rows):
                for w in set(_WORD.findall(low, r.start, r.end)):
                    if w in words:
                        words[w].add(i)
                    else:
                        words[w] = {i}
        self.vocab = sorted(self.words)

    def _prefix(self, prefix: str) -> set[int]:
        out: set[int] = set()
        j = bisect_left(self.vocab, prefix)
        while j < len(self.vocab) and self.vocab[j].startswith(prefix):
            out |= self.words[self.vocab[j]]
            j += 1
        return out

    def _find(self, t: str) -> set[int]:
        found: set[int] = set()
        low, rows, starts = self.low, self.rows, self.starts
        pos = low.find(t) if low is not None else -1
        while pos != -1:
            i = bisect_right(starts, pos) - 1
            if i >= 0 and pos < rows[i].end:
                found.add(i)
                pos = low.find(t, rows[i].end)
            else:
                pos = low.find(t, pos + 1)
        return found

    def rows_for_all(self, sets: Iterable[Iterable[str]] | None) -> list[int]:
        """Rows that contain a literal of *every* set (every row if there is no prefilter)."""
        if sets is None or self.low is None:
            return list(range(len(self.rows)))
        found: set[int] | None = None
        for s in sets:
            rows = set(self.rows_for(s))
            found = rows if found is None else found & rows
            if not found:
                return []
        return sorted(found) if found is not None else list(range(len(self.rows)))

    def rows_for(self, triggers: Iterable[str] | None) -> list[int]:
        """Indices of rows containing any trigger (every row if there is no prefilter)."""
        if triggers is None or self.low is None:
            return list(range(len(self.rows)))
        found: set[int] = set()
        for t in triggers:
            if t.startswith(ANCHOR) and t[1:].replace("_", "").isalnum():
                found |= self._prefix(t[1:])
            else:
                found |= self._find(t.lstrip(ANCHOR))
        return sorted(found)


_NEGATOR = re.compile(
    r"(?:(?<!whether or )\bnot\b(?!\s+(?:limited|only|just|necessarily|exhaustive|restricted|exclusively))"
    r"|\bno\b(?!\s+(?:later|less|more|matter|longer\s+than))|\b(?:never|neither|nor|cannot)\b|n[’']t\b)",
    re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:if|unless|should|in\s+case|whether)\s+(?:[\w’']+\s+){0,3}$", re.IGNORECASE)
_BOUNDARY = re.compile(r"[;:.!?]|\b(?:but|however|whereas|although|though|and\s+(?:we|you|it|they))\b", re.IGNORECASE)
PHRASE_NEGATION_WORDS = 12
VERB_NEGATION_WORDS = 10


def negated_before(text: str, start: int, pos: int, max_words: int) -> bool:
    """True if a negator stands at most ``max_words`` words before ``pos`` (within
    ``text[start:pos]``, no clause boundary in between) and is not part of a condition
    such as "if you do not provide ..."."""
    window = text[max(start, pos - 12 * (max_words + 2)):pos]
    last = None
    for last in _NEGATOR.finditer(window):
        pass
    if last is None:
        return False
    tail = window[last.end():]
    if len(tail.split()) > max_words or _BOUNDARY.search(tail):
        return False
    negator_at = pos - len(window) + last.start()
    return not _CONDITIONAL.search(text[max(start, negator_at - 40):negator_at])


def context_state(ctx: Context, exception: re.Pattern[str], text: str, start: int, end: int) -> str | None:
    """'pos' if the context occurs un-negated in ``text[start:end]``, 'neg' if only negated
    (and the span states no exception), else None."""
    negated = found = False
    for m in ctx.pattern.finditer(text, start, end):
        if ctx.not_after is not None and ctx.not_after.search(text, max(start, m.start() - 60), m.start()):
            continue
        found = True
        if ctx.negatable and negated_before(text, start, m.start(), VERB_NEGATION_WORDS):
            negated = True
        else:
            return "pos"
    if not found:
        return None
    return "pos" if negated and exception.search(text, start, end) else "neg"


def _clause_bounds(text: str, s: int, e: int, pos: int) -> tuple[int, int]:
    a, b = s, e
    for m in _CLAUSE.finditer(text, s, e):
        if m.end() <= pos:
            a = m.end()
        elif m.start() >= pos:
            b = m.start()
            break
    return a, b


def _accept(rule: CodeRule, book: Codebook, text: str, rows: list[Segment], row: Segment,
            hit: tuple[int, int]) -> bool:
    ctx = rule.requires
    cs, ce = _clause_bounds(text, row.start, row.end, hit[0])
    if (rule.negatable and negated_before(text, cs, hit[0], PHRASE_NEGATION_WORDS)
            and not book.exception.search(text, row.start, row.end)):
        return False
    if ctx is None:
        return True
    state = None
    if rule.negatable:
        state = context_state(ctx, book.exception, text, cs, ce)
    if state is None:
        state = context_state(ctx, book.exception, text, row.start, row.end)
    if state is None and row.lead_in >= 0:
        lead = rows[row.lead_in]
        state = context_state(ctx, book.exception, text, lead.start, lead.end)
    if state is None and row.section and ctx.pattern.search(row.section):
        state = "pos"
    if state == "neg" and not rule.negatable:
        state = "pos"
    return state == "pos"


def match_rules(text: str, rows: list[Segment], book: Codebook, low: str | None = None,
                index: TriggerIndex | None = None) -> list[Finding]:
    """All (code, sentence) findings of a segmented text, in codebook order then text order."""
    index = index or TriggerIndex(lowered(text) if low is None else low, rows)
    out: list[Finding] = []
    for rule in book.rules:
        hits: dict[int, list[tuple[int, int]]] = {}
        for part, trigger_sets in rule.parts:
            for i in index.rows_for_all(trigger_sets):
                row = rows[i]
                if row.kind == KIND_HEADING and rule.dimension != "practice":
                    continue
                for m in part.finditer(text, row.start, row.end):
                    if m.end() > m.start():
                        hits.setdefault(i, []).append((m.start(), m.end()))
        for i in sorted(hits):
            row, spans = rows[i], sorted(set(hits[i]))
            if rule.exclude is not None:
                vetoes = [(m.start(), m.end()) for m in rule.exclude.finditer(text, row.start, row.end)]
                spans = [h for h in spans if not any(a < h[1] and h[0] < b for a, b in vetoes)]
            if any(_accept(rule, book, text, rows, row, h) for h in spans):
                out.append(Finding(rule.dimension, rule.code, row.sentence_id, row.start, row.end))
                out.extend(Finding(book.dimensions[c], c, row.sentence_id, row.start, row.end) for c in rule.implies)
    return list(dict.fromkeys(out))
