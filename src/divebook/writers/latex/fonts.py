"""Fonts for the PDF: the book's ``[pdf]`` choices when installed, wide-coverage ones otherwise.

xelatex finds fonts by family name through fontconfig, so ``fc-list``
tells whether a named font is there.  A font the book names but this
machine lacks is a warning (at the config line), not a failed PDF: the
fallbacks are DejaVu (Latin, Greek, Cyrillic and many symbols), then
Latin Modern, which every TeX installation has.  Korean, Chinese and
Japanese text is set with kotex (xetexko) and the Noto CJK fonts of
Debian's fonts-noto-cjk; kotex keeps the spaces between Korean words.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from ...config import Config
from ...diagnostics import Diagnostics

FALLBACK_MAIN = ("DejaVu Serif", "Latin Modern Roman")
FALLBACK_SANS = ("DejaVu Sans", "Latin Modern Sans")
FALLBACK_MONO = ("DejaVu Sans Mono", "Latin Modern Mono")

#: CJK fonts by the book's language, best first (all from fonts-noto-cjk but the last).
CJK_FONTS = {
    "ko": (("Noto Serif CJK KR", "Noto Sans CJK KR", "UnBatang", "Baekmuk Batang"),
           ("Noto Sans CJK KR", "UnDotum", "Baekmuk Dotum"),
           ("Noto Sans Mono CJK KR", "Noto Sans CJK KR", "UnDotum")),
    "zh": (("Noto Serif CJK SC", "Noto Sans CJK SC"), ("Noto Sans CJK SC",),
           ("Noto Sans Mono CJK SC", "Noto Sans CJK SC")),
    "ja": (("Noto Serif CJK JP", "Noto Sans CJK JP"), ("Noto Sans CJK JP",),
           ("Noto Sans Mono CJK JP", "Noto Sans CJK JP")),
}

#: Hangul, CJK ideographs, kana, CJK punctuation and full-width forms.
CJK_TEXT = re.compile("[\u1100-\u11ff\u3000-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
                      "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


@lru_cache(maxsize=64)
def font_installed(family: str) -> bool:
    """Whether fontconfig knows ``family`` (True when fontconfig cannot be asked)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return True
    try:
        out = subprocess.run([fc_list, f":family={family}", "family"], capture_output=True,
                             text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return True
    return bool(out.strip())


@dataclass(slots=True)
class Fonts:
    main: str
    sans: str
    mono: str
    #: (main, sans, mono) for CJK text, or None when the book has none
    cjk: tuple[str, str, str] | None = None


def _first_installed(names: tuple[str, ...]) -> str:
    for name in names:
        if font_installed(name):
            return name
    return names[-1]


def choose_fonts(config: Config, lang: str, has_cjk: bool, diags: Diagnostics) -> Fonts:
    """The fonts to typeset with, warning about named fonts that are not installed."""
    chosen = []
    for key, wanted, fallbacks in (("main_font", config.main_font, FALLBACK_MAIN),
                                   ("sans_font", config.sans_font, FALLBACK_SANS),
                                   ("mono_font", config.mono_font, FALLBACK_MONO)):
        fallback = _first_installed(fallbacks)
        if wanted and font_installed(wanted):
            chosen.append(wanted)
            continue
        if wanted:
            diags.warning(config.pos(f"pdf.{key}"), f"[pdf] {key} `{wanted}` is not installed on "
                          f"this machine; the PDF uses `{fallback}` instead (install the font, or "
                          "check its name with `fc-list : family`)", "font-missing")
        chosen.append(fallback)
    cjk = None
    base = (lang or "en").split("-")[0].split("_")[0].lower()
    if has_cjk or base in CJK_FONTS:
        main, sans, mono = CJK_FONTS.get(base, CJK_FONTS["ko"])
        cjk = (_first_installed(main), _first_installed(sans), _first_installed(mono))
        if not font_installed(cjk[0]):
            diags.warning(config.pos("project.lang"), "the book has Korean, Chinese or Japanese "
                          f"text but no CJK font is installed (looked for {', '.join(main)}); "
                          "install fonts-noto-cjk", "font-missing")
    return Fonts(chosen[0], chosen[1], chosen[2], cjk)
