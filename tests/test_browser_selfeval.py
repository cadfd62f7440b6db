"""The self-evaluation form in Voilà as a support-team member meets it, in headless Chromium: one heading, every
part of the form on a 390 px phone and a 1366×768 laptop without anything cut off, and its error paths (a
half-filled submission, two windows saving the same answer, a broken answer file), checked on disk.

Reuses the server and browser helpers of test_browser.py; like those tests it is skipped without Chromium,
except under WORKBENCH_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from test_browser import (
    BIN,
    FIXTURES,
    KERNEL_START_MS,
    REPO,
    _free_port,
    _jupyter_env,
    _server,
    page,  # noqa: F401  (the browser fixture)
)

from workbench.project import Project
from workbench.selfeval.access import create_code
from workbench.selfeval.form import load_form

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# What a person would see as cut off or pushed aside, measured in the page: the page or the form scrolling
# sideways, an element reaching past the visible width, a box whose content is wider than the box (a clipped
# field or label), or two parts of the form lying over each other.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const name = el => el.tagName.toLowerCase() + '.' + [...el.classList].slice(-2).join('.')
    + (el.innerText ? ' «' + el.innerText.trim().slice(0, 30) + '»' : '');
  const scroller = document.querySelector('#rendered_cells') || document.scrollingElement;
  const limit = scroller.getBoundingClientRect().left + scroller.clientWidth;
  if (document.documentElement.scrollWidth > window.innerWidth) problems.push('the page scrolls sideways');
  if (scroller.scrollWidth > scroller.clientWidth + 1) problems.push('the page content scrolls sideways');
  const form = document.querySelector('.wb-form');
  for (const el of [form, ...form.querySelectorAll('*')]) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    if (box.right > limit + 0.5) problems.push(name(el) + ' reaches ' + Math.round(box.right) + ' > ' + limit);
    const clips = getComputedStyle(el).overflowX !== 'visible';
    if (clips && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'TEXTAREA')
      problems.push(name(el) + ' cuts its content: ' + el.scrollWidth + ' > ' + el.clientWidth);
  }
  const parts = [...form.children].filter(el => el.getBoundingClientRect().height > 0);
  for (let i = 1; i < parts.length; i++) {
    if (parts[i].getBoundingClientRect().top < parts[i - 1].getBoundingClientRect().bottom - 1)
      problems.push(name(parts[i]) + ' lies over ' + name(parts[i - 1]));
  }
  return problems;
}"""


@pytest.fixture
def form_url(mini_project, tmp_path):
    """The form served by Voilà as `make form` serves it, on the mini project with the fixture's answers."""
    shutil.copytree(FIXTURES / "selfeval", mini_project / "selfeval", dirs_exist_ok=True)
    port = _free_port()
    command = [str(BIN / "voila"), "notebooks/02_selvevaluering.ipynb", "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--template=workbench"]
    env = {**_jupyter_env(tmp_path, mini_project), "JUPYTER_PATH": str(REPO / "deploy" / "jupyter")}
    with _server(command, REPO, env, port, tmp_path / "voila.log") as url:
        yield url


def open_form(tab, url: str, viewport: dict) -> None:
    tab.set_viewport_size(viewport)
    tab.goto(f"{url}/", timeout=KERNEL_START_MS)
    tab.get_by_role("button", name="Indsend").wait_for(timeout=KERNEL_START_MS)


def assert_fits(tab, what: str) -> None:
    problems = tab.evaluate(LAYOUT_PROBLEMS)
    assert not problems, f"{what}: " + "; ".join(problems)


def sections(tab):
    return tab.locator(".wb-principles > .jupyter-widget-Accordion-child")


def open_section(tab, section) -> None:
    if "jupyter-widget-Collapse-open" not in (section.get_attribute("class") or ""):
        section.locator(".jupyter-widget-Collapse-header").click()
    section.locator(".jupyter-widget-Collapse-contents").wait_for(state="visible")


def status(tab):
    return tab.locator(".wb-status")


