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
# # Retention, children, transfers and security
#
# What do the policies say about how long data is kept, about children, about moving data across borders and where
# it is stored, about safeguards and encryption, and about telling users of a breach or of policy changes? The
# matrix shows whether each policy makes each statement (colour) and in how many sentences (number); the sections
# below give the concrete facts (periods, ages, countries) with their sentences.

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
ages = facts.loc[facts["field"] == "child_age", "value"]
assert ages.str.fullmatch(r"\d{1,2}").all(), "child ages must be whole years"
assert set(practices.loc[practices["dimension"] == "practice", "code"]) <= set(T.codes("practice"))

# %% [markdown]
# ## Practices stated
#
# **Figure 1.** Whether each policy makes each statement, and in how many sentences (blank = not stated).

# %%
matrix = T.support_matrix(practices, "practice")
finding = F.practices_overview(practices)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 7.6))
P.status_matrix(ax, *T.status_and_counts(practices, "practice"), title="Practices each policy states")
show_figure(fig, "05-practices-matrix", alt=finding)
show_table(T.labelled(matrix).T, caption="Supporting sentences per practice and vendor")
show_evidence(T.evidence_table(practices, sentences, dimension="practice"), title="Evidence for Figure 1")

# %% [markdown]
# ## Retention

# %%
show_text(F.retention(practices, facts), label="Finding:")
show_table(T.labelled(T.fact_summary(facts, "retention_period").to_frame("concrete retention period")),
           caption="Concrete retention periods")
show_evidence(T.evidence_table(practices, sentences, ["practice.retention_stated", "practice.retention_period"]),
              title="Retention statements")
show_evidence(T.fact_evidence(facts, sentences, "retention_period"), title="Sentences giving a retention period")

# %% [markdown]
# ## Children

# %%
show_text(F.children(facts), label="Finding:")
show_table(T.labelled(T.fact_summary(facts, "child_age").to_frame("age threshold (years)")),
           caption="Age thresholds stated for children")
show_evidence(T.fact_evidence(facts, sentences, "child_age"), title="Sentences stating an age threshold")
show_evidence(T.evidence_table(practices, sentences, ["practice.children"]), title="Statements on children")

# %% [markdown]
# ## Cross-border transfers and storage countries

# %%
show_text(F.storage(facts), label="Finding:")
show_table(T.labelled(T.fact_summary(facts, "storage_country").to_frame("storage / processing countries")),
           caption="Countries where data is said to be stored or processed")
show_evidence(T.fact_evidence(facts, sentences, "storage_country"), title="Sentences naming a country")
show_evidence(T.evidence_table(practices, sentences, ["practice.intl_transfer", "practice.storage_locations",
                                                      "practice.transfer_safeguards"]),
              title="Statements on transfers, storage locations and safeguards")

# %% [markdown]
# ## Security and notification

# %%
security = ["practice.encryption", "practice.breach_notification", "practice.change_notification"]
show_table(T.labelled(T.stated(practices, "practice", security)).T,
           caption="Statements on encryption and notification (✓ = stated)")
show_evidence(T.evidence_table(practices, sentences, security), title="Statements on encryption and notification")

# %% [markdown] tags=["interactive"]
# ## Browse the evidence
#
# In JupyterLab the cell below shows every supporting sentence of this notebook in a searchable, sortable table
# (it needs JavaScript and an internet connection; the static tables above hold the same rows).

# %% tags=["interactive"]
# NBVAL_IGNORE_OUTPUT
browse(T.evidence_table(practices, sentences, dimension="practice"), table_id="evidence_05")
