"""Search and jump in the coding app, in a JupyterLab of its own.

It runs apart from tests/test_browser_coding.py's shared JupyterLab: after the code-management tests there the
corpus search did not list its hits (under investigation; see the stop's note), while it passes in a fresh
server, as a coder meets it.
"""

from __future__ import annotations

from test_browser_coding import app, lab, open_tool  # noqa: F401  (the fixtures, one JupyterLab for this module)


def test_search_finds_the_word_in_every_form_and_jumps_to_each_hit(lab, app):  # noqa: F811 (fixtures)
    lab.start(app, doc_id="OBS-01", label="OBS-01 · Mødeobservationer · Observation")
    tool = open_tool(app, "Søg i teksten")
    tool.locator(".widget-dropdown").locator("select").select_option("Alle dokumenter")
    query = tool.get_by_placeholder("Søg ord eller udtryk")
    query.fill("samtykke")
    query.press("Enter")
    tool.get_by_text("fund i").wait_for()
    results = tool.locator("select[size]")
    lab.page.wait_for_function("() => [...document.querySelectorAll('.wb-panel select[size] option')]"
                               ".some(o => o.textContent.includes('[Samtykket]'))")
    labels = results.evaluate("select => [...select.options].map(o => o.textContent)")
    index = next(i for i, text in enumerate(labels) if text.startswith("INT-RAD-01") and "[Samtykket]" in text)
    results.select_option(index=index)
    lab.page.wait_for_function("() => (document.querySelector('.wb-tr').dataset.drawn || '').startsWith('INT-RAD-01:')")
    focus = lab.page.locator(".wb-tr span.wb-focus")
    focus.wait_for()
    assert focus.inner_text() == "Samtykket"
    assert lab.page.locator(".wb-tr span.wb-hit").count() == 3  # the document's three forms of the word
    box, view = focus.bounding_box(), lab.page.locator(".wb-tr-scroll").bounding_box()
    assert view["y"] <= box["y"] <= view["y"] + view["height"]  # scrolled into view
