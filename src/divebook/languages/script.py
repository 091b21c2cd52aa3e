"""Which language a piece of prose is written in, told from its script.

Bilingual books put an original and its translation side by side in the
source; to pair them, every block must be placed on one side.  Scripts tell
most pairs apart at once (Latin against Hangul, Han, Kana, Cyrillic...):
letters are counted per script, CJK characters weighted as the several
Latin letters a syllable or word is worth.  When both languages use the
same script (English and Vietnamese, Portuguese, Turkish...), marks that
only one of them uses and its most common words decide; when nothing
decides, the block is ``AMBIGUOUS`` and its position in the pair decides.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..tree import (
    Block, Cite, Code, Directive, Figure, FootnoteDef, Heading, Image, Inline, Link, ListBlock,
    Math, Paragraph, Quote, RawInline, Ref, Role, SoftBreak, HardBreak, Table, TabContent, Text,
)

# What a block of prose can be, from the point of view of a bilingual book.
ORIGIN = "origin"
TRANSLATION = "translation"
NEUTRAL = "neutral"  # no letters: code, math, an image without a caption...
AMBIGUOUS = "ambiguous"  # letters, but nothing tells the two languages apart
UNKNOWN = "unknown"  # mostly in a script neither language uses

#: (first, last, script) code point ranges, sorted.  Anything else is "Other".
_RANGES: list[tuple[int, int, str]] = sorted([
    (0x0041, 0x005A, "Latin"), (0x0061, 0x007A, "Latin"), (0x00C0, 0x024F, "Latin"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x0370, 0x03FF, "Greek"), (0x1F00, 0x1FFF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x1100, 0x11FF, "Hangul"), (0x3130, 0x318F, "Hangul"), (0xAC00, 0xD7AF, "Hangul"),
    (0x3040, 0x30FF, "Kana"), (0x31F0, 0x31FF, "Kana"), (0xFF66, 0xFF9D, "Kana"),
    (0x3400, 0x4DBF, "Han"), (0x4E00, 0x9FFF, "Han"), (0xF900, 0xFAFF, "Han"),
    (0x20000, 0x2FA1F, "Han"),
])

#: One CJK character carries about as much as this many Latin letters.
_WIDE = {"Hangul": 3, "Han": 3, "Kana": 2}

#: The script each language is written in (by base code: "zh-CN" -> "zh").
LANGUAGE_SCRIPTS: dict[str, str] = {
    "ko": "Hangul", "ja": "Japanese", "zh": "Han",
    "ru": "Cyrillic", "uk": "Cyrillic", "bg": "Cyrillic", "sr": "Cyrillic",
    "el": "Greek", "ar": "Arabic", "fa": "Arabic", "ur": "Arabic", "he": "Hebrew",
    "hi": "Devanagari", "mr": "Devanagari", "ne": "Devanagari", "th": "Thai",
}
#: Everything not listed above is written in Latin script.
DEFAULT_SCRIPT = "Latin"

#: Letters that one Latin-script language uses and English does not.
_MARKS: dict[str, str] = {
    "vi": "ăâđêôơưĂÂĐÊÔƠƯ",
    "tr": "ğışİĞŞçöüÇÖÜ",
    "pt": "ãõçâêôáéíóúÃÕÇÂÊÔÁÉÍÓÚ",
    "es": "ñ¿¡Ñ",
    "de": "ßäöüÄÖÜ",
    "fr": "œèêëîïûùÈÊ",
    "pl": "ąęłńśźżĄĘŁŃŚŹŻ",
}
#: Frequent short words, to tell Latin-script languages apart.
_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to is in that for it with as are this be on by we an or can".split()),
    "vi": frozenset("và của là các có được một trong cho này với những để không khi".split()),
    "pt": frozenset("de que não uma para com os das dos em por mais como são".split()),
    "tr": frozenset("ve bir bu için ile da de olarak gibi daha çok olan".split()),
    "es": frozenset("el la los las que del en por con una para es como más".split()),
    "fr": frozenset("le la les des que et est dans une pour par sur pas du".split()),
    "de": frozenset("der die das und ist nicht mit den ein eine zu auf für von".split()),
    "id": frozenset("yang dan di ini dengan untuk dari dalam tidak akan pada adalah".split()),
    "it": frozenset("il di che la per un una non sono della con del gli".split()),
    "pl": frozenset("i w nie na się z do jest to że jak od".split()),
}


def base_lang(lang: str) -> str:
    """"zh-CN" -> "zh", "pt_BR" -> "pt"."""
    return lang.replace("_", "-").split("-")[0].lower()


def script_of_lang(lang: str) -> str:
    return LANGUAGE_SCRIPTS.get(base_lang(lang), DEFAULT_SCRIPT)


def _script(ch: str) -> str:
    cp = ord(ch)
    lo, hi = 0, len(_RANGES) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        first, last, script = _RANGES[mid]
        if cp < first:
            hi = mid - 1
        elif cp > last:
            lo = mid + 1
        else:
            return script
    return "Other"


def count_scripts(text: str) -> Counter[str]:
    """Letters of ``text`` per script ("Latin", "Hangul", "Han", "Kana", ...)."""
    counts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            counts[_script(ch)] += 1
    return counts


def _weighted(counts: Counter[str]) -> dict[str, float]:
    return {s: n * _WIDE.get(s, 1) for s, n in counts.items()}


def share(counts: Counter[str], lang: str) -> float:
    """The part (0..1) of the letters, weighted, that belong to ``lang``'s script."""
    weights = _weighted(counts)
    total = sum(weights.values())
    if not total:
        return 0.0
    script = script_of_lang(lang)
    if script == "Japanese":  # Kana, and Han around it
        mine = weights.get("Kana", 0) + (weights.get("Han", 0) if counts.get("Kana") else 0)
    elif script == "Han":  # Chinese: Han without Kana
        mine = weights.get("Han", 0) if not counts.get("Kana") else 0
    else:
        mine = weights.get(script, 0)
    return mine / total


