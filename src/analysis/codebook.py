"""Load, validate and compile the codebook (``data/codebook.yaml``).

The codebook maps every code of the shared taxonomy to a definition and match rules:

- ``label``: the display label (the taxonomy's label in full: the shared taxonomy's flow
  mappings cut labels at their first comma, so the codebook restates them);
- ``patterns``: case-insensitive regular expressions for the phrase itself;
- ``requires``: the name of a context (``collect``, ``share``, ``user_right``...) that must
  occur in the sentence, in the sentence that introduces its list, or in its heading path;
- ``exclude``: patterns that veto a sentence (e.g. "device name" is not a person's name);
- ``negatable``: whether a negation ("we do not collect", "no audio is recorded") cancels
  the match;
- ``implies``: codes that a finding of this code also supports (a concrete retention
  period is also a statement on retention).

Validation is strict: a code missing from or unknown to the taxonomy, an empty pattern
list, an invalid regex, a pattern that can backtrack catastrophically, or an unknown
context each raise :class:`~analysis.errors.CodebookError` naming the entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .errors import CodebookError
from .paths import CODEBOOK_PATH, TAXONOMY_PATH
from .places import country_pattern
from .prefilter import ANCHOR, FINAL, TriggerAlternatives, TriggerSets, TriggerTable

_T = TypeVar("_T")

try:  # Python 3.11+: the regex parser lives in re._parser
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

DIMENSIONS: tuple[str, ...] = ("data_type", "permission", "recipient", "right", "practice")
_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Context:
    """A named context: words that must occur near a phrase.

    ``negatable`` contexts are cancelled by a negator just before the word ("we do not
    collect"); ``not_after`` marks occurrences whose subject is someone else ("Stripe,
    which collects ...", "third parties may collect ...") so they do not count.
    """

    name: str
    pattern: re.Pattern[str]
    negatable: bool
    not_after: re.Pattern[str] | None
    #: a sentence opening with ``veto`` is not a sentence of this context for any code that needs
    #: it ("if you want to delete your e-mail address, you can ..." is a right, not collection)
    veto: re.Pattern[str] | None = None


@dataclass(frozen=True)
class CodeRule:
    """Compiled match rules for one code."""

    code: str
    dimension: str
    label: str
    definition: str
    pattern: re.Pattern[str]
    requires: Context | None
    exclude: re.Pattern[str] | None
    negatable: bool
    sources: tuple[str, ...] = field(default=())
    implies: tuple[str, ...] = ()
    #: a sentence (or list item) opening with ``veto`` never supports the code, wherever the hit is
    veto: re.Pattern[str] | None = None
    #: the patterns one by one, each with the literal sets a sentence must contain to be searched
    parts: tuple[tuple[re.Pattern[str], TriggerAlternatives | None], ...] = ()


@dataclass(frozen=True)
class Codebook:
    """All compiled rules, in taxonomy order, plus the negation exceptions."""

    rules: tuple[CodeRule, ...]
    contexts: dict[str, Context]
    exception: re.Pattern[str]
    labels: dict[str, str]
    dimensions: dict[str, str]
    path: str
    #: the required literals of every rule part (in rule order, then part order), followed by
    #: those of each rule's ``exclude`` pattern, then of each context in name order
    #: (see :mod:`analysis.prefilter`)
    triggers: TriggerTable = field(compare=False, repr=False)

    def split_candidates(self, found: list[_T]) -> tuple[list[_T], list[_T], dict[str, _T]]:
        """Split ``TriggerIndex.masks(self.triggers)`` (or ``.candidates``) into the candidate
        rows of each rule part (flat, in rule order), of each rule's exclude pattern, and of
        each context."""
        n_parts = sum(len(rule.parts) for rule in self.rules)
        n_rules = len(self.rules)
        return (found[:n_parts], found[n_parts:n_parts + n_rules],
                dict(zip(sorted(self.contexts), found[n_parts + n_rules:])))


_ALPHABET = "".join(map(chr, range(32, 127))) + "\t\n\r\u00a0éü’“”–—•"
_ANY = frozenset(_ALPHABET)
_CATEGORIES = {"CATEGORY_DIGIT": str.isdigit, "CATEGORY_SPACE": str.isspace,
               "CATEGORY_WORD": lambda c: c.isalnum() or c == "_"}


def _in_set(items: Any) -> frozenset[str]:
    """The characters of :data:`_ALPHABET` that a parsed character class matches."""
    items = list(items)
    negate = bool(items) and str(items[0][0]) == "NEGATE"
    found = set()
    for op, av in items[negate:]:
        name = str(op)
        if name == "LITERAL":
            found.add(chr(av))
        elif name == "RANGE":
            found.update(c for c in _ALPHABET if av[0] <= ord(c) <= av[1])
        elif name == "CATEGORY":
            cat = str(av)
            test = _CATEGORIES.get(cat.replace("NOT_", ""))
            if test is None:
                return _ANY
            found.update(c for c in _ALPHABET if test(c) != cat.startswith("CATEGORY_NOT_"))
        else:
            return _ANY
    return frozenset(_ANY - found) if negate else frozenset(found)


def _first_chars(seq: Any) -> frozenset[str]:
    """Characters (of :data:`_ALPHABET`, both cases) that can start a match of a parsed
    sequence; every character when it can match the empty string or is too complex to tell."""
    for op, av in seq:
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        if name == "LITERAL":
            c = chr(av)
            return frozenset({c, c.lower(), c.upper()})
        if name == "NOT_LITERAL" or name == "ANY":
            return _ANY
        if name == "IN":
            chars = _in_set(av)
            return frozenset(chars | {c.swapcase() for c in chars})
        if name == "SUBPATTERN":
            return _first_chars(av[-1])
        if name == "BRANCH":
            return frozenset().union(*(_first_chars(b) for b in av[1]))
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            return _first_chars(av[2])
        return _ANY
    return _ANY


def _ambiguous_branch(tree: Any) -> bool:
    """True if a group of alternatives (directly in ``tree``) has two alternatives that can
    start with the same character, as in ``(?:a|aa)`` or ``(?:\\w+|x)``."""
    for op, av in tree:
        name = str(op)
        if name == "BRANCH":
            seen: set[str] = set()
            for branch in av[1]:
                first = _first_chars(branch)
                if first & seen:
                    return True
                seen |= first
            if any(_ambiguous_branch(b) for b in av[1]):
                return True
        elif name == "SUBPATTERN" and _ambiguous_branch(av[-1]):
            return True
    return False


def _nested_unbounded(tree: Any, inside: bool = False) -> bool:
    """True if an unbounded repeat contains another unbounded repeat (e.g. ``(a+)+``), or
    alternatives that can match at the same place (``(?:a|aa)+``): either can split one
    text between the repetitions in exponentially many ways."""
    for op, av in tree:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            unbounded = hi == sre_parse.MAXREPEAT or hi > 100
            if unbounded and inside:
                return True
            if unbounded and name != "POSSESSIVE_REPEAT" and _ambiguous_branch(sub):
                return True
            if _nested_unbounded(sub, inside or unbounded):
                return True
        elif name == "SUBPATTERN":
            if _nested_unbounded(av[-1], inside):
                return True
        elif name == "BRANCH":
            if any(_nested_unbounded(b, inside) for b in av[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            if _nested_unbounded(av[1], inside):
                return True
    return False


MACROS: dict[str, str] = {"<COUNTRY>": country_pattern()}


def compile_pattern(where: str, patterns: list[str] | str) -> re.Pattern[str]:
    """Compile one or more regexes into one alternation, refusing unsafe or invalid ones.

    ``<COUNTRY>`` in a pattern expands to the country list of :mod:`analysis.places`.
    """
    items = [patterns] if isinstance(patterns, str) else patterns
    if not isinstance(items, list):
        raise CodebookError(where, f"patterns must be a list of regular expressions, not {type(items).__name__}")
    if not items:
        raise CodebookError(where, "pattern list is empty")
    expanded = []
    for p in items:
        if not isinstance(p, str) or not p.strip():
            raise CodebookError(where, f"pattern {p!r} is empty or not a string")
        for name, value in MACROS.items():
            p = p.replace(name, value)
        expanded.append(p)
    items = expanded
    for p in items:
        try:
            tree = sre_parse.parse(p, _FLAGS)
            re.compile(p, _FLAGS)  # some errors (variable-width look-behind) only show when compiling
        except (re.error, RecursionError, OverflowError) as err:
            raise CodebookError(where, f"invalid regex {p!r}: {err}") from None
        if _nested_unbounded(tree):
            raise CodebookError(where, f"pattern {p!r} nests unbounded repeats (or repeats alternatives "
                                       "that can match the same text) and can backtrack catastrophically; "
                                       "bound the inner repeat or make the alternatives distinct")
    try:
        return re.compile("|".join(f"(?:{p})" for p in items), _FLAGS)
    except re.error as err:  # e.g. one group name used in two patterns
        raise CodebookError(where, f"patterns cannot be combined: {err}") from None


def load_taxonomy(path: Path = TAXONOMY_PATH) -> dict[str, Any]:
    """Read the taxonomy contract (vendors, inclusion rules, codes per dimension)."""
    try:
        tax = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise CodebookError(path, f"cannot read taxonomy: {err}") from None
    if not isinstance(tax, dict) or any(d not in tax for d in DIMENSIONS):
        raise CodebookError(path, f"taxonomy must define {', '.join(DIMENSIONS)}")
    return tax


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise CodebookError(path, f"cannot be read ({err.strerror or err})") from None
    except UnicodeDecodeError as err:
        raise CodebookError(path, f"is not valid UTF-8 (byte {err.start}); save it as UTF-8") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise CodebookError(path, f"is not valid YAML{where}") from None
    if not isinstance(data, dict) or not isinstance(data.get("codes"), dict):
        raise CodebookError(path, "must be a mapping with a 'codes' section")
    return data


def _contexts(path: Path, data: dict[str, Any]) -> dict[str, Context]:
    out = {}
    specs = data.get("contexts") or {}
    if not isinstance(specs, dict):
        raise CodebookError(path, "'contexts' must be a mapping of context names to patterns")
    for name, spec in specs.items():
        where = f"{path} [context {name}]"
        if not isinstance(spec, dict) or "pattern" not in spec:
            raise CodebookError(where, "needs a 'pattern'")
        not_after = spec.get("not_after")
        out[name] = Context(name, compile_pattern(where, spec["pattern"]), bool(spec.get("negatable", True)),
                            re.compile(f"(?:{compile_pattern(where, not_after).pattern})$", _FLAGS)
                            if not_after else None,
                            compile_pattern(where + " veto", spec["veto"]) if spec.get("veto") else None)
    return out


def load_codebook(path: str | Path | None = None, taxonomy: str | Path = TAXONOMY_PATH) -> Codebook:
    """Load and validate a codebook (default ``data/codebook.yaml``) against the taxonomy."""
    path = Path(path) if path is not None else CODEBOOK_PATH
    if path.is_absolute() and Path(taxonomy).is_absolute():  # skip resolving on every call of a batch
        return _load_absolute(str(path), str(taxonomy))
    return _load_codebook_cached(str(path.resolve()), str(Path(taxonomy).resolve()))


@lru_cache(maxsize=8)
def _load_absolute(path_s: str, taxonomy_s: str) -> Codebook:
    return _load_codebook_cached(str(Path(path_s).resolve()), str(Path(taxonomy_s).resolve()))


@lru_cache(maxsize=8)
def _load_codebook_cached(path_s: str, taxonomy_s: str) -> Codebook:
    path = Path(path_s)
    data = _read_yaml(path)
    tax = load_taxonomy(Path(taxonomy_s))
    expected = {c: d for d in DIMENSIONS for c in tax[d]}
    codes: dict[str, Any] = data["codes"]
    for code in codes:  # the codebook may add codes (never rename): they name their dimension
        if code in expected:
            continue
        dim = codes[code].get("dimension") if isinstance(codes[code], dict) else None
        if dim not in DIMENSIONS:
            raise CodebookError(path, f"unknown code '{code}' (not in the taxonomy): a code the codebook "
                                      f"adds needs 'dimension: <one of {', '.join(DIMENSIONS)}>'")
        if not str(codes[code].get("label") or "").strip():
            raise CodebookError(f"{path} [{code}]", "a code the codebook adds needs a label")
        expected[code] = dim
    missing = [c for c in expected if c not in codes]
    if missing:
        raise CodebookError(path, f"code '{missing[0]}' of the taxonomy has no entry")
    contexts = _contexts(path, data)
    rules = []
    for code, dim in expected.items():
        spec = codes[code]
        where = f"{path} [{code}]"
        if not isinstance(spec, dict):
            raise CodebookError(where, "entry must be a mapping")
        if spec.get("dimension", dim) != dim:
            raise CodebookError(where, f"dimension '{spec.get('dimension')}' but the taxonomy says '{dim}'")
        if not str(spec.get("definition", "")).strip():
            raise CodebookError(where, "has no definition")
        if "patterns" not in spec or not spec["patterns"]:
            raise CodebookError(where, "pattern list is empty")
        req = spec.get("requires")
        if req is not None and (not isinstance(req, str) or req not in contexts):
            raise CodebookError(where, f"requires unknown context {req!r} (known: {', '.join(sorted(contexts))})")
        if not isinstance(spec.get("negatable", True), bool):
            raise CodebookError(where, f"negatable must be true or false, not {spec['negatable']!r}")
        for key in ("sources", "implies"):
            value = spec.get(key)
            if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
                raise CodebookError(where, f"'{key}' must be a list of strings, not {value!r}")
        rules.append(CodeRule(
            code=code, dimension=dim, label=str(spec.get("label") or tax[dim][code].get("label", code)),
            definition=" ".join(str(spec["definition"]).split()),
            pattern=compile_pattern(where, spec["patterns"]),
            requires=contexts[req] if req else None,
            exclude=compile_pattern(where + " exclude", spec["exclude"]) if spec.get("exclude") else None,
            negatable=bool(spec.get("negatable", True)),
            veto=compile_pattern(where + " veto", spec["veto"]) if spec.get("veto") else None,
            sources=tuple(spec.get("sources", ()) or ()),
            implies=tuple(spec.get("implies", ()) or ()),
        ))
    for r in rules:
        for target in r.implies:
            if target not in expected:
                raise CodebookError(f"{path} [{r.code}]", f"implies unknown code '{target}'")
    rules = [replace(r, parts=_parts(r.pattern)) for r in rules]
    exc = data.get("negation_exceptions") or [r"\bexcept\b", r"\bunless\b", r"\bother than\b",
                                             r"\bwithout (?:your|the user'?s?) (?:prior |express |explicit )*(?:consent|authori[sz]ation|permission)"]
    return Codebook(rules=tuple(rules), contexts=contexts,
                    exception=compile_pattern(f"{path} [negation_exceptions]", exc),
                    labels={r.code: r.label for r in rules},
                    dimensions={r.code: r.dimension for r in rules}, path=str(path),
                    triggers=TriggerTable([sets for r in rules for _, sets in r.parts]
                                          + [required_alternatives(r.exclude) if r.exclude else None for r in rules]
                                          + [required_alternatives(contexts[name].pattern) for name in sorted(contexts)]))


_MIN_TRIGGER = 2
# Words found in most sentences of any policy: poor prefilters, avoided when a rarer
# literal is also required by the pattern.
_COMMON = frozenset("""your you user users data information personal the and our we access use used
other third device service services account may time provide contact number details content
function functions request right rights process collect share party parties company companies
related group business members order post code area how page info their such any all with
for from this that app application products product name data information us to in on at of or
by as is be it an a can will""".split())




def _common(literal: str) -> bool:
    """True for a literal that most sentences contain: a frequent word, a short word
    prefix or fragment, a one-letter suffix. A short whole word ("ip", "lan") is rare."""
    word = literal.strip(ANCHOR + FINAL)
    if literal.endswith(FINAL):
        return word in _COMMON if literal.startswith(ANCHOR) else len(word) <= 1
    return word in _COMMON or len(word) <= 3


def _trigger_cost(cands: frozenset[str]) -> float:
    """Lower is better: few, long, uncommon literals."""
    words = [c.strip(ANCHOR + FINAL) for c in cands]
    return 10.0 * sum(map(_common, cands)) + len(words) * 0.1 - min(map(len, words)) * 0.5


def _seq_triggers(seq: Any, anchored: bool = False, final_after: bool = False) -> frozenset[str] | None:
    """Literals of which at least one must occur in any match of the parsed sequence:
    the cheapest of the sets that :func:`_collect_required` finds.

    A literal that starts a word (after ``\\b`` or a separator) carries the :data:`ANCHOR`
    prefix; one that ends a word (before ``\\b``, a separator, or the end of a sequence
    that ``final_after`` says is followed by one) carries the :data:`FINAL` suffix.
    """
    sets: list[frozenset[str]] = []
    _collect_required(seq, sets, anchored, final_after)
    return min(sets, key=_trigger_cost) if sets else None


def _non_word_set(items: Any) -> bool:
    """True for a character class that only matches non-word characters (``[\\s,;(]``)."""
    for op, av in items:
        name = str(op)
        if name == "LITERAL" and not (chr(av).isalnum() or chr(av) == "_"):
            continue
        if name == "CATEGORY" and str(av) in ("CATEGORY_SPACE", "CATEGORY_NOT_WORD"):
            continue
        return False
    return True


def _non_word_item(sub: Any) -> bool:
    """True if a repeated item (``\\s+``, ``[,;]+``) only matches non-word characters."""
    items = list(sub)
    if len(items) != 1:
        return False
    op, av = items[0]
    if str(op) == "IN":
        return _non_word_set(av)
    if str(op) == "LITERAL":
        return not (chr(av).isalnum() or chr(av) == "_")
    return False


def _branch_triggers(branches: list[Any], anchored: bool = False, final_after: bool = False) -> frozenset[str] | None:
    out: set[str] = set()
    for b in branches:
        t = _seq_triggers(b, anchored, final_after)
        if not t:
            return None
        out |= t
    return frozenset(out)


def _optional_letter(op: Any, av: Any) -> bool:
    """True for an optional single letter or digit such as the ``s?`` of ``tags?``."""
    if str(op) not in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") or av[0] != 0 or av[1] != 1:
        return False
    items = list(av[2])
    return len(items) == 1 and str(items[0][0]) == "LITERAL" and chr(items[0][1]).isalnum()


def _boundary_next(rest: list[Any], final_after: bool) -> bool:
    """True if whatever matches ``rest`` (the remainder of a sequence) starts with a
    non-word character or a word boundary, so a literal just before it ends a word."""
    if not rest:
        return final_after
    op, av = rest[0]
    name = str(op)
    if name == "AT":
        return str(av) in ("AT_BOUNDARY", "AT_END", "AT_END_STRING")
    if name == "LITERAL":
        return not (chr(av).isalnum() or chr(av) == "_")
    if name == "IN":
        return _non_word_set(av)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return av[0] >= 1 and _non_word_item(av[2])
    if name == "ASSERT_NOT" and av[0] == 1:  # (?![\w-]): the next character is not a word character
        items = list(av[1])
        return len(items) == 1 and str(items[0][0]) == "IN" and any(
            str(o) == "CATEGORY" and str(a) == "CATEGORY_WORD" for o, a in items[0][1])
    return False


_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SAFE_ESCAPES = frozenset("bBsSwWdDAZntrfv")  # classes, anchors, control characters: no letter of their own


def _uncased_escape(escape: str) -> bool:
    """True for an escape that stands for no cased letter (``\\s``, ``\\.``, ``\\x27``)."""
    if len(escape) > 1:  # \xHH, \uHHHH, \UHHHHHHHH
        ch = chr(int(escape[1:], 16))
        return ch.lower() == ch.upper()
    return not escape.isalnum() or escape in _SAFE_ESCAPES


_LOWER_VARIANTS: dict[int, tuple[re.Pattern[str], re.Pattern[str] | None]] = {}
_LOWER_VARIANTS_LIMIT = 4096


def lower_variant(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The same pattern without IGNORECASE, to run on the lower-cased text (same offsets):
    several times faster, and equal to case-insensitive matching except for a few letters
    that case-fold specially (dotless ı, long ſ, some Greek variants). None when the pattern
    is case-sensitive in part (``(?-i:US)``), names upper-case letters (``[A-Z]``) or
    spells characters as escapes (``\\x41``).

    Cached by the pattern's identity: hashing a compiled pattern hashes its whole program
    (up to 2 µs for a long pattern), and the matcher asks for variants about 500
    times per policy. The cache holds each pattern, so an identity is never reused while cached.
    """
    hit = _LOWER_VARIANTS.get(id(pattern))
    if hit is not None and hit[0] is pattern:
        return hit[1]
    variant = _lower_variant(pattern)
    if len(_LOWER_VARIANTS) >= _LOWER_VARIANTS_LIMIT:
        _LOWER_VARIANTS.clear()
    _LOWER_VARIANTS[id(pattern)] = (pattern, variant)
    return variant


def _lower_variant(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    if not pattern.flags & re.IGNORECASE or "(?-i" in pattern.pattern:
        return None
    if any(ch.isupper() for ch in _ESCAPE.sub("", pattern.pattern)):
        return None
    if not all(map(_uncased_escape, _ESCAPE.findall(pattern.pattern))):
        return None  # \x41, \N{...}, back-references: leave them to IGNORECASE
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def _parts(pattern: re.Pattern[str]) -> tuple[tuple[re.Pattern[str], TriggerAlternatives | None], ...]:
    """Split a compiled alternation of codebook patterns back into its parts, each with
    its own required trigger sets, so a sentence is only searched with the parts it can match."""
    out = []
    for src in _split_top(pattern.pattern):
        part = re.compile(src, pattern.flags)
        out.append((part, required_alternatives(part)))
    return tuple(out)


def _unwrapped(pattern: re.Pattern[str]) -> list[Any] | None:
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except (re.error, RecursionError):  # pragma: no cover - compiled patterns parse
        return None
    seq = list(tree)
    while len(seq) == 1 and str(seq[0][0]) == "SUBPATTERN":  # unwrap (?:...)
        seq = list(seq[0][1][-1])
    return seq


def _ranked(seq: list[Any]) -> TriggerSets | None:
    sets: list[frozenset[str]] = []
    _collect_required(seq, sets)
    return tuple(sorted(dict.fromkeys(sets), key=_trigger_cost)) if sets else None


def required_trigger_sets(pattern: re.Pattern[str]) -> TriggerSets | None:
    """The literal sets of which every match of ``pattern`` needs one literal of *each*
    (cheapest set first; None if no literal is required).

    A pattern such as ``request ... (your) ... data`` needs a verb *and* a noun; a sentence
    is a candidate only if it contains a literal from every set.
    """
    seq = _unwrapped(pattern)
    return None if seq is None else _ranked(seq)


def required_alternatives(pattern: re.Pattern[str]) -> TriggerAlternatives | None:
    """Like :func:`required_trigger_sets`, but a pattern that is an alternation at its top
    (``a ... b|c ... d``) gets one tuple of sets per alternative: a sentence is a candidate
    if it satisfies any of them. None if some alternative requires no literal."""
    seq = _unwrapped(pattern)
    if seq is None:
        return None
    body = [i for i, (op, _) in enumerate(seq) if str(op) != "AT"]
    if len(body) == 1 and str(seq[body[0]][0]) == "BRANCH":
        k = body[0]
        alternatives = [_ranked([*seq[:k], *branch, *seq[k + 1:]]) for branch in seq[k][1][1]]
    else:
        alternatives = [_ranked(seq)]
    if any(a is None for a in alternatives):
        return None
    return tuple(dict.fromkeys(a for a in alternatives if a is not None))


def _collect_required(seq: Any, sets: list[frozenset[str]], anchored: bool = False,
                      final_after: bool = False) -> None:
    """Append the trigger set of each element of a sequence that every match must contain."""
    seq = list(seq)
    run: list[str] = []
    run_anchored = False

    def close_run(final: bool) -> None:
        if len(run) >= _MIN_TRIGGER or (run and run_anchored and final):  # "u" of "u.s." as a whole word
            sets.append(frozenset({(ANCHOR if run_anchored else "") + "".join(run).lower()
                                   + (FINAL if final else "")}))
        run.clear()

    for k, (op, av) in enumerate(seq):
        name = str(op)
        if name == "LITERAL":
            ch = chr(av)
            if ch.isalnum() or ch == "_":
                if not run:
                    run_anchored = anchored
                run.append(ch)
                anchored = False
            else:
                close_run(True)
                anchored = True
            continue
        if run and _optional_letter(op, av) and _boundary_next(seq[k + 1:], final_after):
            # "tags?\\b": the word is "tag" or "tags", not any word starting with "tag"
            word = (ANCHOR if run_anchored else "") + "".join(run).lower()
            sets.append(frozenset({word + FINAL, word + chr(av[2][0][1]).lower() + FINAL}))
            run.clear()
            anchored = False
            continue
        close_run(_boundary_next(seq[k:], final_after))
        found: frozenset[str] | None = None
        if name == "AT":
            anchored = str(av) == "AT_BOUNDARY"
            continue
        if name == "SUBPATTERN":
            found = _seq_triggers(av[-1], anchored, _boundary_next(seq[k + 1:], final_after))
        elif name == "BRANCH":
            found = _branch_triggers(av[1], anchored, _boundary_next(seq[k + 1:], final_after))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            found = _seq_triggers(av[2], anchored)
            if found:
                sets.append(found)
            anchored = _non_word_item(av[2])
            continue
        elif name == "IN":
            anchored = _non_word_set(av)
            continue
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):  # optional: "\\s*" keeps a word start
            anchored = anchored and _non_word_item(av[2])
            continue
        if found:
            sets.append(found)
        anchored = False
    close_run(final_after)


def _split_top(alternation: str) -> list[str]:
    """Top-level alternatives of ``(?:a)|(?:b)|...`` as written by :func:`compile_pattern`."""
    parts, depth, start, i, n = [], 0, 0, 0, len(alternation)
    in_class = False
    while i < n:
        ch = alternation[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if alternation[i + 1:i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(alternation[start:i])
            start = i + 1
        i += 1
    parts.append(alternation[start:])
    return parts
