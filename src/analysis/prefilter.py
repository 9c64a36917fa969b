"""Literal prefilter: which sentences of a document can a codebook pattern match at all?

Every codebook pattern needs certain literals: ``request ... your ... data`` needs one of
the verbs *and* one of the possessives *and* one of the nouns
(:func:`analysis.codebook.required_trigger_sets`). Looking literals up in a word index
is far cheaper than running a regex, so a pattern only runs on the sentences that
contain a literal of each of its sets. A prefilter never changes a result: it only skips
sentences on which the pattern cannot match.

:class:`TriggerTable` numbers the literals of a whole codebook once; each word of a text
is mapped to the literals it carries (cached across documents, since policies share
their vocabulary). :class:`TriggerIndex` is the per-document side: the rows of each
word, and from them the candidate rows of every pattern.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from .segment import Segment

ANCHOR = "\x01"  # prefix: the literal starts a word (see codebook.required_trigger_sets)
FINAL = "\x02"  # suffix: the literal ends a word
TriggerSets = tuple[frozenset[str], ...]  # a literal of each set is required
TriggerAlternatives = tuple[TriggerSets, ...]  # any one alternative suffices
_WORD = re.compile(r"\w+")
_WORD_CACHE_LIMIT = 200_000  # distinct words remembered per table before the cache is reset


def _is_word_literal(lit: str) -> bool:
    return lit.replace("_", "").isalnum()


class TriggerTable:
    """The trigger literals of a list of patterns, numbered, and each pattern's required
    sets (one tuple of sets per top-level alternative of the pattern).

    A word literal marked with both :data:`ANCHOR` and :data:`FINAL` is a whole word; with
    :data:`ANCHOR` only, a word prefix; with :data:`FINAL` only, a word suffix; unmarked,
    it may occur anywhere inside a word. A literal with punctuation is found by substring
    search of the text.
    """

    def __init__(self, pattern_alternatives: Sequence[TriggerAlternatives | None]) -> None:
        ids: dict[str, int] = {}
        set_ids: dict[tuple[int, ...], int] = {}
        self.pattern_sets: list[tuple[tuple[int, ...], ...] | None] = []
        for alternatives in pattern_alternatives:
            if alternatives is None:
                self.pattern_sets.append(None)
                continue
            alts = []
            for sets in alternatives:
                sids = []
                for s in sets:
                    key = tuple(sorted(ids.setdefault(lit, len(ids)) for lit in s))
                    sids.append(set_ids.setdefault(key, len(set_ids)))
                alts.append(tuple(sids))
            self.pattern_sets.append(tuple(alts))
        self.literals = sorted(ids, key=ids.__getitem__)
        self.sets_of: list[list[int]] = [[] for _ in ids]
        for key, sid in set_ids.items():
            for tid in key:
                self.sets_of[tid].append(sid)
        self.n_sets = len(set_ids)
        self.exact: dict[str, int] = {}
        self.prefix: dict[str, int] = {}
        self.suffix: list[tuple[str, int]] = []
        self.inner: list[tuple[str, int]] = []
        self.other: list[tuple[str, int]] = []
        for lit, tid in ids.items():
            bare = lit.strip(ANCHOR + FINAL)
            if not _is_word_literal(bare):
                self.other.append((bare, tid))
            elif lit.startswith(ANCHOR) and lit.endswith(FINAL):
                self.exact[bare] = tid
            elif lit.startswith(ANCHOR):
                self.prefix[bare] = tid
            elif lit.endswith(FINAL):
                self.suffix.append((bare, tid))
            else:
                self.inner.append((bare, tid))
        self._min = min((len(p) for p in self.prefix), default=1)
        self._words: dict[str, tuple[int, ...]] = {}  # word -> the sets it satisfies

    def word_triggers(self, word: str) -> tuple[int, ...]:
        """Ids of the word literals that ``word`` (lower case, one ``\\w+`` run) carries."""
        prefix = self.prefix
        found = [prefix[word[:k]] for k in range(self._min, len(word) + 1) if word[:k] in prefix]
        if word in self.exact:
            found.append(self.exact[word])
        found += [tid for lit, tid in self.suffix if word.endswith(lit)]
        found += [tid for lit, tid in self.inner if lit in word]
        return tuple(found)

    def word_sets(self, word: str) -> tuple[int, ...]:
        """Ids of the required sets that ``word`` satisfies (cached across documents)."""
        hit = self._words.get(word)
        if hit is None:
            hit = tuple(sorted({sid for tid in self.word_triggers(word) for sid in self.sets_of[tid]}))
            if len(self._words) >= _WORD_CACHE_LIMIT:
                self._words.clear()
            self._words[word] = hit
        return hit


def rows_of(mask: int) -> list[int]:
    """The row numbers set in a row bitmask (bit ``i`` stands for row ``i``), ascending."""
    out = []
    while mask:  # one step per set bit: candidate masks are sparse
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


class TriggerIndex:
    """The words of one lower-cased text and the rows they occur in.

    Built once per document and shared by the codebook rules and the fact finders, which
    ask it for the candidate rows of every pattern of a :class:`TriggerTable`. Sets of
    rows are bitmasks (bit ``i`` for row ``i``; :func:`rows_of` lists them): a union or
    an intersection of two is then one integer operation.
    ``low`` is None when lower-casing would shift offsets; then every row is a candidate.
    """

    def __init__(self, low: str | None, rows: list[Segment]) -> None:
        self.low, self.rows = low, rows
        self.starts = [r.start for r in rows]
        self.every = (1 << len(rows)) - 1
        self.words: dict[str, int] = {}  # word -> bitmask of the rows holding it
        if low is not None:
            words = self.words
            get, findall = words.get, _WORD.findall
            for i, r in enumerate(rows):
                bit = 1 << i
                for w in findall(low, r.start, r.end):
                    words[w] = get(w, 0) | bit

    def find(self, t: str) -> int:
        """Bitmask of the rows whose lower-cased text contains ``t`` (0 if the text could not be lower-cased)."""
        found = 0
        low, rows, starts = self.low, self.rows, self.starts
        pos = low.find(t) if low is not None else -1
        while pos != -1:
            i = bisect_right(starts, pos) - 1
            if i >= 0 and pos < rows[i].end:
                found |= 1 << i
                pos = low.find(t, rows[i].end)
            else:
                pos = low.find(t, pos + 1)
        return found

    def masks(self, table: TriggerTable) -> list[int]:
        """For each pattern of ``table``, the bitmask of the rows that hold a literal of each of its sets."""
        if self.low is None:
            return [self.every for _ in table.pattern_sets]
        set_rows = [0] * table.n_sets
        cache, word_sets = table._words, table.word_sets
        for w, rws in self.words.items():
            sids = cache.get(w)
            for sid in word_sets(w) if sids is None else sids:
                set_rows[sid] |= rws
        for lit, tid in table.other:
            rws = self.find(lit)
            for sid in table.sets_of[tid] if rws else ():
                set_rows[sid] |= rws
        out: list[int] = []
        for alternatives in table.pattern_sets:
            if alternatives is None:
                out.append(self.every)
                continue
            rows = 0
            for sids in alternatives:
                found = self.every
                for sid in sids:
                    found &= set_rows[sid]
                    if not found:
                        break
                rows |= found
            out.append(rows)
        return out

    def candidates(self, table: TriggerTable) -> list[list[int]]:
        """For each pattern of ``table``, the sorted rows that hold a literal of each of its sets."""
        return [rows_of(m) for m in self.masks(table)]
