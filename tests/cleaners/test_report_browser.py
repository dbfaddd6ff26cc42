"""The report in a real headless Chromium: filters, navigation, details, escaping."""

import importlib.util
import shutil
from pathlib import Path

import pytest

from cleaners.report import build_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DATA = Path(__file__).parents[1] / "data" / "review"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture
def report(tmp_path):
    spec = importlib.util.spec_from_file_location("review_fabricate", DATA / "fabricate.py")
    fabricate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fabricate)
    raw = tmp_path / "raw"
    shutil.copytree(DATA / "raw", raw)
    fabricate.fabricate(raw, tmp_path / "clean")
    return build_report(tmp_path / "clean", raw).parent


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    pg = browser.new_page(viewport={"width": 1366, "height": 768})
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    yield pg
    pg.close()


def visible_texts(page, selector):
    return page.eval_on_selector_all(selector, "els => els.filter(e => e.offsetParent !== null).map(e => e.textContent)")


def test_stage_filter_navigation_details_and_escaping(report, page, tmp_path):
    page.goto((report / "alpha.html").as_uri())
    # the raw <script> is text, not code
    assert page.evaluate("window.__xss") is None
    assert "<script>window.__xss = 1</script>" in page.inner_text("#doc")
    total = page.evaluate("window.scancleanReport.changeCount()")
    assert page.evaluate("window.scancleanReport.visibleCount()") == total
    assert "the" in visible_texts(page, ".c.s-words ins")

    # untick `words`: its changes show as the raw text, the others stay marked
    page.uncheck("#filters input[data-stage=words]")
    assert page.evaluate("window.scancleanReport.visibleCount()") == total - 2
    assert visible_texts(page, ".c.s-words ins") == []
    assert page.locator(".c.s-words").first.inner_text() == "lhe"
    assert page.locator(".c.s-words.off").count() == 2
    assert "1 / " not in page.inner_text("#pos")

    # next change: selected, counted, explained in the side panel
    page.keyboard.press("n")
    assert page.inner_text("#pos").startswith("1 / ")
    assert page.locator(".c.sel").count() == 1
    assert "reflow" in page.inner_text("#detail") or "furniture" in page.inner_text("#detail") \
        or "hyphens" in page.inner_text("#detail")

    # tick it again and click a word repair: reason and evidence are shown
    page.check("#filters input[data-stage=words]")
    page.locator(".c.s-words").first.click()
    detail = page.inner_text("#detail")
    assert "words: OCR confusion" in detail and "evidence" in detail and '"lhe" \u2192 "the"' in detail

    # the clean view hides deletions and breaks lines where the clean text does
    page.check(".views input[value=clean]")
    assert visible_texts(page, ".c del") == []
    doc_text = page.inner_text("#doc")
    assert "the start of a paragraph that wraps here and here & there." in doc_text

    # a flag: listed, clickable, with its candidates
    page.locator("#flags a[data-flag]").first.click()
    assert "candidates: That, Thai" in page.inner_text("#detail")

    shot = tmp_path / "report.png"
    page.check(".views input[value=diff]")
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert page.errors == []


def test_index_links_and_folded_stretches(report, page):
    page.goto((report / "index.html").as_uri())
    page.click("text=long")
    assert page.url.endswith("long.html")
    gap = page.locator("details.gap").first
    assert not gap.evaluate("d => d.open")
    page.click("#expand")
    assert gap.evaluate("d => d.open")
    page.keyboard.press("n")
    assert page.locator(".c.sel").inner_text().startswith("lhe")
    assert page.errors == []
