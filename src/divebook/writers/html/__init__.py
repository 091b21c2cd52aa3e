"""The website writer (``divebook build html``): its one interface.

``target.py`` is the build target; ``site.py`` renders a book's pages,
``nodes.py`` one page's tree; the theme is in ``theme/`` beside them.
"""

from .site import HtmlResult, write_html  # noqa: F401
from .target import write_html_target  # noqa: F401
