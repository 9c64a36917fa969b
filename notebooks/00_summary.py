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
from analysis.display import show_figure, show_table, show_text
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
# **Figure 1.** Share of each dimension's taxonomy codes that each policy covers (for example, the share of the
# data types it says it collects, or of the rights it grants); the number in each cell is the count of codes found.

# %%
finding = F.overview_finding(practices)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 3.8))
labels = {d: f"{T.DIMENSION_LABELS[d]} (of {n})" for d, n in T.dimension_sizes().items()}
P.heatmap(ax, T.labelled(overview.rename(columns=labels)).T, cbar_label="codes found",
          title="Codes found per dimension")
show_figure(fig, "00-overview", alt=finding)
show_table(T.labelled(overview.rename(columns=labels)).T, caption="Codes found per dimension and vendor")

# %% [markdown]
# ## Headline findings

# %%
for topic, sentences_ in F.headlines(data).items():
    for sentence in sentences_:
        show_text(sentence, label=f"{topic}:")

# %% [markdown]
# ## Key figures

# %%
key = pd.DataFrame({
    "words": T.text_metrics(metrics)["words"],
    "data types": overview["data_type"],
    "kinds of recipients": overview["recipient"],
    "rights coverage": T.rights_coverage(practices),
    "says data not sold": T.presence(T.support_matrix(practices, "practice", ["practice.no_sale"]))["practice.no_sale"],
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
dev = E.evaluate()["by_dimension"].set_index("dimension")
_, blind = E.score_sentences(E.load_sentence_items(DATA_DIR / "heldout" / "sentences_v2.yaml"))
blind = blind.set_index("dimension")
show_text(f"Against the hand-coded labels of these five policies the rules reach micro-F1 "
          f"{dev.loc['all', 'f1']:.2f} (lowest dimension: {dev['f1'].drop('all').idxmin()}, "
          f"{dev['f1'].drop('all').min():.2f}); on blind sentences they find {blind.loc['all', 'recall']:.0%} "
          f"of the expected codes (lowest: {blind['recall'].drop('all').idxmin()}, "
          f"{blind['recall'].drop('all').min():.0%}), so a 0 in a matrix can be a miss.", label="Accuracy:")
show_table(pd.DataFrame({"micro-F1, five policies": dev["f1"], "recall, blind sentences": blind["recall"],
                         "strict precision, blind sentences": blind["strict_precision"]}),
           caption="Accuracy per dimension (details and error analysis in 06_validation)")
