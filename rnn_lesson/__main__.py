"""`python -m rnn_lesson …`: the course's command line, in `rnn_lesson/course/cli.py`."""

from rnn_lesson.course.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
