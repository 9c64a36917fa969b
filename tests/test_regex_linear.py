"""No regular expression of the package or of ``data/codebook.yaml`` takes super-linear time.

Every pattern is collected: module-level compiled patterns (also inside tuples and named
tuples), pattern literals passed to ``re.*`` calls anywhere in the package's source, and
every compiled codebook and gazetteer pattern. Each is searched (``finditer``, as the
extractor does) on adversarial strings: a sample match of the first elements of the pattern,
then one unit (a space, ``a-``, ``1.``...) repeated, then a tail that spoils the match.
Anything slow at 2,000 characters is measured again at 8,000; a linear search takes about
4x as long, a quadratic one 16x: a ratio above 8 fails.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
import random
import re
import time
from pathlib import Path

import pytest

import analysis
from analysis.codebook import load_codebook
from analysis.facts import _BLANK_CONTACT, find_emails, load_organisations

try:
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

SRC = Path(analysis.__file__).parent
UNITS = (" ", "a", "a-", "a b ", "1.", ". ", "a@")
TAILS = ("x.", "@")
SMALL, LARGE = 1_000, 4_000
ANCHORED: set[str] = set()  # keys of patterns the package only ever applies with re.match/fullmatch


def _walk_patterns(value: object, out: dict[str, re.Pattern[str]], depth: int = 0) -> None:
    if isinstance(value, re.Pattern):
        out.setdefault(f"{value.pattern}/{value.flags}", value)
    elif isinstance(value, (tuple, list, frozenset, set)) and depth < 3:
        for v in value:
            _walk_patterns(v, out, depth + 1)
    elif isinstance(value, dict) and depth < 3:
        for v in value.values():
            _walk_patterns(v, out, depth + 1)


def _source_literals() -> list[tuple[re.Pattern[str], bool]]:
    """Patterns written as string literals in ``re.<function>(...)`` calls of the package
    source, each with whether the call is anchored (``re.match``/``re.fullmatch``)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.append((re.compile(node.args[0].value), node.func.attr in ("match", "fullmatch")))
    return found


