"""A book's configuration (``config.ini`` as d2lbook writes it, ``divebook.toml``).

The one interface to ``config/``: ``load_config`` and the settings it returns.
"""

from .load import (  # noqa: F401
    DEFAULT_TAB, DEFAULT_TIMEOUT, SAFE_SCHEMES, Config, HeaderLink, LibraryRules, TabConfig,
    link_scheme, load_config, read_config_text,
)
