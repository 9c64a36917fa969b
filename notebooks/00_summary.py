# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Smart-home privacy policies at a glance
#
# How do the privacy policies of five smart-home vendors compare on what they collect, whom they share it with,
# which rights they grant and what they promise? This page gathers the headline findings of the other notebooks,
# each computed from the extracted data and backed there by the sentences that support it; open `01_corpus` to
# `05_practices` for the evidence.

# %%
import matplotlib.pyplot as plt
import pandas as pd

import analysis
from analysis import evaluate as E
from analysis import findings as F
from analysis import plotting as P
from analysis import tables as T
from analysis.display import show_figure, show_finding, show_table, show_text
from analysis.headlines import headlines
from analysis.paths import DATA_DIR

# %%
# Display settings: house plot style, wide text columns in plain-text output.
P.use_style()
pd.set_option("display.max_colwidth", 80)

# %%
data = analysis.load_processed()
practices, sentences, facts, metrics = (data[k] for k in ("practices", "sentences", "facts", "metrics"))
T.check_processed(data)
overview = T.dimension_overview(practices)
assert (overview.le(T.dimension_sizes(), axis=1)).all().all(), "more codes found than the taxonomy has"

# %% [markdown]
# ## Overview
#
# **Figure 1.** Share of each dimension's taxonomy codes that each policy states (for example, the share of the
# data types it says it collects, or of the rights it grants): the colour is the share, the cell reads "codes
# stated / codes in the dimension". Cells the hand coder marked ambiguous are not counted.

# %%
finding = F.overview_finding(practices)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 3.8))
sizes = T.dimension_sizes()
shares = overview / sizes
labels = {d: f"{T.DIMENSION_LABELS[d]} (of {n})" for d, n in sizes.items()}
cells = pd.DataFrame({d: [f"{n} / {sizes[d]}" for n in overview[d]] for d in overview.columns}, index=overview.index)
P.heatmap(ax, T.labelled(shares.rename(columns=labels)).T, annotations=cells.T, vmax=1.0, percent=True,
          cbar_label="share of the dimension's codes", title="Share of each dimension's codes stated")
show_figure(fig, "00-overview", alt=finding)
show_table(T.labelled(overview.rename(columns=labels)).T.rename_axis("Dimension"),
           caption="Codes stated per dimension and vendor")

# %% [markdown]
# ## Headline findings
#
# Each finding is followed by one sentence of a policy that supports it, chosen by `analysis.headlines` from the
# same tables (vendor and section under the quote); the evidence tables of notebooks 01–05 hold all of them.

# %%
for headline in headlines(data):
    show_finding(headline.text, label=f"{headline.topic}:", quote=headline.quote)

# %% [markdown]
# ## Key figures

# %%
key = pd.DataFrame({
    "words": T.text_metrics(metrics)["words"],
    "data types": overview["data_type"],
    "kinds of recipients": overview["recipient"],
    "rights coverage": T.rights_coverage(practices),
    "says data not sold": T.stated(practices, "practice", ["practice.no_sale"])["practice.no_sale"],
    "response time": T.fact_summary(facts, "response_time"),
})
show_table(T.labelled(key), caption="Key figures per vendor (rights coverage = share of the 10 GDPR rights granted)")

# %% [markdown]
# Method in brief: each policy is split into sentences; a rule-based codebook tags the sentences that support
# each code of a fixed taxonomy (data types, permissions, recipients, rights, practices), and regular expressions
# pull out concrete facts (periods, ages, countries, organisations). Counts are numbers of supporting sentences;
# a code that a policy never mentions counts 0. Findings describe what the policies *say*.

# %% [markdown]
# ## How far to trust these figures
#
# `06_validation` scores the rules against hand-coded labels of the five policies (a *present* label always comes
# with the verbatim quote that justifies it) and on blind sentences written in other styles, which were never
# used to change a rule. The first figure is a development score; the second is the estimate for a new policy.

# %%
dev = T.labelled_values(E.evaluate()["by_dimension"].set_index("dimension"))
_, blind = E.score_sentences(E.load_sentence_items(DATA_DIR / "heldout" / "sentences_v2.yaml"))
blind = T.labelled_values(blind.set_index("dimension"))
ALL = T.value_labels()["dimension"]["all"]
show_text(f"Against the hand-coded labels of these five policies the rules reach micro-F1 "
          f"{dev.loc[ALL, 'f1']:.2f} (lowest dimension: {dev['f1'].drop(ALL).idxmin().lower()}, "
          f"{dev['f1'].drop(ALL).min():.2f}); on blind sentences they find {blind.loc[ALL, 'recall']:.0%} "
          f"of the expected codes (lowest: {blind['recall'].drop(ALL).idxmin().lower()}, "
          f"{blind['recall'].drop(ALL).min():.0%}), so a blank cell in a matrix can be a miss.", label="Accuracy:")
show_table(pd.DataFrame({"micro-F1, five policies": dev["f1"], "recall, blind sentences": blind["recall"],
                         "strict precision, blind sentences": blind["strict_precision"]}),
           caption="Accuracy per dimension (details and error analysis in 06_validation)")
