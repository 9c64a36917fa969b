"""Readers of the two public benchmarks, in their original formats, and their label mappings.

Each reader returns :class:`Policy` objects: the policy text built as the corpora's
"Comparable scores" rules say, the character span of every kept segment/passage in that
text (with the dataset's own id), and the gold items ``(unit id, label, polarity)``.
``polarity`` is ``states`` (a positive annotation), ``denies`` (OPP-115 ``Does Not``,
GDPR-Transparency-200 ``performed: false``) or ``any`` (the unit carries the label with
either polarity: the task PrivBERT is scored on).

- **OPP-115** (Wilson et al., ACL 2016): ``sanitized_policies/<id>.html`` split at ``|||``,
  tags removed, entities unescaped, whitespace collapsed, empty segments dropped, joined by
  ``\\n``; ``annotations/<id>.csv`` (no header; 9 columns). A segment counts for a category
  (and polarity) when at least 2 distinct annotators gave it.
- **GDPR-Transparency-200** (Cory et al., PoPETs 2026): one JSON list of passages per policy;
  the non-empty ``passage`` strings in file order joined by ``\\n``; each passage's
  ``annotations`` hold ``{requirement, value, performed}``.
"""
from __future__ import annotations

import csv
import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

STATES, DENIES, ANY = "states", "denies", "any"

# OPP-115 category -> (dimension it is scored under, taxonomy code prefixes/codes that imply it).
OPP115_CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "First Party Collection/Use": ("data_type", ("data_type",)),
    "Third Party Sharing/Collection": ("recipient", ("recipient",)),
    "User Access, Edit and Deletion": ("right", ("right.access", "right.rectification", "right.erasure",
                                                 "right.account_deletion")),
    "User Choice/Control": ("right", ("right.marketing_opt_out", "right.withdraw_consent",
                                      "right.permission_control")),
    "Data Retention": ("practice", ("practice.retention_stated", "practice.retention_period")),
    # the corpora README maps encryption; the codebook's practice.security_measures is the rest of it
    "Data Security": ("practice", ("practice.encryption", "practice.security_measures")),
    "Policy Change": ("practice", ("practice.change_notification",)),
    "International and Specific Audiences": ("practice", ("practice.children",)),
}
OPP115_COLUMNS = 9
OPP115_MAJORITY = 2

