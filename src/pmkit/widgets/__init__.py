"""Interactive apps for the notebooks.

Each app is split in two:

* a **model** (a plain Python class: state, validation, tables, figures) that tests drive
  directly, with no browser and no ipywidgets import;
* a **view** (a function returning an ipywidgets container) that only wires controls to the
  model and shows what the model produces.

The views carry CSS classes (``pmkit-rice``, ``pmkit-rice-item``...) so browser tests and the
book's stylesheet can find them.
"""
