"""Concrete facts stated in a policy, each with the sentence that states it.

Fields (one row per value per supporting sentence):

- ``policy_date``: the date the policy says it was updated or takes effect (ISO).
- ``child_age``: an age threshold stated for children or minors (years).
- ``storage_country``: a country or region where data is stored, hosted or processed.
- ``organisation``: a named organisation that receives or processes data; the value is
  ``Name|<recipient code>`` from the organisation gazetteer (``data/organisations.yaml``).
- ``contact_email``: an e-mail address given in the policy.
- ``retention_period``: a concrete period such as ``30 days`` near a retention verb.
- ``response_time``: the time promised to answer a rights request (``15 days``).
- ``defect.list_without_items``: a sentence announcing a list (ending in ':') that no
  list follows.
- ``defect.blank_contact``: a sentence that points to a contact ("contact us at") and
  leaves the address blank, or that refers to an e-mail address when the policy gives none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .codebook import required_alternatives
from .errors import CodebookError
from .paths import ORGANISATIONS_PATH
from .places import COUNTRIES
from .match import lowered
from .prefilter import ANCHOR, TriggerAlternatives, TriggerIndex, TriggerTable, rows_of
from .segment import KIND_HEADING, Segment, announced_lists_without_items

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE = re.compile(
    rf"\b(?P<m1>{_MON})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)\b"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MON}),?\s+(?P<y2>(?:19|20)\d\d)\b"
    rf"|\b(?P<y3>(?:19|20)\d\d)[-/.](?P<m3>\d{{1,2}})[-/.](?P<d3>\d{{1,2}})\b"
    rf"|\b(?P<m4>{_MON}),?\s+(?P<y4>(?:19|20)\d\d)\b",
    re.IGNORECASE)
_DATE_CUE = re.compile(r"\b(?:updat\w*|effective|effect|revis\w*|version|last\s+modified|amended|dated|published|as\s+of)\b",
                       re.IGNORECASE)
_AGE = re.compile(
    r"\b(?:under|below|younger\s+than|less\s+than|over|above|at\s+least|aged?)\s+(?:the\s+age\s+of\s+)?(?P<a>\d{1,2})\b"
    r"|\b(?P<b>\d{1,2})\s*(?:\(\w+\)\s*)?years?\s+(?:of\s+age|old)\b|\bage\s+of\s+(?P<c>\d{1,2})\b",
    re.IGNORECASE)
_CHILD = re.compile(r"\b(?:child\w*|minor\w*|kids?|teen\w*|juvenile\w*|under\s*age|parent\w*|guardian\w*|age)\b",
                    re.IGNORECASE)
# An e-mail address is found from its "@": the domain by a pattern anchored there, the local
# part by scanning back (see find_emails). A single pattern starting at every word boundary
# rescans the whole run of address characters from each one: quadratic on "a-a-a-...".
_EMAIL_DOMAIN = re.compile(r"@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)*\.[A-Za-z]{2,}\b")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_NUM = (r"(?P<n>\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
        r"twenty|thirty|forty-?five|sixty|ninety)")
_PERIOD = re.compile(_NUM + r"\s*(?:\(\d+\)\s*)?(?:-\s*)?(?P<q>calendar\s+|working\s+|business\s+)?(?P<u>days?|weeks?|months?|years?)\b",
                     re.IGNORECASE)
_RETENTION_CUE = re.compile(r"\b(?:retain\w*|retention|keep|kept|stor(?:e|ed|age)|sav(?:e|ed)|hold|held|delet\w*|eras\w*|"
                            r"remov\w*|destroy\w*|anonymi[sz]\w*|overwrit\w*|cycl\w*|expir\w*)\b", re.IGNORECASE)
_RESPONSE_CUE = re.compile(r"\b(?:respond\w*|reply|replies|answer\w*|response|process\w*\s+(?:your\s+)?request|"
                           r"handle\w*|feedback|deal\s+with|get\s+back)\b[^.]{0,80}?\bwithin\b", re.IGNORECASE)
_AGE_CONTEXT_EXCLUDE = re.compile(r"\bretain|\bretention|\bstor(?:e|ed|age)\b|\bkept\b", re.IGNORECASE)
_STORAGE_CUE = re.compile(r"\b(?:stor\w+|host\w*|servers?|data\s*cent(?:er|re)s?|locat\w+|process\w*|kept|resid\w+|transfer\w*)\b",
                          re.IGNORECASE)
# possessive \s++ / \s*+: a run of spaces is never re-split (adjacent \s* before $ are quadratic)
_BLANK_CONTACT = re.compile(r"\b(?:contact|e-?mail|write\s++to|reach)\s++(?:us\s++)?(?:at|via|on|to)"
                            r"(?:\s*+(?:[.:]?\s*+$|\.)|(?=\s++(?-i:If|We|You|Please|For|The)\b))", re.IGNORECASE)
_EMAIL_REFERENCE = re.compile(r"\b(?:contact|reach|write\s+to)\s+(?:\w+\s+){0,3}?(?:via|by|through|at|using)\s+(?:the\s+|our\s+)?"
                              r"e-?mail(?:\s+address)?\b", re.IGNORECASE)
_WITHIN_BEFORE = re.compile(r"within\s+(?:\S+\s+){0,1}$", re.IGNORECASE)
_AGE_NEAR = re.compile(r"\b(?:age|aged|under|over|old)\b", re.IGNORECASE)
_WORDNUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
            "forty-five": 45, "fortyfive": 45, "sixty": 60, "ninety": 90}

_COUNTRY = re.compile(r"\b(?:" + "|".join(f"(?P<c{i}>{p})" for i, (_, p) in enumerate(COUNTRIES)) + r")(?![\w-])", re.IGNORECASE)


class _Scanned(NamedTuple):
    """One value per scanned pattern: the pattern itself (:data:`_SCANNED`), or the bitmask
    of a document's rows that hold its required literals. The cues come first: a row is
    only examined when it may hold a cue or an e-mail address; value patterns (a year, a
    unit of time...) run only on rows that hold their own literals too. (A named tuple, not
    a dict keyed by pattern: hashing a compiled pattern hashes its whole program.)"""

    date_cue: Any
    child: Any
    storage_cue: Any
    response_cue: Any
    retention_cue: Any
    blank_contact: Any
    date: Any
    age: Any
    period: Any
    country: Any
    email_reference: Any
    email: Any  # (the rows holding "@": see find_emails)


_SCANNED = _Scanned(_DATE_CUE, _CHILD, _STORAGE_CUE, _RESPONSE_CUE, _RETENTION_CUE, _BLANK_CONTACT,
                    _DATE, _AGE, _PERIOD, _COUNTRY, _EMAIL_REFERENCE, _EMAIL_DOMAIN)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def find_emails(s: str) -> list[str]:
    """E-mail addresses in ``s``, left to right: the matches of
    ``\\b[A-Za-z0-9._%+-]+@<domain>`` in linear time. From each "@" whose domain matches,
    the local part runs back over address characters (not into the previous address) and
    starts at the first word boundary of that run, as the leftmost regex match would."""
    out: list[str] = []
    last_end = 0
    at = s.find("@")
    while at >= 0:
        m = _EMAIL_DOMAIN.match(s, at)
        if m:
            run = at
            while run > last_end and s[run - 1] in _LOCAL_CHARS:
                run -= 1
            start = next((p for p in range(run, at)
                          if _is_word(s[p]) != (p > 0 and _is_word(s[p - 1]))), -1)
            if start >= 0:
                out.append(s[start:m.end()])
                last_end = m.end()
        at = s.find("@", max(at + 1, last_end))
    return out


class Fact(NamedTuple):
    """One stated value with its supporting sentence."""

    field: str
    value: str
    sentence_id: int
    start: int
    end: int


@dataclass(frozen=True)
class Organisation:
    """A known organisation that policies name as a recipient or processor."""

    name: str
    recipient: str
    pattern: re.Pattern[str]
    triggers: frozenset[str]


@lru_cache(maxsize=4)
def load_organisations(path: str = str(ORGANISATIONS_PATH)) -> tuple[Organisation, ...]:
    """Read the gazetteer of organisations (name, aliases, recipient code)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise CodebookError(path, f"cannot read organisation gazetteer: {err}") from None
    out = []
    for entry in data.get("organisations", []):
        aliases = [entry["name"], *entry.get("aliases", [])]
        pat = r"(?<![\w@.])(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in aliases) + r")(?![\w-])"
        flags = 0 if entry.get("case_sensitive", False) else re.IGNORECASE
        try:
            out.append(Organisation(entry["name"], entry["recipient"], re.compile(pat, flags),
                                    frozenset(_alias_trigger(a) for a in aliases)))
        except (KeyError, re.error) as err:
            raise CodebookError(path, f"bad organisation entry {entry!r}: {err}") from None
    return tuple(out)


