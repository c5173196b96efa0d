"""Build the course as a static website that works offline: `python tools/site/build.py --out site` (`make site`).

The site mirrors the repository's folders, each page beside where its source is, `.ipynb` and `.md` becoming `.html`:
- index.html: the front page, the lessons in the order of `rnn_lesson.course.lessons`, each with its time;
- notebooks/<lesson>.html: each lesson with the outputs stored in it (nothing is executed), made by nbconvert with
  templates/site (nbconvert's lab template without its scripts from other sites; quizzes and widgets show the HTML
  stored beside them, answers folded in <details>);
- notebooks/cheatsheet.html, data/README.html and every data card, instructor/GUIDE.html: the Markdown pages.
Math is turned into MathML while building (latex2mathml), which browsers draw themselves: no MathJax, no CDN.
Links between course files are rewritten to the site's pages; links to other files of the repository go to the
repository online ([project.urls] Repository in pyproject.toml); pictures from other sites are replaced by their
alt text, so that no page loads anything from outside the site's folder.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import jinja2
import markupsafe
import nbformat
from bs4 import BeautifulSoup
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from pygments.formatters import HtmlFormatter
from traitlets.config import Config

from rnn_lesson.course.lessons import LESSONS

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TEMPLATES = HERE / "templates"
SITE_NAME = "rnn-lesson"
# The Markdown pages named in every page's header, with the words on their links; the data cards come after.
REFERENCE = {"notebooks/cheatsheet.md": "Cheat sheet", "data/README.md": "Data", "instructor/GUIDE.md": "Instructor guide"}
# What a lesson's outputs are shown as, best first: the HTML stored beside a widget, never the widget itself
# (no widget state is stored, and its renderer would come from a CDN).
OUTPUT_PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "text/latex", "image/png", "image/jpeg", "text/plain"]


@dataclass(frozen=True)
class Page:
    """One page of the site: its source's path in the repository (`notebooks/01_input_shaping.ipynb`) and title."""

    source: str
    title: str

    @property
    def href(self) -> str:
        """The page's path in the site: `notebooks/01_input_shaping.html`."""
        return str(PurePosixPath(self.source).with_suffix(".html"))


class MathMLRenderer(IPythonRenderer):
    """nbconvert's Markdown renderer for notebooks, with `$…$` and `$$…$$` made MathML instead of left for MathJax."""

    def block_math(self, body: str) -> str:
        return latex_to_mathml(body, display="block")

    def inline_math(self, body: str) -> str:
        return latex_to_mathml(body, display="inline")

    def latex_environment(self, name: str, body: str) -> str:
        return latex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display="block")


def markdown_to_html(source: str) -> str:
    """Markdown (a notebook's Markdown cell or a .md file) as HTML, math as MathML, code spans kept as code."""
    return MarkdownWithMath(renderer=MathMLRenderer(escape=False)).render(source)


def project() -> dict:
    """pyproject.toml's [project] table: the course's description and its repository's address."""
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def lesson_pages() -> list[Page]:
    """One page per lesson, in the course's order."""
    return [Page(f"notebooks/{lesson.notebook}.ipynb", f"{lesson.number} · {lesson.title}") for lesson in LESSONS]


def markdown_pages() -> list[Page]:
    """The cheat sheet, the data folder's README and every data card, and the instructor's guide, titled by their
    first heading (the answer key stays out: it is for instructors' eyes)."""
    cards = sorted(f"data/{path.name}" for path in (REPO / "data").glob("*.md") if path.name != "README.md")
    sources = ["notebooks/cheatsheet.md", "data/README.md", *cards, "instructor/GUIDE.md"]
    return [Page(source, first_heading((REPO / source).read_text(encoding="utf-8"))) for source in sources]


def first_heading(markdown: str) -> str:
    """The text of a Markdown document's first `# ` heading, without code marks."""
    match = re.search(r"^# (.+)$", markdown, re.M)
    if match is None:
        raise ValueError(f"no '# ' heading to title the page in:\n{markdown[:200]}")
    return match[1].replace("`", "").strip()


def lesson_time(notebook: nbformat.NotebookNode) -> str:
    """What the lesson's first cell says it takes (`**Time:** about 30 minutes (…) · …`), or '' if it says nothing."""
    match = re.search(r"\*\*Time:\*\*\s*([^·\n]+)", notebook.cells[0].source)
    return match[1].strip() if match else ""


