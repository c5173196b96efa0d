"""Interactive practice: the shape drill (lesson 02), the slider explorer (lesson 04), and
`LabelledSlider`, the accessible slider of the explorer and of lesson 02's heat map, shown with its
picture by `SliderWithPicture`."""

from rnn_lesson.course.interactive.explorer import SequenceExplorer
from rnn_lesson.course.interactive.shape_drill import ShapeDrill
from rnn_lesson.course.interactive.slider import LabelledSlider, SliderWithPicture

__all__ = ["LabelledSlider", "SequenceExplorer", "ShapeDrill", "SliderWithPicture"]
