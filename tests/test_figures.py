"""The data behind each figure, the figure files, and escaping of untrusted policy text."""
from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import analysis  # noqa: E402
from analysis import display, findings, plotting, tables  # noqa: E402
from analysis.notebooks import index_html  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "figures"
#: Every figure the notebooks write, by notebook.
FIGURE_NAMES = {
    "00_summary": ["00-overview"],
    "01_corpus": ["01-reading-time", "01-readability"],
    "02_data_collected": ["02-data-types-matrix", "02-sensor-data", "02-permissions-matrix"],
    "03_sharing": ["03-recipients-matrix", "03-without-consent"],
    "04_rights": ["04-rights-matrix", "04-rights-coverage", "04-exercise-channels"],
    "05_practices": ["05-practices-matrix"],
}
PAYLOADS = ('<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>')


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return analysis.load_processed()


@pytest.fixture(scope="module")
def raw_practices() -> pd.DataFrame:
    """practices.csv read independently of the package's reader."""
    return pd.read_csv(ROOT / "data" / "processed" / "practices.csv", keep_default_na=False)


def _expected_count(raw: pd.DataFrame, vendor: str, code: str) -> int:
    """Distinct stating sentences, counted from the raw CSV rows (a denial is no support)."""
    rows = raw[(raw["vendor"] == vendor) & (raw["code"] == code) & (raw["polarity"] == "states")]
    return int(rows["sentence_id"].nunique())


def _ambiguous() -> set[tuple[str, str]]:
    """(vendor, code) cells the hand-coded label files mark ambiguous, read without the package."""
    labels = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False)
                        for f in sorted((ROOT / "data" / "annotations").glob("*.csv"))])
    rows = labels[labels["label"] == "ambiguous"]
    return set(zip(rows["vendor"], rows["code"]))


def _denied_count(raw: pd.DataFrame, vendor: str, code: str) -> int:
    rows = raw[(raw["vendor"] == vendor) & (raw["code"] == code) & (raw["polarity"] == "denies")]
    return int(rows["sentence_id"].nunique())


def _stated(raw: pd.DataFrame, vendor: str, code: str) -> bool:
    return _expected_count(raw, vendor, code) > 0 and (vendor, code) not in _ambiguous()


# --------------------------------------------------------------------------- data behind the figures
@pytest.mark.parametrize("dimension", ["data_type", "permission", "recipient", "right", "practice"])
def test_support_matrix_shape_and_values(data, raw_practices, dimension):
    matrix = tables.support_matrix(data["practices"], dimension)
    codes = [c for c, d in analysis.load_codebook().dimensions.items() if d == dimension]
    assert matrix.shape == (5, len(codes))
    assert list(matrix.index) == tables.vendors()
    assert set(matrix.columns) == set(codes)
    assert (matrix >= 0).all().all() and str(matrix.dtypes.unique()[0]) == "int64"
    for vendor in matrix.index:
        for code in matrix.columns:
            assert matrix.loc[vendor, code] == _expected_count(raw_practices, vendor, code), (vendor, code)


@pytest.mark.parametrize("dimension", ["data_type", "permission", "recipient", "right", "practice"])
def test_status_matrix_marks_ambiguous_cells_uncertain(data, raw_practices, dimension):
    status = tables.status_matrix(data["practices"], dimension)
    ambiguous = _ambiguous()
    for vendor in status.index:
        for code in status.columns:
            said, denied = _expected_count(raw_practices, vendor, code), _denied_count(raw_practices, vendor, code)
            if (vendor, code) in ambiguous:
                expected = "uncertain"
            else:
                expected = {(True, True): "states and denies", (True, False): "states", (False, True): "denies",
                            (False, False): "silent"}[(said > 0, denied > 0)]
            assert status.loc[vendor, code] == expected, (vendor, code)


def test_every_ambiguous_label_is_drawn_uncertain(data):
    drawn = sum(int((tables.status_matrix(data["practices"], d) == "uncertain").sum().sum())
                for d in ["data_type", "permission", "recipient", "right", "practice"])
    assert drawn == len(_ambiguous()) == 27