# GDPR-Transparency-200 requirement -> taxonomy code (corpora README).
GDPR_REQUIREMENTS: dict[str, str] = {
    "Right to Access": "right.access",
    "Right to Rectification": "right.rectification",
    "Right to Erasure": "right.erasure",
    "Right to Restrict": "right.restriction",
    "Right to Object": "right.objection",
    "Right to Portability": "right.portability",
    "Right to Withdraw Consent": "right.withdraw_consent",
    "Right to Lodge Complaint": "right.complaint",
    "Third-country Transfers": "practice.intl_transfer",
    "DPO Contact": "practice.contact_dpo",
    "Legal Basis for Processing": "practice.legal_basis",
    "Automated Decision-Making": "practice.automated_decisions",
    "Data Retention Period": "practice.retention_stated",
}
# ``Data Categories`` / ``Data Recipients`` values are free text ("your email address",
# "advertising partners"). A value maps to a code when it contains one of these words; a
# value naming no specific kind ("personal data", "usage data", "location") maps to
# nothing and is not scored. Kept small on purpose: only words whose meaning is unambiguous.
GDPR_VALUE_WORDS: dict[str, dict[str, str]] = {
    "Data Categories": {
        "contact.name": r"\b(?:first|last|full|real|your) name\b|^name$|name of the user",
        "contact.email": r"e-?mail",
        "contact.phone": r"phone number|mobile number|telephone",
        "contact.postal_address": r"postal address|mailing address|street address|home address|billing address"
                                  r"|shipping address|delivery address",
        "account.credentials": r"password",
        "financial.payment": r"payment|credit card|bank|billing",
        "device.identifiers": r"device id|unique device|imei|advertising id|android id|mac address|identifiers?\b",
        "network.ip_address": r"\bip\b|internet protocol",
        "location.precise": r"gps|precise location",
        "location.coarse": r"approximate location|country|city|region|zip|postal code|time ?zone",
        "tracking.cookies": r"cookie|web beacon|pixel",
        "content.video_image": r"photo|picture|image|camera|video",
        "content.audio": r"audio|microphone|voice",
        "contacts.others": r"contact list|address book|phonebook|friends list",
        "demographic": r"\bage\b|gender|date of birth|birthday|language",
    },
    "Data Recipients": {
        "recipient.affiliates": r"affiliate|subsidiar|group compan|joint venture|parent compan",
        # service providers named as such (not the kinds that have a code of their own: "payment service
        # provider", "advertising partners"); parties named only as "third parties" have the codebook's
        # recipient.third_parties
        "recipient.service_providers": r"(?<!payment )(?<!advertising )(?<!marketing )(?<!hosting )(?<!cloud )(?<!venture )"
                                       r"(?:service provider|partner)|processor|vendor|contractor|supplier"
                                       r"|\bagents?\b",
        "recipient.third_parties": r"third[- ]part(?:y|ies)(?![- ](?:service|payment|advertis|marketing|cloud|hosting))"
                                   r"|other (?:companies|organi[sz]ations|entities)",
        "recipient.cloud_hosting": r"hosting|cloud",
        "recipient.advertising": r"advertis|marketing",
        "recipient.payment": r"payment",
        "recipient.authorities": r"law enforcement|authorit|government|court|regulator|police",
        "recipient.business_transfer": r"acquir|merger|successor|buyer|purchaser",
        "recipient.social_networks": r"facebook|twitter|instagram|social network|social media",
        "recipient.other_users": r"other users",
        "recipient.public": r"\bpublic(?:ly)?\b",
    },
}
_VALUE_PATTERNS = {req: {code: re.compile(p, re.IGNORECASE) for code, p in words.items()}
                   for req, words in GDPR_VALUE_WORDS.items()}
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Unit:
    """A segment/passage: its dataset id and its span in the policy text."""

    uid: str
    start: int
    end: int


@dataclass(frozen=True)
class Policy:
    """One benchmark policy: built text, units in text order, gold ``(uid, label, polarity)`` items."""

    pid: str
    text: str
    units: tuple[Unit, ...]
    gold: frozenset[tuple[str, str, str]]


def join_units(pieces: list[tuple[str, str]]) -> tuple[str, tuple[Unit, ...]]:
    """Join ``(uid, text)`` pieces by ``\\n``; return the text and each piece's span."""
    units, pos = [], 0
    for uid, piece in pieces:
        units.append(Unit(uid, pos, pos + len(piece)))
        pos += len(piece) + 1
    return "\n".join(p for _, p in pieces), tuple(units)


