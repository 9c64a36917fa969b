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
# # What data do the policies say is collected?
#
# Which kinds of personal data does each vendor's policy say its apps, devices, website or cloud collect, and how
# much does each policy say about them? The matrix shows, for every vendor and data type, whether the policy
# states that it collects it (blue), denies it (orange), says nothing (blank), or is ambiguous by the hand coder's
# reading (hatched, "?"); the number in a cell is how many sentences say so. Data types are grouped into families.
# The sensor data a smart-home camera or speaker can capture is singled out, followed by the device permissions
# the apps ask for. Every count links back to its sentences in the evidence tables.

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
practices, sentences = data["practices"], data["sentences"]
T.check_processed(data)
data_types = practices[practices["dimension"] == "data_type"]
assert set(data_types["code"]) <= set(T.codes("data_type")), "unknown data-type code"
assert {T.family_of(c) for c in T.codes("data_type")} == set(T.FAMILIES), "every family has data types"
assert set(T.SENSOR_CODES) <= set(T.codes("data_type"))

# %% [markdown]
# ## Data types by vendor
#
# **Figure 1.** Whether each policy (columns) states that the vendor collects each data type (rows, grouped by
# family), and in how many sentences; a blank cell means the policy never says so. The finding:

# %%
matrix = T.grouped_data_types(practices)
finding = F.data_types(practices)
show_text(finding, label="Finding:")
families = [(T.FAMILY_LABELS[f], int((matrix.columns.get_level_values("family") == f).sum())) for f in T.FAMILIES]
fig, ax = plt.subplots(figsize=(10, 12.5))
P.status_matrix(ax, *T.status_and_counts(practices, "data_type", T.data_type_order()), groups=families,
                title="Data types each policy says are collected")
show_figure(fig, "02-data-types-matrix", alt=finding)

# %% [markdown]
# The data behind Figure 1, with each vendor's totals (data types found, and supporting sentences summed over
# data types), then every supporting sentence.

# %%
show_table(T.labelled(matrix).T.rename_axis(["Family", "Data type"]),
           caption="Supporting sentences per data type (rows) and vendor (columns)")
show_table(T.labelled(T.totals(practices, "data_type")), caption="Totals per vendor (uncertain cells counted apart)")
show_table(T.labelled(T.family_counts(practices)), caption="Data types found per family")
show_evidence(T.evidence_table(practices, sentences, dimension="data_type"), title="Evidence for Figure 1")

# %% [markdown]
# ## Sensor data: video, audio and precise location
#
# **Figure 2.** The data a smart-home camera, doorbell, speaker or phone app can capture directly from its sensors.

# %%
sensors = T.support_matrix(practices, "data_type", list(T.SENSOR_CODES))
finding = F.sensors(practices)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 3.6))
P.status_matrix(ax, *T.status_and_counts(practices, "data_type", T.SENSOR_CODES), legend_rows=1,
                title="Sensor data each policy says is collected")
show_figure(fig, "02-sensor-data", alt=finding)
show_table(T.labelled(sensors).T, caption="Supporting sentences per sensor data type and vendor")
show_evidence(T.evidence_table(practices, sentences, T.SENSOR_CODES), title="Evidence for Figure 2")

# %% [markdown]
# ## Device permissions
#
# **Figure 3.** Sentences saying the app or device asks for, uses or needs a system permission.

# %%
permissions = T.support_matrix(practices, "permission")
finding = F.permissions(practices)
show_text(finding, label="Finding:")
fig, ax = plt.subplots(figsize=(9, 5.8))
P.status_matrix(ax, *T.status_and_counts(practices, "permission"), title="Device permissions mentioned")
show_figure(fig, "02-permissions-matrix", alt=finding)
show_table(T.labelled(permissions).T, caption="Supporting sentences per permission and vendor")
show_evidence(T.evidence_table(practices, sentences, dimension="permission"), title="Evidence for Figure 3")

# %% [markdown] tags=["interactive"]
# ## Browse the evidence
#
# In JupyterLab the cell below shows every supporting sentence of this notebook in a searchable, sortable table
# (it needs JavaScript and an internet connection; the static tables above hold the same rows).

# %% tags=["interactive"]
# NBVAL_IGNORE_OUTPUT
browse(T.evidence_table(practices, sentences, [*T.codes("data_type"), *T.codes("permission")]),
       table_id="evidence_02")