def _synthetic(polarity: bool) -> pd.DataFrame:
    """Practices rows for two manifest vendors: a statement, a denial and both, on recipient codes."""
    v1, v2 = tables.vendors()[:2]
    rows = [(v1, "recipient", "recipient.advertisers", 1, 0, 5, "a", "states"),
            (v1, "recipient", "recipient.advertisers", 2, 6, 9, "b", "states"),
            (v1, "recipient", "recipient.data_brokers", 3, 10, 15, "c", "denies"),
            (v2, "recipient", "recipient.advertisers", 4, 0, 5, "d", "states"),
            (v2, "recipient", "recipient.advertisers", 5, 6, 9, "e", "denies")]
    cols = ["vendor", "dimension", "code", "sentence_id", "start", "end", "evidence", "polarity"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame if polarity else frame.drop(columns="polarity")


def test_status_matrix_reads_polarity():
    v1, v2 = tables.vendors()[:2]
    codes = ["recipient.advertisers", "recipient.data_brokers"]
    status = tables.status_matrix(_synthetic(True), "recipient", codes, uncertain=[])
    assert status.loc[v1].tolist() == ["states", "denies"]
    assert status.loc[v2].tolist() == ["states and denies", "silent"]
    said = tables.stated(_synthetic(True), "recipient", codes)
    assert said.loc[v1].tolist() == [True, False] and said.loc[v2].tolist() == [True, False]
    counts = tables.support_matrix(_synthetic(True), "recipient", codes)
    assert counts.loc[v1].tolist() == [2, 0] and counts.loc[v2].tolist() == [1, 0]
    _, shown = tables.status_and_counts(_synthetic(True), "recipient", codes)
    assert shown.iloc[:, :2].to_numpy().tolist() == [[2, 2], [1, 0]]  # stating + denying sentences
    # without a polarity column every row states
    plain = tables.status_matrix(_synthetic(False), "recipient", codes, uncertain=[(v1, "recipient.advertisers")])
    assert plain.loc[v1].tolist() == ["uncertain", "states"] and plain.loc[v2].tolist() == ["states", "silent"]


def test_status_matrix_figure_colours_each_cell_by_status():
    v1, v2 = tables.vendors()[:2]
    codes = ["recipient.advertisers", "recipient.data_brokers"]
    practices = _synthetic(True)
    status = tables.status_matrix(practices, "recipient", codes, uncertain=[(v2, "recipient.data_brokers")])
    counts = tables.support_matrix(practices, "recipient", codes) + tables.support_matrix(
        practices, "recipient", codes, "denies")
    plotting.use_style()
    fig, ax = plt.subplots()
    plotting.status_matrix(ax, status.loc[[v1, v2]].T, counts.loc[[v1, v2]].T)
    cells = [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]
    fills = [matplotlib.colors.to_hex(p.get_facecolor()) for p in cells]
    expected = [plotting.STATUS_STYLE[s]["fill"].lower() for s in ["states", "states and denies", "denies",
                                                                    "uncertain"]]
    assert fills == expected  # row-major: advertisers (v1, v2), data brokers (v1, v2)
    assert cells[3].get_hatch() == plotting.STATUS_STYLE["uncertain"]["hatch"]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["2", "2", "1", "0?"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert [label.split(" (")[0] for label in legend] == list(tables.STATUSES)
    plt.close(fig)


def test_data_types_grouped_by_family(data):
    grouped = tables.grouped_data_types(data["practices"])
    families = list(dict.fromkeys(grouped.columns.get_level_values("family")))
    assert families == list(tables.FAMILIES)
    assert all(code.split(".")[0] == fam for fam, code in grouped.columns)
    assert set(grouped.columns.get_level_values("code")) == set(tables.codes("data_type"))
    counts = tables.family_counts(data["practices"])
    assert (counts.sum(axis=1) == tables.stated(data["practices"], "data_type").sum(axis=1)).all()


def test_rights_in_gdpr_article_order(data):
    rights = tables.rights_matrix(data["practices"])
    assert list(rights.columns) == list(tables.RIGHTS_ORDER)
    assert set(rights.columns) == set(tables.codes("right"))
    articles = tables.gdpr_articles()
    assert [articles[c] for c in tables.GDPR_RIGHTS[:4]] == ["Art. 15", "Art. 16", "Art. 17", "Art. 18"]
    assert list(tables.RIGHTS_ORDER[-3:]) == ["right.account_deletion", "right.permission_control", "right.ccpa"]


def test_coverage_score_matches_definition(data, raw_practices):
    score = tables.rights_coverage(data["practices"])
    assert score.between(0, 1).all()
    for vendor, value in score.items():
        granted = sum(_stated(raw_practices, vendor, c) for c in tables.GDPR_RIGHTS)
        assert value == pytest.approx(granted / 10)


def test_exercise_channels_bounded_by_rights_sentences(data):
    channels = tables.exercise_channels(data["practices"], data["sentences"])
    p = data["practices"]
    per_vendor = p[p["dimension"] == "right"].groupby("vendor")["sentence_id"].nunique()
    per_vendor = per_vendor.reindex(channels.index).fillna(0)
    assert list(channels.columns) == list(tables.CHANNEL_PATTERNS)
    assert channels.le(per_vendor, axis=0).all().all()


def test_channel_patterns():
    rx = tables.CHANNEL_PATTERNS
    assert rx["e-mail"].search("send an e-mail to privacy@example.com")
    assert rx["in-app / settings"].search("go to Settings in the app")
    assert rx["website / online form"].search("fill in the online form")
    assert not rx["post"].search("we post updates")


def test_organisations_parsed_from_facts(data):
    orgs = tables.organisations(data["facts"])
    facts = data["facts"][data["facts"]["field"] == "organisation"]
    assert set(zip(orgs["vendor"], orgs["organisation"] + "|" + orgs["role_code"])) == set(
        zip(facts["vendor"], facts["value"]))
    assert orgs["role_code"].isin(tables.codes("recipient")).all()


def test_evidence_table_quotes_the_sentences(data):
    p, s = data["practices"], data["sentences"]
    ev = tables.evidence_table(p, s, dimension="right")
    assert list(ev.columns) == list(tables.EVIDENCE_COLUMNS)
    assert len(ev) == len(p[p["dimension"] == "right"].drop_duplicates(["vendor", "code", "sentence_id"]))
    assert set(ev["Quote"]) <= set(s["text"])
    assert set(ev["Vendor"]) <= set(analysis.corpus.vendor_labels().values())


def test_totals_count_uncertain_cells_apart(data):
    t = tables.totals(data["practices"], "data_type")
    status = tables.status_matrix(data["practices"], "data_type")
    assert (t["codes stated"] + t["uncertain"] <= t["of codes"]).all()
    assert t["denied"].sum() == int(status.isin(["denies", "states and denies"]).sum().sum()) > 0
    assert t.loc["imou", "uncertain"] == int((status.loc["imou"] == "uncertain").sum()) >= 1
    assert "plus one uncertain" in findings.data_types(data["practices"])


def test_headlines_quote_the_policies(data):
    from analysis.headlines import headlines

    texts = set(data["sentences"]["text"])
    labels = set(analysis.corpus.vendor_labels().values())
    found = headlines(data)
    assert len(found) == 15
    for h in found:
        assert h.quote is not None, h.text
        vendor, section, sentence = h.quote
        assert vendor in labels and sentence in texts, h
        assert vendor in h.text or "policies" in h.text or "policy" in h.text, h


def test_findings_are_sentences(data):
    p, s, f, m = (data[k] for k in ("practices", "sentences", "facts", "metrics"))
    texts = [findings.corpus_length(m), findings.corpus_readability(m), findings.corpus_defects(f),
             findings.data_types(p), findings.sensors(p), findings.permissions(p), findings.recipients(p),
             findings.named_organisations(f), findings.no_sale(p), findings.without_consent(p),
             findings.coverage(p), findings.rights_gaps(p), findings.channels(p, s), findings.response_time(f),
             findings.practices_overview(p), findings.retention(p, f), findings.children(f), findings.storage(f)]
    slugs = set(tables.vendors())
    for text in texts:
        assert text.endswith(".") and text[0].isupper(), text
        assert not any(re.search(rf"\b{slug}\b", text) for slug in slugs), f"raw slug in: {text}"


# --------------------------------------------------------------------------- figure files
@pytest.mark.parametrize("name", [n for names in FIGURE_NAMES.values() for n in names])
def test_figure_files(name):
    png, svg = FIGURES / f"{name}.png", FIGURES / f"{name}.svg"
    assert png.is_file() and svg.is_file(), f"run the notebook that writes {name}"
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"tIME" not in data and b"Software" not in data
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "<dc:date>" not in text and not re.search(r"\b20\d\d-\d\d-\d\dT\d\d:", text)


def test_save_figure_is_deterministic(tmp_path):
    plotting.use_style()
    outputs = []
    for run in ("a", "b"):
        fig, ax = plt.subplots()
        plotting.heatmap(ax, pd.DataFrame([[0, 1], [2, 3]], index=["x", "y"], columns=["p", "q"]), title="t")
        paths = plotting.save_figure(fig, "det", tmp_path / run)
        plt.close(fig)
        outputs.append((paths["png"].read_bytes(), paths["svg"].read_bytes()))
    assert outputs[0] == outputs[1]


def test_style_is_packaged():
    assert plotting.style_path().is_file()


# --------------------------------------------------------------------------- escaping
@pytest.fixture(scope="module")
def malicious(tmp_path_factory) -> dict[str, pd.DataFrame]:
    path = tmp_path_factory.mktemp("evil") / "evil_vendor.txt"
    path.write_text(
        "Evil Vendor Privacy Policy\n\n"
        f"We collect your email address and phone number {PAYLOADS[0]} when you register.\n\n"
        f"We may share your personal information with advertising partners {PAYLOADS[1]}.\n\n"
        f"You have the right to request deletion of your personal data {PAYLOADS[2]}.\n",
        encoding="utf-8")
    return analysis.extract([str(path)])


def _assert_escaped(markup: str) -> None:
    lowered = markup.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<a " not in lowered
    assert "javascript:alert(1)\">" not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;" in markup


def test_evidence_html_escapes_policy_text(malicious):
    ev = tables.evidence_table(malicious["practices"], malicious["sentences"])
    assert ev["Quote"].str.contains("<script>", regex=False).any(), "payload must reach the evidence table"
    _assert_escaped(display.evidence_html(ev, fold_rows=1))
    _assert_escaped(display.evidence_html(ev))
    _assert_escaped(display.html_table(ev, index=False))
    _assert_escaped(display.html_table(malicious["sentences"].set_index("vendor"), caption=PAYLOADS[0]))


def test_headers_index_and_captions_are_escaped():
    frame = pd.DataFrame({PAYLOADS[0]: [PAYLOADS[1]], PAYLOADS[2]: [1]}, index=pd.Index([PAYLOADS[0]], name=PAYLOADS[1]))
    markup = display.html_table(frame, caption=PAYLOADS[2])
    assert "<script" not in markup and "<img" not in markup and "<a " not in markup
    page = index_html([("x.html", PAYLOADS[0], PAYLOADS[1])], title=PAYLOADS[2])
    assert "<script" not in page and "<img" not in page
    assert re.findall(r"<a [^>]*>", page) == ['<a href="x.html">']
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_multiindex_rows_are_cells_not_tuples(data):
    grouped = tables.labelled(tables.grouped_data_types(data["practices"])).T
    markup = display.html_table(grouped)
    assert "(&#x27;" not in markup and "('" not in markup
    assert "<th style=\"text-align:left\">Contact</th><th style=\"text-align:left\">Name</th>" in markup
    assert "<th style=\"text-align:left\"></th><th style=\"text-align:left\">Email address</th>" in markup
    assert markup.count(">Contact</th>") == 1


def test_long_evidence_shows_first_rows_and_folds_the_rest(data):
    ev = tables.evidence_table(data["practices"], data["sentences"], dimension="data_type")
    assert len(ev) > display.FOLD_ROWS
    markup = display.evidence_html(ev)
    shown, folded = markup.split("<details>")
    assert shown.count("<tr>") == display.OPEN_ROWS + 1  # header + open rows
    assert folded.count("<tr>") == len(ev) - display.OPEN_ROWS + 1
    assert display.esc(ev["Quote"].iloc[0]) in shown


def test_interactive_cells_are_left_out_of_reports():
    import nbformat

    from analysis.notebooks import render_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\nText."),
                nbformat.v4.new_code_cell("shown_in_report = 1", execution_count=1),
                nbformat.v4.new_markdown_cell("## Browse the sentences", metadata={"tags": ["interactive"]}),
                nbformat.v4.new_code_cell("browse_in_lab_only(frame)", metadata={"tags": ["interactive"]})]
    page = render_notebook(nb, "t")
    assert "shown_in_report" in page
    assert "browse_in_lab_only" not in page and "Browse the sentences" not in page
    assert not re.search(r"In&nbsp;\[&nbsp;\]|In \[ \]", page)
