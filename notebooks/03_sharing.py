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
# # Who receives the data?
#
# With whom does each vendor say it may share personal data, which organisations does it name, does it promise not
# to sell data, and what may leave the company without the user's consent? The matrix shows, for every vendor and
# kind of recipient, whether the policy says data may be shared with, disclosed to or processed by that party
# (colour) and in how many sentences (number).

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
orgs = T.organisations(facts)
assert orgs["role_code"].isin(T.codes("recipient")).all(), "organisation role must be a recipient code"
assert set(T.NO_CONSENT_RECIPIENTS) <= set(T.codes("recipient"))

# %% [markdown]
# ## Kinds of recipients
#
# **Figure 1.** Whether each policy says data may go to a kind of recipient, and in how many sentences (blank =
# never said).

# %%
recipients = T.support_matrix(practices, "recipient")
finding = F.recipients(practices)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 7.6))
P.status_matrix(ax, *T.status_and_counts(practices, "recipient"), title="Recipients of personal data")
show_figure(fig, "03-recipients-matrix", alt=finding)
show_table(T.labelled(recipients).T, caption="Supporting sentences per recipient and vendor")
show_table(T.labelled(T.totals(practices, "recipient")), caption="Totals per vendor (uncertain cells counted apart)")
show_evidence(T.evidence_table(practices, sentences, dimension="recipient"), title="Evidence for Figure 1")

# %% [markdown]
# ## Named organisations
#
# Organisations the policies name as receiving or processing data, with the role they are named in
# (from the organisation gazetteer) and the number of sentences naming them.

# %%
show_text(F.named_organisations(facts), label="Finding:")
show_table(T.labelled(orgs.set_index("vendor"))[["organisation", "role", "sentences"]],
           caption="Named organisations per vendor")
show_evidence(T.fact_evidence(facts, sentences, "organisation"), title="Sentences naming an organisation")

# %% [markdown]
# ## "We do not sell your data"

# %%
show_text(F.no_sale(practices), label="Finding:")
show_evidence(T.evidence_table(practices, sentences, ["practice.no_sale"]), title="Statements that data is not sold")

# %% [markdown]
# ## What may leave the company without consent
#
# **Figure 2.** Sentences allowing disclosure to government, courts or law enforcement, and transfer to a buyer
# or successor in a merger or sale; neither needs the user's consent.

# %%
no_consent = T.support_matrix(practices, "recipient", list(T.NO_CONSENT_RECIPIENTS))
finding = F.without_consent(practices)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 3.2))
P.status_matrix(ax, *T.status_and_counts(practices, "recipient", T.NO_CONSENT_RECIPIENTS), legend_rows=1,
                title="Disclosure without consent")
show_figure(fig, "03-without-consent", alt=finding)
show_table(T.labelled(no_consent).T, caption="Supporting sentences per recipient and vendor")
show_evidence(T.evidence_table(practices, sentences, T.NO_CONSENT_RECIPIENTS), title="Evidence for Figure 2")

# %% [markdown] tags=["interactive"]
# ## Browse the evidence
#
# In JupyterLab the cell below shows every supporting sentence of this notebook in a searchable, sortable table
# (it needs JavaScript and an internet connection; the static tables above hold the same rows).

# %% tags=["interactive"]
# NBVAL_IGNORE_OUTPUT
browse(T.evidence_table(practices, sentences, [*T.codes("recipient"), "practice.no_sale"]), table_id="evidence_03")
