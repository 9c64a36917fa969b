"""Apply the compiled codebook to a segmented policy: one finding per supporting sentence.

Each codebook pattern runs only on the sentences that contain a literal of every one of
its required trigger sets (see :mod:`analysis.prefilter`). A hit counts when

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
statement), and only when a statement follows under them; every other dimension needs a
sentence or list item. A rule's or its context's ``veto`` pattern, matched at the start of
the sentence, cancels the code there ("if you want to delete your e-mail address, you can ..."
is about a right, not a collection).
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .codebook import Codebook, CodeRule, Context, lower_variant
from .prefilter import TriggerIndex, rows_of
from .segment import KIND_HEADING, Segment, is_title, table_of_contents

# a purpose clause that opens a sentence or list item ("To assist you with resetting your password")
_PURPOSE = re.compile(r"\W{0,3}(?:in\s+order\s+)?to\s+(?!the\s+extent)[a-z]+", re.IGNORECASE)
# a sentence that opens by pointing back at the one before it, in the same paragraph
_CONTINUES = re.compile(r"(?:these|this|they|such|those|it|in\s+addition|additionally|also|for\s+(?:example|instance)"
                        r"|e\.g\.|specifically|namely|including)\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[;:]|\bbut\b|\bhowever\b|\bwhereas\b|\bwhile\b", re.IGNORECASE)


STATES = "states"
DENIES = "denies"
POLARITIES = (STATES, DENIES)


class Finding(NamedTuple):
    """A code supported by one sentence: the sentence ``states`` the practice, or ``denies``
    it ("we do not collect audio", "we do not share ... with advertisers")."""

    dimension: str
    code: str
    sentence_id: int
    start: int
    end: int
    polarity: str = STATES


def lowered(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset (true for nearly all text), else None."""
    low = text.lower()
    return low if len(low) == len(text) else None


