"""The course as a static website that works offline (`make site`, tools/site/build.py).

The site is built once for this module, into a temporary folder, by the function that `make site` runs.
Without a browser: every lesson, the cheat sheet, each data card and the instructor's guide has a page (the answer
key has none), every page has the course's navigation, every link and picture inside the site leads to a file of
the site, nothing (stylesheet, script, picture) is loaded from another site, every quiz and widget shows the HTML
stored beside it with the answers folded in <details>, and math is MathML made at build time, not TeX left for a
MathJax from a CDN. In Chromium (marked browser and slow), each page is served from 127.0.0.1 with every request
for anything outside the site aborted and recorded: no request fails or leaves the site, the console shows no
error, no raw TeX is in view and lesson 02's recurrence is drawn as math, axe-core finds nothing serious or
critical, every picture has alt text, and nothing is wider than a 900 px window.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import posixpath
import re
import sys
import threading
import tomllib
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from browser_checks import SERIOUS, by_impact, cut_off_outputs
from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.paths import ROOT


BUILD = ROOT / "tools" / "site" / "build.py"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LESSON_PAGES = [f"notebooks/{lesson.notebook}.html" for lesson in LESSONS]
REFERENCE_PAGES = ["notebooks/cheatsheet.html", "data/README.html", "instructor/GUIDE.html",
                   *(f"data/{card.stem}.html" for card in sorted((ROOT / "data").glob("*.md")) if card.stem != "README")]
PAGES = ["index.html", *LESSON_PAGES, *REFERENCE_PAGES]
# TeX a reader must never see: display-math marks, inline math with a subscript or a command, TeX commands.
RAW_TEX = re.compile(r"\$\$|\$[^$\s][^$]*[_^\\][^$]*\$|\\(tanh|mathbf|mathrm|frac|sum|cdot|odot|sigma|theta|"
                     r"alpha|beta|left|right|begin|end|text|sqrt|partial)\b")
WIDTH = 900   # the narrowest window the site is made for


@pytest.fixture(scope="module")
def site_build():
    """tools/site/build.py, imported from its file (as importlib's documentation shows)."""
    spec = importlib.util.spec_from_file_location("site_build", BUILD)
    module = sys.modules["site_build"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory, site_build) -> Path:
    """The site, built once for the module by the function `make site` runs."""
    out = tmp_path_factory.mktemp("site")
    site_build.build(out)
    return out


@pytest.fixture(scope="module")
def parsed(site) -> dict[str, BeautifulSoup]:
    """Every page of the site, parsed once for the module (tests only read them)."""
    return {href: BeautifulSoup((site / href).read_text(encoding="utf-8"), "html.parser") for href in PAGES
            if (site / href).is_file()}


def text_outside_code(page: BeautifulSoup) -> str:
    """The page's text, folded answers included, less code, preformatted text and math (where `$` and backslashes
    are fine)."""
    page = BeautifulSoup(str(page.body), "html.parser")
    for element in page.find_all(["code", "pre", "math", "script", "style"]):
        element.decompose()
    return page.get_text(" ")


def stored_widget_html(lesson) -> list[str]:
    """The text of the HTML each of the lesson's widgets (quizzes, sliders) stores beside its widget view."""
    notebook = json.loads(lesson.path.read_text(encoding="utf-8"))
    bundles = [output.get("data", {}) for cell in notebook["cells"] for output in cell.get("outputs", [])]
    return [" ".join(BeautifulSoup("".join(data["text/html"]), "html.parser").get_text(" ").split())
            for data in bundles if WIDGET_VIEW in data and "text/html" in data]


def test_every_lesson_and_reference_page_is_built_and_the_answer_key_is_not(site, parsed):
    built = sorted(str(PurePosixPath(*path.relative_to(site).parts)) for path in site.rglob("*.html"))
    assert built == sorted(PAGES)
    front = parsed["index.html"]
    assert [a["href"] for a in front.select(".site-lessons a")] == LESSON_PAGES, "the lessons in the course's order"
    assert all(re.search(r"\d+ minutes", li.get_text()) for li in front.select(".site-lessons li")), "each with its time"
    titles = [parsed[href].title.get_text().strip() for href in PAGES]
    assert all(titles) and len(set(titles)) == len(titles), titles
    assert all(parsed[href].html.get("lang") == "en" for href in PAGES)
    assert all(parsed[href].h1 for href in PAGES), "every page has a main heading"


@pytest.mark.parametrize("href", PAGES)
def test_every_page_has_the_course_navigation(parsed, href):
    page = parsed[href]
    header = [a["href"] for a in page.select('nav[aria-label="Course"] a')]
    home = "../" * href.count("/") + "index.html"
    assert home in header and len(header) >= 4, header
    pager = page.select("nav.site-pager a")
    if href in LESSON_PAGES:
        at = LESSON_PAGES.index(href)
        wanted = {"prev": LESSON_PAGES[at - 1] if at else None,
                  "next": LESSON_PAGES[at + 1] if at + 1 < len(LESSON_PAGES) else None}
        for rel, target in wanted.items():
            links = {posixpath.normpath(PurePosixPath(href).parent / a["href"]) for a in pager if a.get("rel") == [rel]}
            assert links == ({target} if target else set()), f"{rel}: {links}"


@pytest.mark.parametrize("href", PAGES)
def test_every_link_and_picture_inside_the_site_leads_to_a_file_of_the_site(site, parsed, href):
    page, folder = parsed[href], (site / href).parent
    for element, attribute in [("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src"),
                               ("iframe", "src")]:
        for tag in page.find_all(element, attrs={attribute: True}):
            url = urlsplit(tag[attribute])
            if url.scheme or url.netloc or not url.path:   # another site, data:, mailto:, or a place on this page
                continue
            target = (folder / url.path).resolve()
            assert target.is_file() and target.is_relative_to(site.resolve()), f"{href}: {tag[attribute]} is not in the site"
            assert target.suffix not in (".md", ".ipynb"), f"{href}: {tag[attribute]} should link to the page for it"


def test_course_links_are_rewritten_to_pages_and_other_files_go_to_the_repository(parsed):
    lesson_01 = {a["href"] for a in parsed[LESSON_PAGES[0]].find_all("a", href=True)}
    assert {"cheatsheet.html", "../data/README.html", LESSON_PAGES[1].split("/")[-1]} <= lesson_01
    repository = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    guide = {a["href"] for a in parsed["instructor/GUIDE.html"].find_all("a", href=True)}
    assert f"{repository}/blob/main/instructor/answer_key.md" in guide   # not on the site, so read online


@pytest.mark.parametrize("href", PAGES)
def test_nothing_is_loaded_from_another_site(site, parsed, href):
    page = parsed[href]
    loaded = [tag.get("src") or tag.get("href") or tag.get("data") or "" for tag in
              page.find_all(["img", "script", "link", "iframe", "source", "audio", "video", "embed", "object"])]
    outside = [url for url in loaded if re.match(r"(https?:)?//", url)]
    assert not outside, f"{href} loads {outside}"
    styles = " ".join(style.get_text() for style in page.find_all("style"))
    styles += " ".join(tag["style"] for tag in page.find_all(style=True))
    styles += (site / "site.css").read_text(encoding="utf-8")
    assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", styles), "a stylesheet loads from another site"
    assert not page.find("script"), "the pages need no script (math is MathML, quizzes are HTML)"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.notebook)
