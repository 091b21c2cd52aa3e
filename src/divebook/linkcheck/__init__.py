"""Link checking: the links a build writes (always) and the web addresses of a book (on request).

``internal``: after the website is written, every link and anchor it holds
that points inside the book resolves, or is a warning at the source line.
``external``: ``divebook check --links`` asks every ``http(s)`` address of
the book once, politely (per-host limits, HEAD then GET, Retry-After),
and caches what it learned under the build folder.  ``notebooks``: the
links of the notebooks' Markdown name files their zip carries.
"""
