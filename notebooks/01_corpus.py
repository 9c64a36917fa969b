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
# # The five policies: provenance, length and quality
#
# What exactly was analysed, and how hard is each policy to read? This notebook lists the five privacy policies with
# their provenance (manifest: source file, checksum, size and the date the policy states), then compares their
# length, reading time, readability, hedging and structure, and reports data-quality defects found in the text
# itself (lists announced but never given, contact addresses left blank) with the sentence that shows each.

# %%
import matplotlib.pyplot as plt
import pandas as pd

import analysis
from analysis import findings as F
from analysis import plotting as P
from analysis import tables as T
from analysis.display import browse, show_evidence, show_figure, show_table, show_text

# %%
# Display settings: house plot style, wide text columns in plain-text output.
P.use_style()
pd.set_option("display.max_colwidth", 80)

# %%
data = analysis.load_processed()
sentences, facts, metrics = data["sentences"], data["facts"], data["metrics"]
T.check_processed(data)
assert (metrics["words"] > 0).all() and (metrics["reading_minutes"] > 0).all()
assert metrics["flesch_reading_ease"].between(-100, 121).all(), "Flesch reading ease out of range"
assert len(T.provenance(metrics)) == len(T.vendors()) == metrics["vendor"].nunique()

# %% [markdown]
# ## Provenance
#
# One row per policy as registered in `data/raw/manifest.csv`; the extractor refuses a raw file whose checksum
# differs from the manifest. "—" marks a policy that states no date.

# %%
show_table(T.provenance(metrics).set_index("Vendor"), caption="The corpus")

# %% [markdown]
# ## Length and reading time
#
# **Figure 1.** Estimated reading time of each policy (words at an average adult reading speed).

# %%
m = T.labelled(T.text_metrics(metrics))
finding = F.corpus_length(metrics)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(8, 3.5))
P.barh(ax, m["reading time (min)"], title="Reading time per policy", xlabel="minutes", fmt="{:.0f} min")
show_figure(fig, "01-reading-time", alt=finding)
show_table(m, caption="Length, reading time, readability, hedging and structure")

# %% [markdown]
# ## Readability and hedging
#
# **Figure 2.** Flesch reading ease (0–100; higher is easier, below 30 is very difficult) per policy. Hedges are words
# such as *may*, *might* or *where necessary* that leave a practice open; the table above gives them per 1,000 words.

# %%
finding = F.corpus_readability(metrics)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(8, 3.5))
P.barh(ax, m["Flesch reading ease"], title="Flesch reading ease (higher is easier)", xlabel="score",
       fmt="{:.1f}", xlim=(0, 100), reference=(30, "30: below is very difficult"))
show_figure(fig, "01-readability", alt=finding)
show_table(m[["Flesch reading ease", "Flesch–Kincaid grade", "hedges per 1,000 words"]], caption="Readability")

# %% [markdown]
# ## Data-quality defects in the policies
#
# A sentence that announces a list ("we collect the following:") with no list after it, or that points to a
# contact ("contact us at") and leaves the address blank, is a defect of the published text, not of the extraction.
# The evidence table gives each flagged sentence.

# %%
show_text(F.corpus_defects(facts), label="Finding:")
show_table(T.labelled(T.defects(facts)), caption="Sentences flagged per defect")
show_evidence(T.fact_evidence(facts, sentences, ["defect.list_without_items", "defect.blank_contact"]),
              title="Sentences showing each defect")

# %% [markdown] tags=["interactive"]
# ## Browse the sentences
#
# In JupyterLab the cell below shows every segmented sentence in a searchable table (it needs JavaScript and an
# internet connection).

# %% tags=["interactive"]
# NBVAL_IGNORE_OUTPUT
browse(T.labelled(sentences.set_index("vendor"))[["sentence_id", "section", "kind", "text"]].reset_index(),
       table_id="sentences_01")
