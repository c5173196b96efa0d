"""The course's data folder, installed inside the package as `rnn_lesson.data_files`.

Nothing here is code to import. pyproject.toml maps this folder into the package, so the data sets,
their data cards and the quiz banks travel with `pip install` and are found through
`importlib.resources` wherever the course runs (a clone, a wheel, Colab). This folder stays the only copy.
"""
