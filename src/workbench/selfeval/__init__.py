"""The support team's half-yearly self-evaluation.

Files in a project (DESIGN.md):

    selfeval/form.yaml                                    the form: principles, scales, items (editable)
    selfeval/<YYYY>-H<1|2>/<respondent>.yaml              a respondent's current answer, status kladde|indsendt
    selfeval/<YYYY>-H<1|2>/.historik/<respondent>/<t>.yaml  earlier submitted versions, named by submission time

Modules: `period` (half years), `form` (form.yaml), `answers` (reading and validating answer files and their
history), `store` (saving drafts and submissions, archiving what they replace, refusing to overwrite a version
saved elsewhere meanwhile, merging two versions edited at once), `summary` (the team's figures),
`texts` (free-text answers as codable documents and for the privacy scan).
"""
