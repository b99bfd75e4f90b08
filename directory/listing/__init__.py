"""The directory listing: the query string read into filters (``filters``), the facets offered
(``facets``), the listed communities counted, paged and matched by text (``engine``, over the
in-process ``facet_index`` and the search backend's ``text_search``), and what each public surface
shows (``results``). What is listed at all is decided in ``directory.models.public``.
"""