def all_patterns() -> dict[str, re.Pattern[str]]:
    out: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages([str(SRC)], prefix="analysis."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            _walk_patterns(value, out)
    for pattern, anchored in _source_literals():
        _walk_patterns(pattern, out)
        if anchored:
            ANCHORED.add(f"{pattern.pattern}/{pattern.flags}")
    book = load_codebook()
    for rule in book.rules:
        _walk_patterns([part for part, _ in rule.parts], out)
        _walk_patterns(rule.exclude, out)
    for ctx in book.contexts.values():
        _walk_patterns([ctx.pattern, ctx.not_after], out)
    _walk_patterns(book.exception, out)
    _walk_patterns([org.pattern for org in load_organisations()], out)
    return out


def _sample(seq: object, rng: random.Random) -> str:
    """A short string matching the parsed sequence (look-arounds and anchors ignored)."""
    out = []
    for op, av in seq:  # type: ignore[attr-defined]
        name = str(op)
        if name == "LITERAL":
            out.append(chr(av))
        elif name == "NOT_LITERAL":
            out.append("x" if chr(av) != "x" else "y")
        elif name == "ANY":
            out.append("x")
        elif name == "IN":
            out.append(_in_sample(av))
        elif name == "BRANCH":
            out.append(_sample(rng.choice(av[1]), rng))
        elif name == "SUBPATTERN":
            out.append(_sample(av[-1], rng))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            out.append("".join(_sample(av[2], rng) for _ in range(min(av[0] + rng.randint(0, 1), av[1], 3))))
        elif name == "ATOMIC_GROUP":
            out.append(_sample(av, rng))
    return "".join(out)


def _in_sample(items: object) -> str:
    items = list(items)  # type: ignore[call-overload]
    if items and str(items[0][0]) == "NEGATE":
        return "x"
    op, av = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(av)
    if name == "RANGE":
        return chr(av[0])
    if name == "CATEGORY":
        return {"CATEGORY_DIGIT": "1", "CATEGORY_SPACE": " ", "CATEGORY_WORD": "a"}.get(str(av), "x")
    return "x"


def _unbounded(op: object, av: object) -> bool:
    return str(op) in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[1] > 100  # type: ignore[index]


def _attacks(pattern: re.Pattern[str], rng: random.Random) -> list[tuple[str, str]]:
    """(prefix, unit) pairs: a sample match of everything before an unbounded repeat of the
    pattern (of each top-level branch) with a sample of that repeat's body, plus the empty
    prefix with generic units."""
    try:
        tree = list(sre_parse.parse(pattern.pattern, pattern.flags))
    except re.error:  # pragma: no cover - compiled patterns parse
        return [("", u) for u in UNITS]
    while len(tree) == 1 and str(tree[0][0]) == "SUBPATTERN":
        tree = list(tree[0][1][-1])
    seqs = [tree]
    if len(tree) == 1 and str(tree[0][0]) == "BRANCH":
        seqs = [list(b) for b in tree[0][1][1]]
    points = {(_sample(seq[:k], rng), _sample(av[2], rng) or "a")
              for seq in seqs for k, (op, av) in enumerate(seq) if _unbounded(op, av)}
    return sorted({("", u) for u in UNITS} | {(prefix, u) for prefix, body in points for u in {body, " ", "a-"}})


def _time(pattern: re.Pattern[str], text: str, anchored: bool, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        if anchored:
            pattern.match(text)
        else:
            for _m in pattern.finditer(text):
                pass
        best = min(best, time.perf_counter() - t)
    return best


def superlinear(pattern: re.Pattern[str], rng: random.Random, anchored: bool = False) -> list[str]:
    """Adversarial inputs on which ``pattern`` grows faster than linearly (empty if none)."""
    slow = []
    for prefix, unit in _attacks(pattern, rng):
        for tail in TAILS:
            small = prefix + unit * (SMALL // len(unit)) + tail
            if _time(pattern, small, anchored) < 0.0003:
                continue
            large = prefix + unit * (LARGE // len(unit)) + tail
            t_small, t_large = _time(pattern, small, anchored, 3), _time(pattern, large, anchored, 3)
            if t_large > 8 * t_small and t_large > 0.002:  # confirmed one size up (timer noise)
                if t_large < 0.05:  # small times: confirm one size up
                    huge = prefix + unit * (4 * LARGE // len(unit)) + tail
                    if _time(pattern, huge, anchored, 2) < 8 * t_large:
                        continue
                slow.append(f"{prefix!r} + {unit!r} * n + {tail!r}: {t_small * 1e3:.1f} ms -> {t_large * 1e3:.1f} ms")
                return slow  # one adversarial input is enough
    return slow


def test_every_pattern_is_linear() -> None:
    patterns = all_patterns()
    assert len(patterns) > 250  # the package's, the codebook's and the gazetteer's patterns
    rng = random.Random(11)
    failures = {src: slow for src, p in sorted(patterns.items()) if (slow := superlinear(p, rng, src in ANCHORED))}
    assert not failures, "\n".join(f"{src[:120]}: {slow[0]}" for src, slow in failures.items())


def test_the_detector_catches_quadratic_patterns() -> None:
    """The check above can fail: it flags the two patterns of the issue as they were."""
    rng = random.Random(11)
    old_blank = re.compile(r"\b(?:contact|e-?mail|write\s+to|reach)\s+(?:us\s+)?(?:at|via|on|to)\s*"
                           r"(?:[.:]?\s*$|(?=\s+(?-i:If|We|You|Please|For|The)\b)|\s*\.)", re.IGNORECASE)
    old_email = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
    assert superlinear(old_blank, rng)
    assert superlinear(old_email, rng)


@pytest.mark.parametrize("text", [
    "Please contact us at" + " " * 60_000 + "x.",  # 43 s before the fix
    "a-" * 100_000 + "@",  # 50 s at 200 KB before the fix
])
def test_issue_reproductions_run_in_milliseconds(text: str) -> None:
    from analysis.segment import segment
    from analysis.facts import extract_facts

    t = time.perf_counter()
    extract_facts(text, segment(text))
    _BLANK_CONTACT.search(text)
    find_emails(text)
    assert time.perf_counter() - t < 1.0


def test_find_emails_equals_the_single_pattern() -> None:
    """The linear scan finds exactly what ``\\b[local]+@domain`` found, on random strings."""
    old = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
    rng = random.Random(5)
    alphabet = [*"ab.-_@ é%+Z1\n", "co", "com", "x@y.org"]
    for _ in range(20_000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        assert find_emails(s) == [m.group(0) for m in old.finditer(s)], s
