"""The HTML report: pages show exactly the raw and the clean text, escaped, self-contained."""

import importlib.util
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cleaners.report import build_report
from cleaners.report.__main__ import main as report_main
from cleaners.report.html import script_json
from cleaners.report.model import load_doc

DATA = Path(__file__).parents[1] / "data" / "review"
_spec = importlib.util.spec_from_file_location("review_fabricate", DATA / "fabricate.py")
fabricate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fabricate)


@pytest.fixture
def corpus(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(DATA / "raw", raw)
    clean = tmp_path / "clean"
    fabricate.fabricate(raw, clean)
    return raw, clean


class TextView(HTMLParser):
    """What a reader sees in the document text in the raw or the clean view."""

    def __init__(self, view):
        super().__init__(convert_charrefs=True)
        self.view = view
        self.stack = []
        self.parts = []
        self.in_doc = 0
        self.scripts = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self._script = a
            self.scripts.append(a)
        if a.get("id") == "doc":
            self.in_doc = 1
        elif self.in_doc and tag not in ("i",):
            self.in_doc += 1
        if tag != "i":
            self.stack.append((tag, a.get("class", "")))

    def handle_endtag(self, tag):
        if tag == "i":
            return
        if self.in_doc:
            self.in_doc -= 1
        self.stack.pop()

    def handle_data(self, data):
        if not self.in_doc:
            return
        tags = {t for t, _ in self.stack}
        classes = {c for _, c in self.stack}
        if "summary" in tags or "nlg" in classes:
            return
        if self.view == "raw" and ("ins" in tags):
            return
        if self.view == "clean" and ("del" in tags):
            return
        if self.view == "raw" and "nlb" in classes:
            return
        self.parts.append(data)

    def text(self):
        return "".join(self.parts)


def seen(html, view):
    p = TextView(view)
    p.feed(html)
    return p.text()


def test_page_shows_exactly_the_raw_and_the_clean_text(corpus):
    raw, clean = corpus
    index = build_report(clean, raw)
    for stem in ("alpha", "long", "unicode"):
        html = (index.parent / f"{stem}.html").read_text(encoding="utf-8")
        doc = load_doc(clean, raw, stem)
        assert seen(html, "raw") == doc.raw_text
        assert seen(html, "clean") == doc.clean_text


def test_seed_pages_show_exactly_raw_and_clean(tmp_path):
    """The same on a real seed (004: page numbers, hyphens, hard wraps), via fabricated edits."""
    seed = Path(__file__).parents[2] / "raw" / "004_991c9ea7373520bf.txt"
    if not seed.exists():
        pytest.skip("seed corpus not in raw/")
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(seed, raw)
    fabricate.fabricate(raw, tmp_path / "clean")
    index = build_report(tmp_path / "clean", raw)
    html = (index.parent / f"{seed.stem}.html").read_text(encoding="utf-8")
    doc = load_doc(tmp_path / "clean", raw, seed.stem)
    assert seen(html, "raw") == doc.raw_text
    assert seen(html, "clean") == doc.clean_text


def test_text_is_escaped_everywhere(corpus):
    raw, clean = corpus
    index = build_report(clean, raw)
    html = (index.parent / "alpha.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html
    assert "<script>window.__xss" not in html
    # only our own scripts: two JSON blobs and the page script
    assert len(re.findall(r"<script\b", html)) == 3
    p = TextView("raw")
    p.feed(html)
    assert [s.get("type") for s in p.scripts] == ["application/json", "application/json", None]
    blob = re.search(r'<script type="application/json" id="changes">(.*?)</script>', html, re.S).group(1)
    assert "<" not in blob and json.loads(blob)["changes"]
    assert "&amp; there" in html  # a bare & in the text


def test_script_json_cannot_close_its_element():
    s = script_json({"t": "</script><b>&\u2028"})
    assert "</" not in s and "<" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s) == {"t": "</script><b>&\u2028"}


def test_pages_are_self_contained(corpus):
    raw, clean = corpus
    index = build_report(clean, raw)
    for page in index.parent.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), page
        assert "<link" not in html and "@import" not in html


def test_unchanged_stretches_are_folded_with_raw_line_numbers(corpus):
    raw, clean = corpus
    index = build_report(clean, raw)
    html = (index.parent / "long.html").read_text(encoding="utf-8")
    assert '<details class="gap"><summary>raw lines 1\u201378 unchanged (78 lines)</summary>' in html
    assert 'raw lines 84\u2013' in html
    numbers = [int(n) for n in re.findall(r'<i data-n="(\d+)">', html)]
    assert numbers == list(range(1, numbers[-1] + 1)) and numbers[-1] >= 120


def test_index_lists_documents_stage_counts_and_flags(corpus):
    raw, clean = corpus
    index = build_report(clean, raw)
    html = index.read_text(encoding="utf-8")
    for stem in ("alpha", "long", "unicode"):
        assert f'href="{stem}.html"' in html
    assert 'class="n st s-words"' in html and "joined wrapped line" not in html
    assert "Thai" in html and "pending" in html
    assert "alpha\tThai@8:24\t?" in html  # the ready-to-edit decisions line
    assert re.search(r"<td>real-word error\?</td><td class=n>2</td><td class=n>2</td>", html)


def test_answered_flags_are_marked_decided(corpus, tmp_path):
    raw, clean = corpus
    decisions = tmp_path / "decisions.tsv"
    decisions.write_text("doc\tmatch\tdecision\tnote\nalpha\tThai@8:24\tkeep\ta country\n", encoding="utf-8")
    index = build_report(clean, raw, review_file=decisions)
    page = (index.parent / "alpha.html").read_text(encoding="utf-8")
    assert "keep (" in page and "0 pending" in page


def test_cli_writes_into_the_clean_folder(corpus, capsys):
    raw, clean = corpus
    assert report_main(["--clean", str(clean)]) == 0  # raw folder from manifest.json
    assert (clean / "report" / "index.html").exists()
    assert (clean / "report" / "alpha.html").exists()
    assert "wrote" in capsys.readouterr().out
    assert report_main(["--clean", str(clean / "nowhere")]) == 2


def test_a_book_whose_every_line_end_changed_is_still_cut_into_lazy_chunks(tmp_path):
    """Hard-wrapped text: every raw line end is a change, so chunks must also end after changes."""
    raw = tmp_path / "raw"
    raw.mkdir()
    para = "".join(f"wrapped line {i} of a long paragraph \n" for i in range(12))
    (raw / "book.txt").write_text((para + "\n") * 60, encoding="utf-8")
    fabricate.fabricate(raw, tmp_path / "clean")
    index = build_report(tmp_path / "clean", raw)
    html = (index.parent / "book.html").read_text(encoding="utf-8")
    doc = load_doc(tmp_path / "clean", raw, "book")
    assert len(doc.regions) > 600
    chunks = html.split('<div class="chunk">')[1:]
    assert len(chunks) >= 4
    for chunk in chunks[:-1]:
        text = re.sub(r"<[^>]+>", "", chunk.split("</div>")[0])
        assert text.endswith("\n")  # a chunk ends where raw and clean both break the line
    assert seen(html, "raw") == doc.raw_text
    assert seen(html, "clean") == doc.clean_text
    assert 'class="dl"' in html  # numbers of joined lines, hidden in the clean view