def test_the_form_has_one_heading_and_fits_a_phone_and_a_laptop(page, form_url, mini_project, tmp_path):  # noqa: F811
    project = Project(mini_project)
    form = load_form(project)
    create_code(project, "AK")  # AK has answers: typing AK asks for the personal code (one more field to fit)
    for viewport in (PHONE, LAPTOP):
        size = f"{viewport['width']}×{viewport['height']}"
        open_form(page, form_url, viewport)
        headings = page.locator("#rendered_cells").locator("h1, h2, h3")
        assert headings.all_inner_texts() == [form.title], size  # the notebook adds no second title
        assert page.inner_text("#rendered_cells").count(form.intro.split(".")[0]) == 1, size
        assert page.title() == "Selvevaluering – supportteamet"
        assert_fits(page, f"{size}, first view")
        page.screenshot(path=str(tmp_path / f"formular-{viewport['width']}.png"))
        if viewport is PHONE:  # the fields the walk-through found cut off: whole, and wide enough to type in
            for field in (page.get_by_label("Dine initialer eller dit pseudonym *"), page.get_by_label("Halvår *")):
                box = field.bounding_box()
                assert box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        for number in range(sections(page).count()):
            section = sections(page).nth(number)
            open_section(page, section)
            section.scroll_into_view_if_needed()
            assert_fits(page, f"{size}, section {number + 1}")
            for button in section.locator(".widget-toggle-button, button").all():
                assert button.bounding_box()["height"] >= 44 or "Collapse" in (button.get_attribute("class") or "")

        respondent = page.get_by_label("Dine initialer eller dit pseudonym *")
        respondent.fill("AK")
        respondent.press("Enter")
        page.get_by_label("Din personlige kode").wait_for()
        page.get_by_role("button", name="Åbn mine svar").wait_for()
        assert_fits(page, f"{size}, asking for the personal code")

        newcomer = f"Q{viewport['width']}"  # a new name per round: the refused submission below is kept as a draft
        respondent.fill(newcomer)
        respondent.press("Enter")
        page.get_by_text(f"Ny besvarelse for {newcomer}").wait_for()
        assert page.get_by_label("Din personlige kode").is_hidden()  # asked for AK, not for a new name
        page.get_by_label("Halvår *").select_option(label="1. halvår 2025")
        page.get_by_role("button", name="Indsend").click()  # refused: the long list of what is missing
        status(page).get_by_text("påkrævede svar mangler").wait_for()
        assert_fits(page, f"{size}, the message about missing answers")

        summary = page.locator(".jupyter-widget-Accordion", has_text="Teamets opsummering").last
        summary.locator(".jupyter-widget-Collapse-header").click()
        summary.locator("table").wait_for(timeout=KERNEL_START_MS)  # 2025-H1 has enough answers for figures
        summary.locator("img").wait_for()
        summary.scroll_into_view_if_needed()
        assert_fits(page, f"{size}, the team's summary")
        page.screenshot(path=str(tmp_path / f"opsummering-{viewport['width']}.png"))


def code_in(text: str) -> str:
    return re.search(r"Din personlige kode er (\S+?)\.", text).group(1)