def navigation(page_href: str, lessons: list[Page]) -> dict:
    """What nav.html.j2 needs for one page: the way back to the site's top folder, the header's links, the page
    itself, and for a lesson the previous and next lessons (None at either end, and for other pages)."""
    header = [{"href": "index.html", "text": "Home"}]
    header += [{"href": Page(source, text).href, "text": text} for source, text in REFERENCE.items()]
    around: dict[str, dict | None] = {"previous": None, "next": None}
    hrefs = [lesson.href for lesson in lessons]
    if page_href in hrefs:
        at = hrefs.index(page_href)
        for name, index in (("previous", at - 1), ("next", at + 1)):
            if 0 <= index < len(lessons):
                around[name] = {"href": lessons[index].href, "text": lessons[index].title}
    return {"root": "../" * page_href.count("/"), "links": header, "current": page_href, **around}


def site_href(url: str, page: Page, pages: dict[str, Page], repository: str) -> str:
    """A link of `page` as it must be in the site: to another course page, that page's .html; to another file of
    the repository, the file online; links to other sites and within the page unchanged."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return url
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page.source), unquote(parts.path)))
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if target in pages:
        return posixpath.relpath(pages[target].href, posixpath.dirname(page.href) or ".") + fragment
    if not target.startswith("..") and (REPO / target).exists():
        kind = "tree" if (REPO / target).is_dir() else "blob"
        return f"{repository}/{kind}/main/{target}{fragment}"
    return url


def localise(html: str, page: Page, pages: dict[str, Page], repository: str) -> str:
    """The page with its links made to work inside the site and pictures from other sites replaced by their alt
    text (a badge from another site would be a request leaving the site)."""
    soup = BeautifulSoup(html, "html.parser")
    for anchor in soup.find_all("a", href=True):
        anchor["href"] = site_href(anchor["href"], page, pages, repository)
    for image in soup.find_all("img", src=re.compile(r"^(https?:)?//")):
        image.replace_with(image.get("alt", ""))
    return str(soup)


def build(out: Path) -> list[Path]:
    """Write the whole site into `out`; return the pages written."""
    info = project()
    repository = info["urls"]["Repository"]
    lessons, others = lesson_pages(), markdown_pages()
    pages = {page.source: page for page in lessons + others}
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES / "site"), autoescape=True)
    exporter = HTMLExporter(template_name="site", extra_template_basedirs=[str(TEMPLATES)],
                            filters={"markdown2html": markdown_to_html},
                            config=Config({"NbConvertBase": {"display_data_priority": OUTPUT_PRIORITY}}))
    written: list[Path] = []

    def write(href: str, html: str) -> None:
        path = out / href
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        written.append(path)

    times = {}
    for page in lessons:
        notebook = nbformat.read(REPO / page.source, as_version=4)
        # The Colab setup cell does nothing outside Colab; a reader of the site has no use for it.
        notebook.cells = [cell for cell in notebook.cells if "colab-setup" not in cell.metadata.get("tags", [])]
        times[page.href] = lesson_time(notebook)
        notebook.metadata["title"] = f"{page.title} · {SITE_NAME}"
        html, _ = exporter.from_notebook_node(notebook, resources={"site": navigation(page.href, lessons)})
        write(page.href, localise(html, page, pages, repository))
    for page in others:
        body = markdown_to_html((REPO / page.source).read_text(encoding="utf-8"))
        html = templates.get_template("page.html.j2").render(
            title=f"{page.title} · {SITE_NAME}", body=markupsafe.Markup(body),
            site=navigation(page.href, lessons))
        write(page.href, localise(html, page, pages, repository))
    write("index.html", templates.get_template("home.html.j2").render(
        title=f"{SITE_NAME} · Home", description=info["description"],
        repository=repository, site=navigation("index.html", lessons),
        lessons=[{"href": page.href, "text": page.title, "time": times[page.href]} for page in lessons],
        reference=[{"href": page.href, "text": page.title} for page in others]))
    css = (HERE / "site.css").read_text(encoding="utf-8")
    (out / "site.css").write_text(css + HtmlFormatter().get_style_defs(".site-page .highlight") + "\n", encoding="utf-8")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=REPO / "site", help="the folder to write the site into")
    out = parser.parse_args().out
    started = time.perf_counter()
    pages = build(out)
    print(f"{len(pages)} pages in {out}/ ({time.perf_counter() - started:.1f} s); open {out / 'index.html'}")


if __name__ == "__main__":
    main()
