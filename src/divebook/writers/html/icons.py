"""Small inline SVG icons for the website (no icon font, nothing fetched).

d2lbook books name Font Awesome icons in ``[html] header_links``
(``fab fa-github``, ``fas fa-file-pdf``...).  We draw a handful of simple
icons ourselves and map those names onto them; unknown names get a link icon.
"""

from __future__ import annotations

_SVG = ('<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" '
        'focusable="false" fill="none" stroke="currentColor" stroke-width="1.5" '
        'stroke-linecap="round" stroke-linejoin="round">{}</svg>')

#: our drawings, by our own names
_PATHS = {
    "link": '<path d="M7 9a3 3 0 0 0 4.2.3l2-2a3 3 0 0 0-4.2-4.3l-1 1"/>'
            '<path d="M9 7a3 3 0 0 0-4.2-.3l-2 2a3 3 0 0 0 4.2 4.3l1-1"/>',
    "external": '<path d="M9 2.5h4.5V7"/><path d="M13.5 2.5 7 9"/><path d="M11.5 9.5v3.5h-9v-9H6"/>',
    "file": '<path d="M3.5 1.5h6l3 3v10h-9z"/><path d="M9.5 1.5v3h3"/><path d="M5.5 8.5h5M5.5 11h5"/>',
    "download": '<path d="M8 2v8"/><path d="M4.5 6.5 8 10l3.5-3.5"/><path d="M2.5 13.5h11"/>',
    "book": '<path d="M2 3c2-1 4-1 6 .5C10 2 12 2 14 3v10c-2-1-4-1-6 .5C6 12 4 12 2 13z"/>'
            '<path d="M8 3.5v10"/>',
    "code": '<path d="M5.5 4 2 8l3.5 4"/><path d="M10.5 4 14 8l-3.5 4"/>',
    "branch": '<circle cx="4.5" cy="3.5" r="1.5"/><circle cx="4.5" cy="12.5" r="1.5"/>'
              '<circle cx="11.5" cy="5.5" r="1.5"/><path d="M4.5 5v6"/>'
              '<path d="M11.5 7c0 3-7 2-7 4"/>',
    "cap": '<path d="M1 6l7-3.5L15 6 8 9.5z"/><path d="M4 7.5V11c2 1.5 6 1.5 8 0V7.5"/>'
           '<path d="M14 6.5v4"/>',
    "chat": '<path d="M2 3h12v8H7l-3 2.5V11H2z"/>',
    "edit": '<path d="M10.5 2.5l3 3L6 13H3v-3z"/><path d="M9 4l3 3"/>',
    "launch": '<path d="M6 3.5 12.5 8 6 12.5z"/>',
    "search": '<circle cx="7" cy="7" r="4.5"/><path d="M10.5 10.5 14 14"/>',
}

#: Font Awesome names (as d2lbook configs write them) -> our drawing
_FONT_AWESOME = {
    "fa-github": "branch", "fa-gitlab": "branch", "fa-git": "branch", "fa-code-branch": "branch",
    "fa-file-pdf": "file", "fa-file": "file", "fa-file-alt": "file",
    "fa-python": "code", "fa-code": "code", "fa-download": "download",
    "fa-book": "book", "fa-book-open": "book",
    "fa-user-graduate": "cap", "fa-graduation-cap": "cap", "fa-school": "cap",
    "fa-external-link-alt": "external", "fa-external-link": "external",
    "fa-comments": "chat", "fa-comment": "chat", "fa-discourse": "chat",
}


def icon(name: str) -> str:
    """Inline SVG for one of our icon names ("file", "chat"...)."""
    return _SVG.format(_PATHS.get(name, _PATHS["link"]))


def icon_for(spec: str) -> str:
    """Inline SVG for a header link's icon setting (``fas fa-file-pdf`` or one of ours)."""
    for word in spec.split():
        if word in _FONT_AWESOME:
            return icon(_FONT_AWESOME[word])
        if word in _PATHS:
            return icon(word)
    return icon("link")