def _alias_trigger(alias: str) -> str:
    """Prefilter literal of an alias: its first word, which starts a word in the text."""
    first = alias.lower().split()[0]
    return ANCHOR + first if first.replace("_", "").isalnum() else first


def _iso(m: re.Match[str]) -> str:
    g = m.groupdict()
    if g["y1"]:
        y, mo, d = g["y1"], _month(g["m1"]), g["d1"]
    elif g["y2"]:
        y, mo, d = g["y2"], _month(g["m2"]), g["d2"]
    elif g["y3"]:
        y, mo, d = g["y3"], int(g["m3"]), g["d3"]
    else:
        return f"{int(g['y4']):04d}-{_month(g['m4']):02d}"
    return f"{int(y):04d}-{mo:02d}-{int(d):02d}"


def _month(name: str) -> int:
    """Month number of an English month name or abbreviation ("Sept." → 9)."""
    return MONTHS[name.lower()[:3]]


@lru_cache(maxsize=4)
def _trigger_table(orgs: tuple[Organisation, ...]) -> TriggerTable:
    """Required literals of every scanned pattern (:data:`_SCANNED`), then of each
    organisation's aliases, so a pattern only runs on the rows that can match it."""
    email: TriggerAlternatives = ((frozenset({"@"}),),)
    return TriggerTable([email if rx is _EMAIL_DOMAIN else required_alternatives(rx) for rx in _SCANNED]
                        + [((org.triggers,),) for org in orgs])