def dominant_script(text: str) -> str:
    """The script with the most (weighted) letters, or "" when there are none."""
    weights = _weighted(count_scripts(text))
    return max(weights, key=weights.__getitem__) if weights else ""


def _latin_score(text: str, lang: str) -> int:
    base = base_lang(lang)
    marks = _MARKS.get(base, "")
    score = 2 * sum(1 for ch in text if ch in marks)
    # Vietnamese stacks tones on vowels: letters from Latin Extended Additional.
    if base == "vi":
        score += 2 * sum(1 for ch in text if 0x1EA0 <= ord(ch) <= 0x1EF9)
    words = _WORDS.get(base)
    if words:
        score += sum(1 for w in text.lower().split() if w.strip(".,;:!?()\"'") in words)
    return score


@dataclass(frozen=True)
class Verdict:
    """Which side a text is on, and what else was seen (for messages)."""

    side: str  # ORIGIN | TRANSLATION | NEUTRAL | AMBIGUOUS | UNKNOWN
    mixed: bool = False  # both languages in strength: worth a warning
    script: str = ""  # the dominant script, for messages


@dataclass(frozen=True)
class LanguagePair:
    """The two languages of a bilingual book: ``origin`` (the original) and ``translation``."""

    origin: str
    translation: str

    @property
    def same_script(self) -> bool:
        return script_of_lang(self.origin) == script_of_lang(self.translation)

    def classify(self, text: str) -> Verdict:
        """Which side ``text`` (plain prose, code and math removed) belongs to."""
        counts = count_scripts(text)
        if not counts:
            return Verdict(NEUTRAL)
        script = dominant_script(text)
        if self.same_script:
            if share(counts, self.origin) < 0.5:
                return Verdict(UNKNOWN, script=script)
            o, t = _latin_score(text, self.origin), _latin_score(text, self.translation)
            if o == t:
                return Verdict(AMBIGUOUS, script=script)
            return Verdict(ORIGIN if o > t else TRANSLATION, script=script)
        o, t = share(counts, self.origin), share(counts, self.translation)
        if o + t < 0.5:
            return Verdict(UNKNOWN, script=script)
        side = TRANSLATION if t >= 0.3 or t > o else ORIGIN
        # A translation keeps names and terms of the original (up to a quarter of
        # the letters in d2l's Korean preface): only more of both is "mixed".
        mixed = o >= 0.35 and t >= 0.25
        return Verdict(side, mixed=mixed, script=script)


@lru_cache(maxsize=None)
def _pair(origin: str, translation: str) -> LanguagePair:
    return LanguagePair(origin, translation)


# --------------------------------------------------------------------------
# The prose of a block
# --------------------------------------------------------------------------


def inline_text(nodes: list[Inline]) -> str:
    """The words of inline nodes: code, math, URLs, labels and citation keys left out."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, (SoftBreak, HardBreak)):
            out.append(" ")
        elif isinstance(node, (Code, Math, Cite, Role, RawInline)):
            out.append(" ")
        elif isinstance(node, Ref):
            out.append(f" {node.text} " if node.text else " ")
        elif isinstance(node, Image):
            out.append(f" {node.alt} ")
        elif isinstance(node, Link):
            out.append(inline_text(node.children))
        elif hasattr(node, "children"):
            out.append(inline_text(node.children))  # type: ignore[union-attr]
    return "".join(out)


def block_text(block: Block) -> str:
    """The prose of a block and the blocks inside it (captions, cells, items)."""
    if isinstance(block, (Heading, Paragraph)):
        return inline_text(block.children)
    if isinstance(block, Figure):
        return inline_text(block.caption)
    if isinstance(block, Table):
        parts = [inline_text(block.caption)]
        for row in block.head + block.body:
            parts.extend(inline_text(cell.children) for cell in row)
        return " ".join(parts)
    if isinstance(block, ListBlock):
        return " ".join(block_text(b) for item in block.items for b in item)
    if isinstance(block, (Quote, TabContent, Directive, FootnoteDef)):
        return " ".join(block_text(b) for b in block.children)
    return ""


def line_texts(para: Paragraph) -> list[str]:
    """The prose of each source line of a paragraph."""
    lines: list[list[Inline]] = [[]]
    for node in para.children:
        if isinstance(node, (SoftBreak, HardBreak)):
            lines.append([])
        else:
            lines[-1].append(node)
    return [inline_text(line) for line in lines]
