"""Make the single-page book (Sphinx's ``singlehtml`` builder) look like the website.

``python tools/build_book.py --pdf`` builds the whole book as one HTML page and prints it. Two
things go wrong with that builder out of the box, and this extension fixes both, for singlehtml
builds only (it does nothing for the website):

* Sphinx picks a node's HTML writer by builder name, and falls back to the "html" writers only
  when no extension registered any writer for the builder's own name. sphinx-exercise registers
  a few for "singlehtml", so the fallback never happens, and the nodes of other extensions
  (sphinx-design's cards, for example) stop the build with "unknown node type". Every "html"
  writer that has no "singlehtml" one is copied across.
* myst-nb adds a notebook's saved widget state, and the widget JavaScript, to that notebook's own
  page. The single page is the root document's page, which has no widgets of its own, so no
  widget would be drawn. The state of every notebook, and the JavaScript once, are added to it.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def _share_html_writers(app: Sphinx) -> None:
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node, writers in handlers.get("html", {}).items():
        single.setdefault(node, writers)


def _add_every_notebooks_widgets(app: Sphinx, pagename: str, *args: Any, **kwargs: Any) -> None:
    if app.builder.name != "singlehtml" or pagename != app.config.root_doc:
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    added: set[str] = set()
    for docname in sorted(app.env.found_docs):
        if docname == pagename:
            continue  # myst-nb adds the root document's own files
        for key, (uri, file_kwargs) in NbMetadataCollector.get_js_files(app.env, docname).items():
            if uri is None:  # an inline script: this notebook's widget state
                app.add_js_file(None, **file_kwargs)
            elif uri not in added:  # the widget JavaScript, once
                added.add(uri)
                app.add_js_file(uri, **file_kwargs)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _share_html_writers)
    app.connect("html-page-context", _add_every_notebooks_widgets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