def test_the_forms_error_paths_end_in_danish_and_lose_nothing(page, form_url, mini_project, tmp_path):  # noqa: F811
    period = mini_project / "selfeval" / "2025-H2"
    open_form(page, form_url, PHONE)
    respondent = page.get_by_label("Dine initialer eller dit pseudonym *")
    respondent.fill("QA")
    respondent.press("Enter")
    page.get_by_text("Ny besvarelse for QA").wait_for()
    page.get_by_label("Halvår *").select_option(label="2. halvår 2025")

    # half filled: refused with what is missing, and kept as a draft
    first = sections(page).nth(0)
    open_section(page, first)
    first.locator(".widget-toggle-buttons").nth(0).get_by_role("button", name="4", exact=True).click()
    first.locator("textarea").nth(0).fill("Vi spurgte [mor] først.")
    page.get_by_role("button", name="Indsend").click()
    status(page).get_by_text("Dine svar er gemt som kladde").wait_for()
    message = status(page).inner_text()
    assert "påkrævede svar mangler" in message and "P1 Familien" in message
    saved = yaml.safe_load((period / "QA.yaml").read_text(encoding="utf-8"))
    assert saved["status"] == "kladde" and saved["answers"]["P1"]["eksempler"] == "Vi spurgte [mor] først."
    code = code_in(message)

    # a second window on the same answer, opened with the personal code
    other = page.context.new_page()
    open_form(other, form_url, LAPTOP)
    again = other.get_by_label("Dine initialer eller dit pseudonym *")
    again.fill("QA")
    again.press("Enter")
    other.get_by_label("Halvår *").select_option(label="2. halvår 2025")
    other.get_by_label("Din personlige kode").fill(code)
    other.get_by_role("button", name="Åbn mine svar").click()
    status(other).get_by_text("Din kladde fra").wait_for()
    second = sections(other).nth(0)
    open_section(other, second)
    second.locator("textarea").nth(1).fill("Rådgiverskift gjorde det svært.")
    other.get_by_role("button", name="Gem kladde").click()
    status(other).get_by_text("kladden er gemt").wait_for()

    # the first window, still showing what it had, saves a change of its own: told, merged, nothing lost
    first.locator("textarea").nth(0).fill("Vi spurgte [mor] og [far] først.")
    page.get_by_role("button", name="Gem kladde").click()
    status(page).get_by_text("gemt et andet sted").wait_for()
    assert "ikke gemt endnu" in status(page).inner_text()
    assert first.locator("textarea").nth(1).input_value() == "Rådgiverskift gjorde det svært."  # theirs, merged
    assert first.locator("textarea").nth(0).input_value() == "Vi spurgte [mor] og [far] først."  # mine, kept
    on_disk = yaml.safe_load((period / "QA.yaml").read_text(encoding="utf-8"))["answers"]["P1"]
    assert on_disk["eksempler"] == "Vi spurgte [mor] først."
    assert on_disk["udfordret"] == "Rådgiverskift gjorde det svært."
    page.screenshot(path=str(tmp_path / "to-vinduer-390.png"))
    page.get_by_role("button", name="Gem kladde").click()
    status(page).get_by_text("kladden er gemt").wait_for()
    on_disk = yaml.safe_load((period / "QA.yaml").read_text(encoding="utf-8"))["answers"]["P1"]
    assert on_disk["eksempler"] == "Vi spurgte [mor] og [far] først."
    assert on_disk["udfordret"] == "Rådgiverskift gjorde det svært." and on_disk["adherence"] == 4
    other.close()

    # a broken answer file: named, in Danish, and never saved over
    broken = "respondent: QB\nperiod: 2025-H2\nanswers:\n  P1: {adherence: 4\n"
    (period / "QB.yaml").write_text(broken, encoding="utf-8")
    respondent.fill("QB")
    respondent.press("Enter")
    status(page).get_by_text("bed evaluator om at rette den").wait_for()
    assert "QB.yaml" in status(page).inner_text() and "linje" in status(page).inner_text()
    assert first.locator("textarea").nth(0).input_value() == ""  # QA's answers are not left under QB's name
    first.locator("textarea").nth(0).fill("Noget nyt.")
    page.get_by_role("button", name="Gem kladde").click()
    status(page).get_by_text("selfeval/2025-H2/QB.yaml").wait_for()  # from the project folder, not /tmp/…
    assert "Gemt kl." not in status(page).inner_text() and "bed evaluator" in status(page).inner_text()
    assert_fits(page, "390 px, the message about a broken file")
    page.screenshot(path=str(tmp_path / "ødelagt-fil-390.png"))
    assert (period / "QB.yaml").read_text(encoding="utf-8") == broken
    assert first.locator("textarea").nth(0).input_value() == "Noget nyt."