def _period(m: re.Match[str]) -> str:
    n = m.group("n").lower()
    num = int(n) if n.isdigit() else _WORDNUM.get(n.replace("-", ""), _WORDNUM.get(n, 0))
    unit = m.group("u").lower().rstrip("s")
    qual = (m.group("q") or "").strip().lower()
    unit = f"{qual} {unit}" if qual in ("working", "business") else unit
    return f"{num} {unit}{'s' if num != 1 else ''}"


def extract_facts(text: str, rows: list[Segment], orgs: tuple[Organisation, ...] | None = None,
                  low: str | None = None, index: TriggerIndex | None = None) -> list[Fact]:
    """Find the concrete facts of a segmented policy, in document order per field."""
    orgs = load_organisations() if orgs is None else orgs
    index = index or TriggerIndex(lowered(text) if low is None else low, rows)
    found = index.masks(_trigger_table(orgs))  # row bitmasks, bit i for row i
    cand = _Scanned(*found[:len(_SCANNED)])
    org_rows = found[len(_SCANNED):]
    date_cue = cand.date_cue | (1 << min(5, len(rows))) - 1  # the first rows may date the policy without a cue
    out: list[Fact] = []
    date_found = False
    # a row is read only if it may yield a fact: a cue together with its value's literals
    scanned = (date_cue & cand.date | cand.child & cand.age | cand.email | cand.storage_cue & cand.country
               | (cand.response_cue | cand.retention_cue) & cand.period | cand.blank_contact)
    for i in rows_of(scanned):
        r = rows[i]
        s = text[r.start:r.end]
        add = lambda field, value: out.append(Fact(field, value, r.sentence_id, r.start, r.end))  # noqa: E731
        if not date_found and date_cue >> i & 1 and cand.date >> i & 1:
            m = _DATE.search(s)
            if m and (_DATE_CUE.search(s) or r.sentence_id < 5):
                add("policy_date", _iso(m))
                date_found = True
        if cand.child >> i & 1 and cand.age >> i & 1 and _CHILD.search(s):
            for m in _AGE.finditer(s):
                age = m.group("a") or m.group("b") or m.group("c")
                if 6 <= int(age) <= 21 and not _AGE_CONTEXT_EXCLUDE.search(s):
                    add("child_age", str(int(age)))
        if cand.email >> i & 1:
            for address in find_emails(s):
                add("contact_email", address.lower())
        if cand.storage_cue >> i & 1 and cand.country >> i & 1 and _STORAGE_CUE.search(s):
            seen = set()
            for m in _COUNTRY.finditer(s):
                name = next(COUNTRIES[int(k[1:])][0] for k, v in m.groupdict().items() if v)
                if name not in seen and _near_storage(s, m.start()):
                    seen.add(name)
                    add("storage_country", name)
        if not cand.period >> i & 1:
            pass  # no period in the row: neither a response time nor a retention period
        elif cand.response_cue >> i & 1 and _RESPONSE_CUE.search(s):
            for m in _PERIOD.finditer(s):
                if _WITHIN_BEFORE.search(s[max(0, m.start() - 20):m.start()]):
                    add("response_time", _period(m))
        elif cand.retention_cue >> i & 1 and _RETENTION_CUE.search(s):
            for m in _PERIOD.finditer(s):
                if not _AGE_NEAR.search(s[max(0, m.start() - 25):m.end() + 10]):
                    add("retention_period", _period(m))
        if cand.blank_contact >> i & 1 and r.kind != KIND_HEADING and _BLANK_CONTACT.search(s):
            add("defect.blank_contact", "contact address left blank")
    for org, mask in zip(orgs, org_rows):
        for i in rows_of(mask):
            r = rows[i]
            if org.pattern.search(text, r.start, r.end):
                out.append(Fact("organisation", f"{org.name}|{org.recipient}", r.sentence_id, r.start, r.end))
    if not any(f.field == "contact_email" for f in out):
        for r in (rows[i] for i in rows_of(cand.email_reference)):
            if r.kind != KIND_HEADING and _EMAIL_REFERENCE.search(text, r.start, r.end):
                out.append(Fact("defect.blank_contact", "refers to an e-mail address but the policy gives none",
                                r.sentence_id, r.start, r.end))
    for r in announced_lists_without_items(text, rows):
        out.append(Fact("defect.list_without_items", "announced list has no items", r.sentence_id, r.start, r.end))
    return out


_STORAGE_NEAR = re.compile(_STORAGE_CUE.pattern + r"[^.;]{0,120}$", re.IGNORECASE)


def _near_storage(s: str, pos: int) -> bool:
    """A country counts when a storage/processing word precedes it within the clause
    and the country is not negated by "outside (of) ..." just before it."""
    before = s[max(0, pos - 140):pos]
    return bool(_STORAGE_NEAR.search(before)) and not _OUTSIDE.search(before)


_OUTSIDE = re.compile(r"\b(?:outside|beyond|other\s+than|except)\b[^.;]{0,80}$", re.IGNORECASE)
