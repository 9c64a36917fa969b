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
# # The five among the market: 233 smart-home policy pages
#
# Compared with what? Is granting nine of the ten GDPR rights unusual for a smart-home vendor, do camera makers
# name more data types than plug makers, and how many policies say nothing about selling data? This notebook
# places the five seed policies among the privacy-policy pages of 233 smart-home vendors collected by Manandhar et
# al. ("Smart Home Privacy Policies Demystified", USENIX Security 2022), extracted by the same rules, with a
# quote behind every statement. Pages that are not English privacy policies are excluded, each with its reason.

# %%
import matplotlib.pyplot as plt
import pandas as pd

import analysis
from analysis import market_plots as MP
from analysis import market_tables as MT
from analysis import plotting as P
from analysis import tables as T
from analysis.display import show_figure, show_table, show_text
from analysis.market import CITATION, exclusion_counts

# %%
# Display settings: house plot style, wide text columns in plain-text output.
P.use_style()
pd.set_option("display.max_colwidth", 80)

# %%
market = analysis.load_processed("market")
seed = analysis.load_processed()
T.check_processed(seed)
pages = market["pages"]
used = MT.used_pages(market)
assert pages["vendor"].is_unique and set(pages["status"]) <= {"used", "excluded"}
assert set(market["metrics"]["vendor"]) == set(used["vendor"]) == set(market["texts"]["vendor"])
assert (pages["status"] == "excluded").eq(pages["reason"] != "").all(), "an excluded page needs its reason"
market_values, seed_values = MT.market_scores(market), MT.seed_scores(seed)
stand = MT.standing(market_values, seed_values)
show_text(CITATION, label="Data:")

# %% [markdown]
# ## Which pages were analysed
#
# Every page of the corpus is screened in this order: readable text left after dropping page chrome (navigation,
# cookie banners, footers), at least 100 words, English (py3langid on three samples of the text), privacy-policy
# vocabulary (personal data, third parties, consent, retention...), and not a copy of an earlier page. The first
# check a page fails is its reason; the second table lists every excluded page. Each analysed page counts as one
# policy: a vendor whose two different policy pages were collected (a product policy and a website policy, say)
# counts twice.

# %%
show_text(MT.finding_exclusions(pages), label="Finding:")
show_table(exclusion_counts(pages), caption="Pages by status and reason", index=False)
show_table(MT.excluded_pages(market), caption="Every excluded page, with what was found", index=False)

# %% [markdown]
# ## Where the five stand in the market
#
# **Figure 1.** Number of market policies (grey bars) stating each number of data types, kinds of recipients,
# GDPR rights (of the ten in `04_rights`) and practices (of `05_practices`); the coloured lines are the five seed
# policies. The table gives each seed policy's value and its percentile among the market policies (P50 = the
# middle of the market; ties count half).

# %%
finding = MT.finding_distribution(market_values, stand)
show_text(finding, label="Finding:")
fig = plt.figure(figsize=(10, 7.5))
MP.distributions(fig, market_values, seed_values)
show_figure(fig, "07-market-distributions", alt=finding)
show_table(MT.standing_table(stand.replace({"measure": MT.MEASURES})),
           caption="Seed policies: value (percentile among the market policies)")
summary = market_values.describe().T[["min", "25%", "50%", "75%", "max"]].rename(index=MT.MEASURES)
summary.insert(0, "of codes", [MT.measure_sizes()[m] for m in MT.MEASURES])
show_table(summary, caption=f"Distribution across the {len(market_values)} market policies")

# %% [markdown]
# ## By device category
#
# **Figure 2.** Median number of codes stated by the policies of vendors in each device group (from the dataset's
# device categories; a vendor selling cameras and plugs counts in both groups).

# %%
cat = MT.by_category(market)
finding = MT.finding_categories(cat)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 4.8))
matrix = cat[list(MT.MEASURES)].rename(columns={m: f"{t} (of {MT.measure_sizes()[m]})" for m, t in MT.MEASURES.items()})
matrix.index = [f"{g} ({n})" for g, n in zip(cat.index, cat["policies"])]
P.heatmap(ax, matrix, cbar_label="median codes stated", title="Median per device group (policies in brackets)")
show_figure(fig, "07-by-category", alt=finding)
show_table(cat.rename(columns=MT.MEASURES), caption="Median codes stated per device group")

# %% [markdown]
# ## The most and least common statements
#
# **Figure 3.** Share of market policies stating each code of the taxonomy (data types, permissions, recipients,
# rights, practices): the 12 most and the 12 least common. The table quotes, for the five most and five least
# common, two policies that make the statement (each policy's first supporting sentence; the shortest are shown).

# %%
prev = MT.prevalence(market)
finding = MT.finding_statements(prev, len(used))
show_text(finding, label="Finding:")
ends = pd.concat([prev.head(12), prev.tail(12)])
fig, ax = plt.subplots(figsize=(9, 7.5))
MP.prevalence_bars(ax, ends, split=12, title="Most and least common statements")
show_figure(fig, "07-statements", alt=finding)
show_table(MT.common_and_rare(market), caption="Most and least common statements, with example quotes", index=False)

# %% [markdown]
# ## Length and readability
#
# **Figure 4.** Length (words, log scale) and Flesch reading ease of every market policy (grey) and of the five
# seed policies (colours); below the dashed line (30) a text counts as very difficult.

# %%
texts_market = MT.text_measures(market["metrics"])
texts_seed = MT.text_measures(seed["metrics"]).reindex(T.vendors())
finding = MT.finding_texts(market["metrics"], seed["metrics"])
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 5.5))
MP.texts_scatter(ax, texts_market, texts_seed)
show_figure(fig, "07-length-readability", alt=finding)
show_table(texts_market.describe().T[["min", "25%", "50%", "75%", "max"]],
           caption="Length, reading time and readability across the market")

# %% [markdown]
# ## State, deny or say nothing
#
# **Figure 5.** Number of market policies that make a statement on selling personal data (the taxonomy's code is
# the statement that data is *not* sold), children, retention and international transfers, that deny it, or that
# say nothing. A policy denies a topic when its only sentences on it are denials (polarity `denies`, e.g. "we do
# not transfer your data abroad"); the practice codes are rarely denied, so that segment is usually empty.

# %%
sds = MT.state_deny_silent(market)
finding = MT.finding_topics(sds, len(used))
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 3.6))
MP.stacked_topics(ax, sds, title="Policies that state, deny or say nothing")
show_figure(fig, "07-state-deny", alt=finding)
seed_sds = MT.state_deny_silent({"pages": pd.DataFrame({"vendor": T.vendors(), "status": "used"}),
                                 "practices": seed["practices"]})
show_table(pd.concat({"market policies": sds, "seed policies": seed_sds}, axis=1),
           caption="Policies that state, deny or say nothing, market and seed")
show_table(MT.topic_quotes(market), caption="What such statements say: examples from named policies", index=False)
