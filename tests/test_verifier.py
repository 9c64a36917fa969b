"""The data-type verifier: its model file, its training, and what it does to findings."""
from __future__ import annotations

import csv


from analysis.codebook import load_codebook
from analysis.loader import Document
from analysis.match import lowered, match_rules
from analysis.pipeline import analyse_many
from analysis.prefilter import TriggerIndex
from analysis.segment import segment
from analysis.verifier import MODEL_PATH, from_json, load_verifier, unit_features, verify
from analysis.verifier_train import LABELS_DIR, market_texts, train

THIRD_PARTY_PAYMENT = ("Please note that if you use third-party products or services, including but not limited to "
                       "PayPal, Stripe or other credit card payment services, those third parties will collect your "
                       "payment information under their own privacy policies.")
COLLECTS = "When you register, we collect your email address, your phone number and your name."


def _codes(text: str, verifier: object = "default") -> set[tuple[str, str]]:
    doc = Document(path="t", vendor="t", text=text, sha256="", fmt="txt")
    return {(row[2], row[3]) for row in analyse_many([doc], load_codebook(), verifier=verifier)[0].practices}


def test_model_file_round_trips_byte_for_byte():
    text = MODEL_PATH.read_text(encoding="utf-8")
    assert from_json(text).to_json() == text
    assert MODEL_PATH.stat().st_size < 20_000_000


def test_a_third_partys_own_collection_is_dropped_and_a_plain_collection_kept():
    rules_only = _codes(THIRD_PARTY_PAYMENT, verifier=None)
    assert ("financial.payment", "states") in rules_only  # the rules propose it ...
    verified = _codes(THIRD_PARTY_PAYMENT)
    assert ("financial.payment", "states") not in verified  # ... the model rejects it
    assert {c for c, _ in rules_only if not c.startswith("financial")} <= {c for c, _ in verified}
    assert {("contact.email", "states"), ("contact.phone", "states"), ("contact.name", "states")} <= _codes(COLLECTS)


def test_only_stated_data_types_are_checked():
    model = load_verifier()
    assert model is not None and model.dimensions == ("data_type",)
    text = "We do not collect your email address. We may share your data with our service providers."
    rows = segment(text)
    found = match_rules(text, rows, load_codebook(), index=TriggerIndex(lowered(text), rows))
    strict = type(model)(dimensions=("data_type", "recipient"), threshold=1.01, bias={}, code_weights={},
                         dimension_weights={})
    kept = verify(text, rows, found, strict)  # a threshold nobody reaches: every checked finding goes
    assert {(f.code, f.polarity) for f in kept} == {(f.code, f.polarity) for f in found
                                                    if f.polarity == "denies" or f.dimension not in strict.dimensions}
    assert ("contact.email", "denies") in {(f.code, f.polarity) for f in kept}


def test_features_read_the_unit_its_lead_in_and_heading():
    text = "What we collect\n\nWe collect the following:\n- your email address\n"
    rows = segment(text)
    item = next(r for r in rows if "email" in text[r.start:r.end])
    feats = unit_features(text, rows, item.sentence_id)
    assert {"s:email", "s:email_address", "l:collect", "h:collect"} <= set(feats)


def test_market_labels_point_at_units_of_the_extracted_text():
    paths = sorted(LABELS_DIR.glob("*/*.csv"))
    texts = market_texts(sorted({p.stem for p in paths}))
    assert len({p.stem for p in paths}) == 56
    book = load_codebook()
    for path in paths:
        units = {(r.start, r.end) for r in segment(texts[path.stem])}
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                assert (int(row["start"]), int(row["end"])) in units, (path, row)
                assert row["code"] in book.dimensions and row["polarity"] in ("states", "denies")
                assert row["certainty"] in ("clear", "ambiguous")


def test_training_reproduces_the_committed_model():
    """Fails when the rules or the labels changed and `python -m analysis train-verifier`
    was not run again."""
    model, _ = train()
    committed = load_verifier()
    assert model.threshold == committed.threshold
    for code, weights in committed.code_weights.items():
        fresh = model.code_weights[code]
        assert max(abs(fresh.get(k, 0.0) - v) for k, v in weights.items()) < 1e-3, code
    assert abs(sum(model.bias.values()) - sum(committed.bias.values())) < 1e-3


def test_training_data_is_the_projects():
    """Nothing of OPP-115 or GDPR-Transparency-200 is read: the labels are the market coders'."""
    notes = load_verifier().notes
    assert "market_sentences" in notes["trained_on"]
    assert notes["examples"] > 500 and 0 < notes["positive"] < notes["examples"]
