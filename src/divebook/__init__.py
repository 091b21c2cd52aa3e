"""divebook: executable textbooks from Markdown."""

__version__ = "0.1.0"
