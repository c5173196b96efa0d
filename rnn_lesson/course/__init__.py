"""The course engine: everything that is about the course rather than about RNNs.

    quiz/          question banks, grading, a static copy for GitHub, and the quiz widgets
    exercises/     the exercise framework, then one module per lesson (lesson01.py …) with its
                   exercises, references and the wrong answers each must reject
    interactive/   the shape drill (lesson 02) and the slider explorer (lesson 04)
    workshop/      pre-flight check, reset without loss, the generated answer key, the schedules
    room/          the room view: learners' kernels send answers to the instructor's dashboard (opt-in)
    catch_up.py    `catch_up("03", section=4)`: rebuild what a section needs (late joiners, restarts)
    feedback.py    `Result`: the one checking contract (correct, incorrect, not attempted)
    progress_store.py  where your answers are kept (SQLite), and the `progress()` table;
    progress_events.py  one answer as a row, and answers kept by earlier versions
    lessons.py     the one list of lessons;  paths.py  where the course's files are
    cli.py         `python -m rnn_lesson …`

A notebook imports what it needs from here in its own cell, e.g.
`from rnn_lesson.course.quiz import show_quiz`. The learner modules one folder up never
import anything from here; this package imports them.
"""

# RNN_LESSON_ROOM (set by an instructor or the course's JupyterHub) joins a room on the first answer.
# Without it this registers nothing and opens no connection.
import rnn_lesson.course.room.client  # noqa: E402,F401
