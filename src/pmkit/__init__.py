"""pmkit: the Python package behind the "Engineer -> PM" course.

It holds the logic that the notebooks wire together: loading and checking the
course's data (``pmkit.data``), finding files (``pmkit.paths``), the
prioritization frameworks (``pmkit.prioritization``) and the widget apps
(``pmkit.widgets``). Import the submodule you need, for example
``from pmkit.data import load_backlog``.
"""

__version__ = "0.1.0"
