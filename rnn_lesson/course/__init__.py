"""The course engine: everything that is about the course rather than about RNNs.

    quiz/          question banks, grading, a static copy for GitHub, and the quiz widgets
    exercises/     the exercise framework, then one module per lesson (lesson01.py …) with its
                   exercises, references and the wrong answers each must reject
    interactive/   the shape drill (lesson 02) and the slider explorer (lesson 04)
    workshop/      pre-flight check, reset without loss, the generated answer key
    feedback.py    `Result`: the one checking contract (correct, incorrect, not attempted)
    progress_store.py  where your answers are kept (SQLite), and the `progress()` table;
    progress_events.py  one answer as a row, and answers kept by earlier versions
    lessons.py     the one list of lessons;  paths.py  where the course's files are
    cli.py         `python -m rnn_lesson …`

A notebook imports what it needs from here in its own cell, e.g.
`from rnn_lesson.course.quiz import show_quiz`. The learner modules one folder up never
import anything from here; this package imports them.
"""
