"""The catch-up line under every numbered section heading of the lesson notebooks (issue 13): run it after
adding, removing or renumbering a section.

It puts, or brings up to date, two things in each notebook of `rnn_lesson.course.lessons.NOTEBOOKS`:
- under each heading `## N. Title` with N from 2 on, after a blank line, one italic line saying which call
  rebuilds what that section needs, e.g. `catch_up("03", section=4)` (rnn_lesson/course/catch_up.py);
- in the course-tools cell (the second code cell after Colab's setup cell, the one importing from
  `rnn_lesson.course`), the import of `catch_up`, first, as the cell's imports are sorted.
Only sources change; outputs stay until `make execute` runs the notebooks again.

    .venv/bin/python tools/section_headers.py           # update the notebooks; changes only what differs
    .venv/bin/python tools/section_headers.py --check   # exit 1 and name each notebook that is not up to date
"""

from __future__ import annotations

import argparse
import re
import sys

import nbformat

from rnn_lesson.course.lessons import LESSONS, Lesson

HEADING = re.compile(r"^## (\d+)\. ", re.MULTILINE)
LINE_START = "*Joined late or restarted the kernel?"
IMPORT = "from rnn_lesson.course.catch_up import catch_up"
TOOLS_COMMENT = "# The course's tools (in rnn_lesson/course/)"


def catch_up_line(number: str, section: int) -> str:
    """The italic line under the heading of `section` in lesson `number`."""
    return (f'{LINE_START} After the import cells at the top, `catch_up("{number}", section={section})` '
            "rebuilds what this section needs.*")


def section_of(cell: nbformat.NotebookNode) -> int | None:
    """The number N of a markdown cell holding a heading `## N. Title`, else None."""
    found = HEADING.search(cell.source) if cell.cell_type == "markdown" else None
    return int(found.group(1)) if found else None


def with_line(source: str, number: str) -> str:
    """A heading cell's source with the current catch-up line two lines below its `## N.` heading."""
    lines = source.split("\n")
    at = next(i for i, line in enumerate(lines) if HEADING.match(line))
    line = catch_up_line(number, int(HEADING.match(lines[at]).group(1)))
    if lines[at + 2:at + 3] and lines[at + 2].startswith(LINE_START):
        lines[at + 2] = line
    else:
        lines[at + 1:at + 1] = ["", line]
    return "\n".join(lines)


def course_tools_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The code cell that imports the course's tools (it starts with TOOLS_COMMENT)."""
    return next(cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.startswith(TOOLS_COMMENT))


def with_import(source: str) -> str:
    """The course-tools cell's source with the import of `catch_up` right under its comment line."""
    lines = source.split("\n")
    if IMPORT not in lines:
        lines.insert(1, IMPORT)
    return "\n".join(lines)


def add_catch_up(notebook: nbformat.NotebookNode, lesson: Lesson) -> None:
    """Put the catch-up lines under the section headings (2 on) and the import in the course-tools cell, in place."""
    for cell in notebook.cells:
        if (section_of(cell) or 0) >= 2:
            cell.source = with_line(cell.source, lesson.number)
    tools = course_tools_cell(notebook)
    tools.source = with_import(tools.source)


def problems(notebook: nbformat.NotebookNode, lesson: Lesson) -> list[str]:
    """What this tool would change in the notebook: the headings without the current line, a missing import."""
    stale = [f"§ {section_of(c)}" for c in notebook.cells
             if (section_of(c) or 0) >= 2 and with_line(c.source, lesson.number) != c.source]
    found = [f"lacks the current catch-up line under the heading of {', '.join(stale)}"] if stale else []
    if IMPORT not in course_tools_cell(notebook).source.split("\n"):
        found.append(f"lacks `{IMPORT}` in its course-tools cell")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook is not up to date")
    args = parser.parse_args(argv)
    stale = 0
    for lesson in LESSONS:
        notebook = nbformat.read(lesson.path, as_version=4)
        found = problems(notebook, lesson)
        if args.check:
            stale += len(found)
            print("".join(f"{lesson.path.name} {problem}\n" for problem in found), end="")
        elif found:
            add_catch_up(notebook, lesson)
            nbformat.write(notebook, lesson.path)
            print(f"updated {lesson.path.name}")
    if stale:
        print("run: .venv/bin/python tools/section_headers.py, then make execute")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
