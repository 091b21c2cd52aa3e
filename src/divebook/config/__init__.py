"""A book's configuration (``config.ini`` as d2lbook writes it, ``divebook.toml``).

The one interface to ``config/``: ``load_config`` and the settings it returns.
``model.py`` holds the settings, ``load.py`` reads ``config.ini`` and checks the
result, ``toml.py`` reads ``divebook.toml``; ``keys.py`` and ``values.py`` are
what both readers share.
"""

from .load import SAFE_SCHEMES, link_scheme, load_config  # noqa: F401
from .model import DEFAULT_TAB, DEFAULT_TIMEOUT, Config, HeaderLink, LibraryRules, TabConfig  # noqa: F401
from .values import read_config_text  # noqa: F401