def test_quizzes_and_widgets_show_their_stored_html_with_folded_answers(parsed, lesson):
    page = parsed[f"notebooks/{lesson.notebook}.html"]
    text = " ".join(page.get_text(" ").split())
    stored = stored_widget_html(lesson)
    assert stored, f"{lesson.notebook} stores no widget with HTML beside it"
    for widget in stored:
        assert widget[:120] in text, f"the widget's stored HTML is not on the page: {widget[:120]!r}"
    quizzes = page.select(".rnn-lesson-quiz")
    assert quizzes, "the lesson's quiz is missing"
    for quiz in quizzes:
        answers = quiz.find_all("details")
        assert answers and all(d.summary and not d.has_attr("open") for d in answers), "answers must be folded"
        assert all("Answer:" in d.get_text() for d in answers)
    assert not page.select(f'script[type="{WIDGET_VIEW}"]'), "an empty widget placeholder"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.notebook)
def test_no_widget_shows_as_python_text_and_the_colab_cell_is_left_out(parsed, lesson):
    """A widget without stored HTML would show as `VBox(children=(...` (as on GitHub); Colab's cell is no use here."""
    text = parsed[f"notebooks/{lesson.notebook}.html"].get_text(" ")
    assert "children=(" not in text and "Slider(value=" not in text
    assert "google.colab" not in text and "Open in Colab" in text


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.notebook)
def test_figures_carry_the_alt_text_stored_with_them(parsed, lesson):
    notebook = json.loads(lesson.path.read_text(encoding="utf-8"))
    stored = [output["metadata"]["image/png"]["alt"] for cell in notebook["cells"] for output in cell.get("outputs", [])
              if "alt" in output.get("metadata", {}).get("image/png", {})]
    shown = [img.get("alt", "") for img in parsed[f"notebooks/{lesson.notebook}.html"].find_all("img")]
    assert all(alt in shown for alt in stored), "a figure lost its alt text"
    assert all(alt.strip() and alt != "No description has been provided for this image" for alt in shown), shown


