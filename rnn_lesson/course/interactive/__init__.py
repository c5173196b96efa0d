"""Interactive practice: the shape drill (lesson 02) and the slider explorer (lesson 04)."""

from rnn_lesson.course.interactive.explorer import SequenceExplorer
from rnn_lesson.course.interactive.shape_drill import ShapeDrill

__all__ = ["SequenceExplorer", "ShapeDrill"]
