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
# # Which rights do the policies grant, and how are they exercised?
#
# Does each policy tell users they can access, correct, delete or port their data, object, withdraw consent or
# complain to a regulator — the rights of the GDPR, in article order — and can they close the account, turn off
# permissions or use California (CCPA) rights? A coverage score summarises the GDPR rights per vendor; the evidence
# sentences show how a right is exercised (e-mail, app, website, post) and how fast the vendor promises to answer.

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
practices, sentences, facts = data["practices"], data["sentences"], data["facts"]
T.check_processed(data)
assert set(T.codes("right")) == set(T.RIGHTS_ORDER), "taxonomy rights and RIGHTS_ORDER differ"
score = T.rights_coverage(practices)
assert score.between(0, 1).all()

# %% [markdown]
# ## Rights by vendor
#
# **Figure 1.** Whether each policy tells the user they may exercise each right, and in how many sentences (rows:
# the ten GDPR rights in article order, then account deletion, permission control and the CCPA section; blank =
# not granted in the policy).

# %%
finding = F.rights_gaps(practices)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 7.6))
P.status_matrix(ax, *T.status_and_counts(practices, "right", T.RIGHTS_ORDER),
                groups=[("GDPR", len(T.GDPR_RIGHTS)), ("Other", len(T.OTHER_RIGHTS))],
                title="Rights and controls granted")
show_figure(fig, "04-rights-matrix", alt=finding)
show_table(T.rights_table(practices), caption="Supporting sentences per right and vendor")
show_evidence(T.evidence_table(practices, sentences, T.RIGHTS_ORDER), title="Evidence for Figure 1")

# %% [markdown]
# ## Rights coverage score
#
# **Definition.** The coverage score of a vendor is the share of the ten GDPR rights (access, rectification,
# erasure, restriction, portability, objection, opting out of direct marketing, automated decisions, withdrawing
# consent, complaint to a supervisory authority) for which its policy has at least one supporting sentence:
# *granted GDPR rights / 10*, from 0 (none) to 1 (all ten). Account deletion, permission control and CCPA are not
# counted. The score measures what the policy *says*, not whether requests are honoured.
#
# **Figure 2.** Rights coverage score per vendor.

# %%
finding = F.coverage(practices)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(8, 3.5))
P.barh(ax, T.labelled(score.to_frame())["coverage"], title="Rights coverage score (share of 10 GDPR rights)",
       xlabel="score", fmt="{:.1f}", xlim=(0, 1.1))
show_figure(fig, "04-rights-coverage", alt=finding)
coverage = pd.DataFrame({"GDPR rights granted": T.stated(practices, "right", list(T.GDPR_RIGHTS)).sum(axis=1),
                         "of": len(T.GDPR_RIGHTS), "coverage score": score})
show_table(T.labelled(coverage), caption="Rights coverage score")

# %% [markdown]
# ## How a right is exercised
#
# **Figure 3.** Number of rights sentences (evidence of any `right.*` code) that mention each channel. The channel
# patterns are documented in `analysis.tables.CHANNEL_PATTERNS`: *e-mail* (an e-mail word or address), *in-app /
# settings* ("app", "settings", "log in"), *website / online form* ("website", "online form", "portal", a URL),
# *post* ("by post/mail", "postal", "write to us"). A sentence may mention several channels.

# %%
channels = T.exercise_channels(practices, sentences)
finding = F.channels(practices, sentences)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 3.6))
mentioned = channels.gt(0).map({True: "states", False: "silent"}.get)
P.status_matrix(ax, T.labelled(mentioned).T, T.labelled(channels).T, legend_rows=1,
                legend={"states": "mentioned", "silent": "not mentioned"},
                legend_title="Colour: whether rights sentences mention the channel.  Number: how many do.",
                title="Channels for exercising rights")
show_figure(fig, "04-exercise-channels", alt=finding)
show_table(T.labelled(channels).T, caption="Rights sentences mentioning each channel")

# %% [markdown]
# ## Promised response time

# %%
show_text(F.response_time(facts), label="Finding:")
show_table(T.labelled(T.fact_summary(facts, "response_time").to_frame("response time")),
           caption="Time promised to answer a rights request")
show_evidence(T.fact_evidence(facts, sentences, "response_time"), title="Sentences promising a response time")

# %% [markdown] tags=["interactive"]
# ## Browse the evidence
#
# In JupyterLab the cell below shows every rights sentence in a searchable, sortable table (it needs JavaScript and
# an internet connection; the static tables above hold the same rows).

# %% tags=["interactive"]
# NBVAL_IGNORE_OUTPUT
browse(T.evidence_table(practices, sentences, T.RIGHTS_ORDER), table_id="evidence_04")