_NEGATOR = re.compile(
    r"(?:(?<!whether or )\bnot\b(?!\s+(?:limited|limit|only|just|necessarily|exhaustive|restricted|exclusively))"
    r"|\bno\b(?!\s+(?:later|less|more|matter|longer\s+than))|\b(?:never|neither|nor|cannot)\b|n[’']t\b)",
    re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:if|unless|should|in\s+case|whether)\s+(?:[\w’']+\s+){0,3}$", re.IGNORECASE)
_BOUNDARY = re.compile(r"[;:.!?]|\b(?:but|however|whereas|although|though|and\s+(?:we|you|it|they))\b", re.IGNORECASE)
PHRASE_NEGATION_WORDS = 12
VERB_NEGATION_WORDS = 10
# Between a negator and the verb it denies only auxiliaries, adverbs and a coordinated verb may
# stand ("we do not sell", "will not and have never shared", "do not knowingly collect",
# "do not sell, rent or trade"): "does not cover the use of cookies" or "cannot control ...
# with whom you share" deny another verb, so they are no denial of the practice.
_DENIAL_GAP = re.compile(
    r"(?:[\s,]+|\b(?:and|or|nor|be|been|being|ever|have|has|had|will|shall|would|should|can|could|may|"
    r"might|must|do|does|did|it|we|they|in\s+any\s+(?:way|case|form)|at\s+any\s+time|any\s+longer|"
    r"sell|sold|rent|rented|trade|traded|lease|leased|share|shared|disclose|disclosed|\w+ly)\b)*")


def _last_negator(text: str, start: int, pos: int, width: int,
                  is_lower: bool) -> tuple[str, int] | None:
    """The text between the last negator within ``width`` characters before ``pos`` (inside
    ``text[start:pos]``) and ``pos``, with the negator's offset; None if there is none, or if
    it is part of a condition such as "if you do not provide ..."."""
    window = text[max(start, pos - width):pos]
    last = None
    for last in _for(_NEGATOR, is_lower).finditer(window):
        pass
    if last is None:
        return None
    negator_at = pos - len(window) + last.start()
    if _for(_CONDITIONAL, is_lower).search(text[max(start, negator_at - 40):negator_at]):
        return None
    return window[last.end():], negator_at


def negated_before(text: str, start: int, pos: int, max_words: int, is_lower: bool = False) -> bool:
    """True if a negator stands at most ``max_words`` words before ``pos`` (within
    ``text[start:pos]``, no clause boundary in between) and is not part of a condition
    such as "if you do not provide ...". ``is_lower``: ``text`` is the lower-cased text, so
    the faster case-sensitive variants of the patterns apply (see ``lower_variant``)."""
    found = _last_negator(text, start, pos, 12 * (max_words + 2), is_lower)
    if found is None:
        return False
    tail = found[0]
    return len(tail.split()) <= max_words and not _for(_BOUNDARY, is_lower).search(tail)


def strictly_negated(text: str, start: int, pos: int, is_lower: bool = False) -> bool:
    """True if a negator stands right before ``pos`` in ``text[start:pos]``, with only
    auxiliaries, adverbs and coordinated sharing verbs in between (see ``_DENIAL_GAP``), and
    is not part of a condition ("if you do not provide ...")."""
    found = _last_negator(text, start, pos, 80, is_lower)
    return found is not None and _DENIAL_GAP.fullmatch(found[0]) is not None


def denied_context(ctx: Context, text: str, start: int, end: int, low: str | None = None) -> bool:
    """True if some occurrence of the context verb in ``text[start:end]`` is strictly negated
    (:func:`strictly_negated`): the sentence denies the practice rather than being silent."""
    pattern, src = _searchable(ctx.pattern, text, low)
    return any(strictly_negated(src, start, m.start(), low is not None) for m in pattern.finditer(src, start, end))


def _for(pattern: re.Pattern[str], is_lower: bool) -> re.Pattern[str]:
    """``pattern``, or its faster variant for the lower-cased text."""
    return (lower_variant(pattern) or pattern) if is_lower else pattern


def _searchable(pattern: re.Pattern[str], text: str, low: str | None) -> tuple[re.Pattern[str], str]:
    """``pattern`` and the text to search with it: its case-sensitive variant and the
    lower-cased text when both exist (faster, same offsets), else itself and ``text``."""
    lower = lower_variant(pattern) if low is not None else None
    return (pattern, text) if lower is None else (lower, low)  # type: ignore[return-value]


def context_state(ctx: Context, exception: re.Pattern[str], text: str, start: int, end: int,
                  low: str | None = None, negation: bool = True) -> str | None:
    """'pos' if the context occurs un-negated in ``text[start:end]``, 'neg' if only negated
    (and the span states no exception), else None. ``low``: ``text.lower()`` if it keeps
    offsets; ``negation=False`` skips the negation check (the caller knows there is no negator)."""
    negated = found = False
    pattern, not_after, src = ctx.pattern, ctx.not_after, text
    if low is not None:
        lower, lower_not_after = lower_variant(pattern), not_after and lower_variant(not_after)
        if lower is not None and (not_after is None or lower_not_after is not None):
            pattern, not_after, src = lower, lower_not_after, low
    for m in pattern.finditer(src, start, end):
        if not_after is not None and not_after.search(src, max(start, m.start() - 60), m.start()):
            continue
        found = True
        if ctx.negatable and negation and negated_before(text if low is None else low, start, m.start(),
                                                         VERB_NEGATION_WORDS, low is not None):
            negated = True
        else:
            return "pos"
    if not found:
        return None
    return "pos" if negated and exception.search(text, start, end) else "neg"


# Words that _NEGATOR and _CLAUSE need (besides "n't" and ";", ":"): a row without any of
# them has no negator and no clause boundary, so the regexes need not run on it.
NEGATOR_WORDS = ("not", "no", "never", "neither", "nor", "cannot")
CLAUSE_WORDS = ("but", "however", "whereas", "while")


def _rows_with(index: TriggerIndex, words: tuple[str, ...], substrings: tuple[str, ...] = ()) -> int | None:
    """Bitmask of the rows holding one of ``words`` (as a whole word) or ``substrings``; None if unknown."""
    if index.low is None:
        return None
    out = 0
    for w in words:
        out |= index.words.get(w, 0)
    for sub in substrings:
        out |= index.find(sub)
    return out


class _Memo:
    """Per-document memo: many rules ask the same question of the same sentence (is there
    an un-negated collection verb in it? where are its clause boundaries?)."""

    def __init__(self, text: str, rows: list[Segment], book: Codebook, index: TriggerIndex,
                 context_rows: dict[str, int]) -> None:
        self.text, self.rows, self.book = text, rows, book
        self.low = index.low
        self._clauses: dict[int, list[tuple[int, int]]] = {}
        self._states: dict[tuple[str, int, int], str | None] = {}
        self._exceptions: dict[int, bool] = {}
        self._vetoes: dict[tuple[int, int], bool] = {}
        self._clause_rows = _rows_with(index, CLAUSE_WORDS, (";", ":"))
        self._negator_rows = _rows_with(index, NEGATOR_WORDS, ("n't", "n’t"))
        self._context_rows = context_rows  # context name -> bitmask of the rows that may hold it

    def may_negate(self, i: int) -> bool:
        """False if row ``i`` holds no negator word at all."""
        return self._negator_rows is None or bool(self._negator_rows >> i & 1)

    def clause_bounds(self, i: int, pos: int) -> tuple[int, int]:
        """The clause of row ``i`` (split at ``;``, ``:``, "but", "however"...) holding ``pos``."""
        row = self.rows[i]
        marks = self._clauses.get(i)
        if marks is None and self._clause_rows is not None and not self._clause_rows >> i & 1:
            marks = self._clauses[i] = []
        if marks is None:
            clause, src = _searchable(_CLAUSE, self.text, self.low)
            marks = self._clauses[i] = [m.span() for m in clause.finditer(src, row.start, row.end)]
        a, b = row.start, row.end
        for start, end in marks:
            if end <= pos:
                a = end
            elif start >= pos:
                b = start
                break
        return a, b

    def state(self, ctx: Context, i: int, start: int, end: int) -> str | None:
        """:func:`context_state` of ``text[start:end]`` (a span of row ``i``), computed once per span."""
        if not self._context_rows[ctx.name] >> i & 1:
            return None  # the row holds none of the context's required words
        key = (ctx.name, start, end)
        if key not in self._states:
            self._states[key] = context_state(ctx, self.book.exception, self.text, start, end, self.low,
                                              negation=self.may_negate(i))
        return self._states[key]

    def vetoed(self, veto: re.Pattern[str] | None, i: int) -> bool:
        """True if row ``i`` opens with ``veto`` (a rule's or a context's sentence veto)."""
        if veto is None:
            return False
        key = (id(veto), i)
        if key not in self._vetoes:
            pattern, src = _searchable(veto, self.text, self.low)
            self._vetoes[key] = pattern.match(src, self.rows[i].start, self.rows[i].end) is not None
        return self._vetoes[key]

    def has_exception(self, i: int) -> bool:
        """True if row ``i`` states an exception ("except", "unless", "without your consent")."""
        if i not in self._exceptions:
            row = self.rows[i]
            self._exceptions[i] = self.book.exception.search(self.text, row.start, row.end) is not None
        return self._exceptions[i]


def _accept(rule: CodeRule, memo: _Memo, i: int, hit: tuple[int, int]) -> str | None:
    """The polarity a hit gives its sentence: ``STATES``, ``DENIES`` (a negatable code whose
    phrase or every context verb is negated, with no exception stated), or None (no context)."""
    ctx, rows = rule.requires, memo.rows
    row = rows[i]
    if memo.vetoed(rule.veto, i) or (ctx is not None and memo.vetoed(ctx.veto, i)):
        return None
    cs, ce = memo.clause_bounds(i, hit[0])
    phrase_denied = (rule.negatable and memo.may_negate(i)
                     and negated_before(memo.text if memo.low is None else memo.low, cs, hit[0],
                                        PHRASE_NEGATION_WORDS, memo.low is not None)
                     and not memo.has_exception(i))
    if ctx is None:
        if not phrase_denied:
            return STATES
        return DENIES if strictly_negated(memo.text if memo.low is None else memo.low, cs, hit[0],
                                          memo.low is not None) else None
    state = None
    if rule.negatable:
        state = memo.state(ctx, i, cs, ce)
    if state is None:
        state = memo.state(ctx, i, row.start, row.end)
    if state is None and rule.dimension == "data_type" and _PURPOSE.match(memo.text, row.start):
        return None  # "To reset your password": a purpose under a lead-in, no statement that data is collected
    if state is None and row.lead_in >= 0:
        lead = rows[row.lead_in]
        state = memo.state(ctx, row.lead_in, lead.start, lead.end)
    if state is None and i > 0 and _CONTINUES.match(memo.text, row.start):
        prev = rows[i - 1]  # "You have certain rights. These include the right (i) to ...": the sentence before
        if prev.kind != KIND_HEADING and "\n" not in memo.text[prev.end:row.start]:
            state = memo.state(ctx, i - 1, prev.start, prev.end)
    if state is None and row.section and ctx.pattern.search(row.section):
        state = "pos"
    if state == "neg" and not rule.negatable:
        state = "pos"
    if state == "pos":
        return None if phrase_denied else STATES
    if state == "neg":  # every context verb is negated: a denial only if one is denied outright
        return DENIES if _denies(memo, i, cs, ce, ctx) else None
    return None


def _denies(memo: _Memo, i: int, cs: int, ce: int, ctx: Context) -> bool:
    """Whether the negated context of row ``i`` is a denial: a context verb of the hit's
    clause (else of the row) is strictly negated."""
    row = memo.rows[i]
    return (denied_context(ctx, memo.text, cs, ce, memo.low)
            or ((cs, ce) != (row.start, row.end) and denied_context(ctx, memo.text, row.start, row.end, memo.low)))


def _has_body(rows: list[Segment], i: int) -> bool:
    """True if heading ``i`` has a statement under it: the next row is no heading (a
    table-of-contents line or an empty section heading is no evidence)."""
    return i + 1 < len(rows) and rows[i + 1].kind != KIND_HEADING


def match_rules(text: str, rows: list[Segment], book: Codebook, low: str | None = None,
                index: TriggerIndex | None = None) -> list[Finding]:
    """All (code, sentence) findings of a segmented text, in codebook order then text order.

    A sentence supports a code as soon as one hit is accepted, so its search stops there:
    the rest of the sentence and the code's remaining patterns are not searched on it.
    """
    index = index or TriggerIndex(lowered(text) if low is None else low, rows)
    low = index.low
    out: list[Finding] = []
    part_rows, exclude_rows, context_rows = book.split_candidates(index.masks(book.triggers))
    candidates = iter(part_rows)
    memo = _Memo(text, rows, book, index, context_rows)
    titles = table_of_contents(text, rows)  # entries of a table of contents are no statements
    for rule, may_exclude in zip(book.rules, exclude_rows):
        found = 0  # bitmask of the rows that state the code
        denied = 0  # bitmask of the rows with a denying hit (a stating hit elsewhere in the row wins)
        skip_headings = rule.dimension != "practice"
        exclude, exclude_src = (None, text) if rule.exclude is None else _searchable(rule.exclude, text, low)
        vetoes: dict[int, list[tuple[int, int]]] = {}
        for (part, _), mask in zip(rule.parts, candidates):
            mask &= ~(found | titles)
            if not mask:
                continue
            pattern, src = _searchable(part, text, low)
            for i in rows_of(mask):
                row = rows[i]
                if row.kind == KIND_HEADING and (skip_headings or not _has_body(rows, i)):
                    continue
                for m in pattern.finditer(src, row.start, row.end):
                    start, end = m.span()
                    if end <= start:
                        continue
                    if exclude is not None and may_exclude >> i & 1:
                        vetoed = vetoes.get(i)
                        if vetoed is None:
                            vetoed = vetoes[i] = [v.span() for v in exclude.finditer(exclude_src, row.start, row.end)]
                        if any(a < end and start < b for a, b in vetoed):
                            continue
                    polarity = _accept(rule, memo, i, (start, end))
                    if polarity == STATES:
                        found |= 1 << i
                        break
                    if polarity == DENIES:
                        denied |= 1 << i
        for i in rows_of(found | denied):
            row = rows[i]
            if found >> i & 1:
                out.append(Finding(rule.dimension, rule.code, row.sentence_id, row.start, row.end))
                out.extend(Finding(book.dimensions[c], c, row.sentence_id, row.start, row.end) for c in rule.implies)
            else:  # a denial implies nothing: "no period is given" is not a retention statement
                out.append(Finding(rule.dimension, rule.code, row.sentence_id, row.start, row.end, DENIES))
    return _one_per_sentence(out + _list_items_continue(out, rows, book, text))


def _list_items_continue(findings: list[Finding], rows: list[Segment], book: Codebook, text: str) -> list[Finding]:
    """A lead-in that states a right ("you may ask us to delete your data in the following
    cases:") carries it to each of its list items, which only complete it ("where our processing
    is unlawful;"). A lead-in that names no right ("you have the following rights:") carries
    nothing, and an item that reads like a title ("Withdrawal of consent") names a topic of its
    own, so each item of a list of rights supports only its own right."""
    carried: dict[int, list[str]] = {}
    for f in findings:
        if f.dimension == "right" and f.polarity == STATES:
            carried.setdefault(f.sentence_id, []).append(f.code)
    if not carried:
        return []
    out = []
    for row in rows:
        if (row.lead_in >= 0 and row.lead_in in carried and row.kind != KIND_HEADING
                and not is_title(text[row.start:row.end])):  # "Withdrawal of consent" names a right of its own
            out.extend(Finding(book.dimensions[c], c, row.sentence_id, row.start, row.end)
                       for c in carried[row.lead_in])
    return out


def _one_per_sentence(findings: list[Finding]) -> list[Finding]:
    """One finding per (code, sentence), first seen first; a statement (also one implied by
    another code) wins over a denial of the same code in the same sentence."""
    kept: dict[tuple[str, int], Finding] = {}
    for f in findings:
        old = kept.get((f.code, f.sentence_id))
        if old is None or (old.polarity == DENIES and f.polarity == STATES):
            kept[(f.code, f.sentence_id)] = f
    return list(kept.values())