def test_math_is_mathml_and_no_tex_is_left_for_mathjax(parsed):
    for href in PAGES:
        left = RAW_TEX.search(text_outside_code(parsed[href]))
        assert left is None, f"{href} shows raw TeX: {left and left[0]!r}"
    recurrence = parsed[LESSON_PAGES[1]]
    block = recurrence.select('math[display="block"]')
    assert block and "tanh" in block[0].get_text(), "lesson 02's recurrence should be block MathML"
    assert recurrence.select('math[display="inline"]'), "lesson 02's inline $h_0$ should be MathML"


def test_markdown_keeps_dollar_signs_in_code_spans_as_code(site_build):
    html = BeautifulSoup(site_build.markdown_to_html("Run `echo $HOME` or `x = $y$`; the state $h_t$ and\n\n$$h_t = "
                                                "\\tanh(W h_{t-1})$$"), "html.parser")
    assert [code.get_text() for code in html.find_all("code")] == ["echo $HOME", "x = $y$"]
    assert [m["display"] for m in html.find_all("math")] == ["inline", "block"]
    assert "$" not in text_outside_code(html)


# In Chromium -----------------------------------------------------------------------------------------------------


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        """Say nothing for each request (a test's output is for failures)."""


@pytest.fixture(scope="module")
def served(site):
    """The site served from 127.0.0.1 on a free port, in a thread, for the module: yields its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


@pytest.fixture
def offline_page(browser, served):
    """A page in a 900 px window where every request for anything outside the site is aborted; yields the page
    and what it saw: requests outside the site, failed requests, console errors."""
    seen: dict[str, list[str]] = {"outside": [], "failed": [], "errors": []}
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})

    def keep_inside(route) -> None:
        if route.request.url.startswith(served):
            route.continue_()
        else:
            seen["outside"].append(route.request.url)
            route.abort()

    page.route("**/*", keep_inside)
    page.on("requestfailed", lambda request: seen["failed"].append(f"{request.url}: {request.failure}"))
    page.on("response", lambda response: response.status >= 400 and seen["failed"].append(
        f"{response.url}: HTTP {response.status}"))
    page.on("console", lambda message: message.type == "error" and seen["errors"].append(message.text))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    yield page, seen
    page.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("href", PAGES)
def test_page_works_offline_in_chromium(offline_page, served, href):
    from axe_playwright_python.sync_playwright import Axe

    page, seen = offline_page
    page.goto(served + href, wait_until="load")
    assert seen == {"outside": [], "failed": [], "errors": []}
    visible = page.evaluate("""() => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const texts = [];
        while (walker.nextNode()) {
            const node = walker.currentNode;
            if (!node.parentElement.closest('code, pre, math') && node.parentElement.checkVisibility())
                texts.push(node.textContent);
        }
        return texts.join(' ');
    }""")
    assert not RAW_TEX.search(visible), f"raw TeX in view: {RAW_TEX.search(visible)[0]!r}"
    if href == LESSON_PAGES[1]:
        drawn = page.evaluate("""() => [...document.querySelectorAll('math')].map(m => ({
            display: getComputedStyle(m).display, text: m.textContent, height: m.getBoundingClientRect().height}))""")
        blocks = [m for m in drawn if m["display"] == "block math"]
        assert blocks and "tanh" in blocks[0]["text"] and blocks[0]["height"] > 10, drawn
        assert any(m["display"] in ("math", "inline math") for m in drawn), "inline math should be drawn as math"
    images = page.locator("img").evaluate_all("imgs => imgs.map(i => ({alt: (i.getAttribute('alt') || '').trim(), "
                                              "width: i.naturalWidth}))")
    assert all(image["alt"] and image["width"] > 0 for image in images), images
    violations = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    serious = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["html"][:200]) for v in violations
               if v["impact"] in SERIOUS]
    assert not serious, f"axe-core: {by_impact([{'impact': v[1], 'count': v[2]} for v in serious])}: {serious}"
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide in a {width[1]} px window"
    assert cut_off_outputs(page) == []