def clean_segment(raw: str) -> str:
    """OPP-115 segment text: tags removed, entities unescaped, runs of whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", raw)).split())


def _require_dir(path: Path, what: str) -> Path:
    if not path.is_dir():
        raise InputError(path, f"is not a directory; expected {what}")
    return path


def read_opp115(root: str | Path) -> list[Policy]:
    """Read an OPP-115 folder (``sanitized_policies/`` and ``annotations/``)."""
    root = Path(root)
    _require_dir(root, "the OPP-115 folder (with sanitized_policies/ and annotations/)")
    pol_dir = _require_dir(root / "sanitized_policies", "OPP-115's sanitized_policies/ folder")
    ann_dir = _require_dir(root / "annotations", "OPP-115's annotations/ folder")
    files = sorted(pol_dir.glob("*.html"))
    if not files:
        raise InputError(pol_dir, "holds no .html policies")
    out = []
    for f in files:
        raw = _read_text(f).split("|||")
        pieces = [(str(i), clean_segment(s)) for i, s in enumerate(raw)]
        kept = [(uid, s) for uid, s in pieces if s]
        text, units = join_units(kept)
        out.append(Policy(f.stem, text, units,
                          frozenset(opp115_gold(ann_dir / f"{f.stem}.csv", len(raw), {u.uid for u in units}))))
    return out


def opp115_gold(path: Path, n_segments: int, kept: set[str]) -> set[tuple[str, str, str]]:
    """Majority gold items of one OPP-115 annotation file (mapped categories only)."""
    votes: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for line, row in enumerate(csv.reader(_read_text(path).splitlines()), 1):
        if len(row) != OPP115_COLUMNS:
            raise InputError(path, f"line {line}: expected {OPP115_COLUMNS} columns, found {len(row)}")
        annotator, seg, category = row[2], row[4], row[5]
        if not seg.isdigit() or int(seg) >= n_segments:
            raise InputError(path, f"line {line}: segment id '{seg}' is not one of the policy's "
                                   f"{n_segments} segments")
        if category not in OPP115_CATEGORIES:
            continue
        try:
            attrs = json.loads(row[6])
            does = attrs.get("Does/Does Not", {}).get("value", "Does") if isinstance(attrs, dict) else None
        except (json.JSONDecodeError, AttributeError):
            does = None
        if does not in ("Does", "Does Not"):
            raise InputError(path, f"line {line}: attributes are not a JSON object with a Does/Does Not value")
        if seg not in kept:
            raise InputError(path, f"line {line}: annotates segment {seg}, which has no text")
        votes[(seg, category, DENIES if does == "Does Not" else STATES)].add(annotator)
        votes[(seg, category, ANY)].add(annotator)
    return {key for key, who in votes.items() if len(who) >= OPP115_MAJORITY}


def gdpr_value_codes(requirement: str, value: str) -> list[str]:
    """Codes a ``Data Categories``/``Data Recipients`` value maps onto (see GDPR_VALUE_WORDS)."""
    return sorted(code for code, pat in _VALUE_PATTERNS.get(requirement, {}).items() if pat.search(value))


def read_gdpr200(root: str | Path) -> list[Policy]:
    """Read GDPR-Transparency-200 policy JSON files from ``root`` or ``root/policies``."""
    root = Path(root)
    _require_dir(root, "the GDPR-Transparency-200 folder (with policies/*.json)")
    folder = root / "policies" if (root / "policies").is_dir() else root
    files = sorted(folder.glob("*.json"))
    if not files:
        raise InputError(folder, "holds no .json policies")
    return [gdpr200_policy(f) for f in files]


def gdpr200_policy(path: Path) -> Policy:
    """One GDPR-Transparency-200 policy file."""
    try:
        passages = json.loads(_read_text(path))
    except json.JSONDecodeError as err:
        raise InputError(path, f"is not valid JSON (line {err.lineno}: {err.msg})") from None
    if not isinstance(passages, list):
        raise InputError(path, "is not a JSON list of passages")
    pieces, gold = [], set()
    for i, p in enumerate(passages):
        if not isinstance(p, dict) or not isinstance(p.get("passage"), str) \
                or not isinstance(p.get("annotations", []), list):
            raise InputError(path, f"passage {i}: expected an object with a 'passage' string and "
                                   "an 'annotations' list")
        uid = str(i)
        for a in p.get("annotations", []):
            if not isinstance(a, dict) or not isinstance(a.get("requirement"), str) \
                    or not isinstance(a.get("performed"), bool):
                raise InputError(path, f"passage {i}: an annotation lacks a 'requirement' string "
                                       "or a true/false 'performed'")
            req = a["requirement"]
            codes = [GDPR_REQUIREMENTS[req]] if req in GDPR_REQUIREMENTS else \
                gdpr_value_codes(req, str(a.get("value", "")))
            if codes and not p["passage"]:
                raise InputError(path, f"passage {i}: annotated but empty")
            for code in codes:
                gold.add((uid, code, STATES if a["performed"] else DENIES))
                gold.add((uid, code, ANY))
        if p["passage"]:
            pieces.append((uid, p["passage"]))
    text, units = join_units(pieces)
    return Policy(path.stem, text, units, frozenset(gold))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise InputError(path, f"is not valid UTF-8 (byte {err.start})") from None
    except OSError as err:
        raise InputError(path, f"cannot be read ({err.strerror or err})") from None
