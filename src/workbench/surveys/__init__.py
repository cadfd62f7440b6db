"""Surveys: respondent-level exports and aggregated tables, summarised per item and time point.

Each survey is a data file in `surveys/` (CSV or XLSX) with an item map `surveys/<name>.yaml` beside it
that says what each column asks, which answers count towards the reported share, which are left out
("Ved ikke"; a blank answer always is) and which principles the item informs. Every row of the data
is checked against the map before anything is counted, and each problem becomes one Danish sentence
naming the file, the line and the column.

Modules: `model` (the item map and the loaded survey), `load` (reading item maps and CSV/XLSX data files),
`summary` (shares per item and time point, small groups suppressed).
"""
