"""The chapter's sections, each a function from `ChapterData` to a `Section` of the chapter model.

`method` (approach and data), `principles` (one section per principle), `factors` (the effective factors),
`assessment` (by evaluation question), `appendices` (codebook, agreement, surveys); `blocks` holds what more
than one of them lays out. `report.build.build_chapter` puts them in order.
"""
