"""Text as the checks read it: one canonical form, so characters cannot walk past a rule.

A curly apostrophe, a Cyrillic "р" in "CPN", a zero-width space or a soft hyphen inside
"guarantee", full-width letters: each reads the same to a person and differently to a
pattern or a tokenizer. `normalize()` folds them before any check (the guard's screening
and answer check, the learned request classifier); the text shown to the user is never
changed. Every step is a linear pass (str.translate, unicodedata.normalize).

Look-alike letters come from Unicode's confusables data as shipped by the
`confusable_homoglyphs` package; only letters and digits whose look-alike is ASCII are
mapped. The dash and quote tables below are small and fixed (Unicode has no "fold to
ASCII punctuation" form).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Dashes, minus signs and hyphens -> "-"; curly and prime quotes -> ASCII quotes. One table
# for every reader of user text (the guard here, the PII redactor's separators).
DASHES = frozenset("\u02d7\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2796\u2e3a\u2e3b"
                   "\ufe58\ufe63\uff0d")
QUOTES = {**dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u02b9\u00b4\u0060", "'"),
          **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb", '"')}
_PUNCT = {**{ord(c): "-" for c in DASHES}, **{ord(c): q for c, q in QUOTES.items()}}
_WORD = re.compile(r"[^\W\d_]{2,}")
_LONG_BLANKS = re.compile(r"[^\S\n]{3,}")
_LONG_BREAKS = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*){2,}")


def squeeze_space(text: str) -> str:
    """Runs of spaces or tabs cut to two and of line breaks to two (a blank line).

    Patterns that read layout (two spaces between report columns, a line start) keep
    working, while no whitespace run is long enough for a `\\s*` to backtrack over:
    an unbounded whitespace run made several rule patterns quadratic or worse."""
    return _LONG_BREAKS.sub("\n\n", _LONG_BLANKS.sub("  ", text))


@lru_cache(maxsize=1)
def _invisible() -> tuple[int, ...]:
    """Code points read as nothing: Cf (zero-width space and joiners, soft hyphen, bidi
    controls, BOM, word joiner) and the variation selectors. One scan of Unicode, once."""
    return tuple(cp for cp in range(sys.maxunicode + 1)
                 if unicodedata.category(chr(cp)) == "Cf" or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF)


@lru_cache(maxsize=2)
def _table(invisible: str | None = None) -> dict[int, str | None]:
    """str.translate table: invisible characters removed (or replaced by `invisible`),
    look-alikes mapped, punctuation folded."""
    if invisible is not None:  # the same table, invisible characters read as `invisible`
        return {**_table(None), **dict.fromkeys(_invisible(), invisible)}
    table: dict[int, str | None] = dict.fromkeys(_invisible())
    table.update(_PUNCT)
    try:
        from confusable_homoglyphs import confusables
    except ImportError:  # the guard still normalises everything else
        return table
    for ch, glyphs in confusables.confusables_data.items():
        if len(ch) != 1 or ord(ch) < 128 or not (ch.isalpha() or ch.isdigit()) or ord(ch) in table:
            continue
        ascii_glyphs = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalnum()]
        if not ascii_glyphs:
            continue
        same_case = [c for c in ascii_glyphs if c.isupper() == ch.isupper() or c.isdigit()]
        table[ord(ch)] = (same_case or ascii_glyphs)[0]
    return table


def normalize(text: str, *, invisible: str | None = None) -> str:
    """The canonical form checks read: NFKC, invisible characters removed, look-alike letters
    mapped to ASCII, curly quotes and dashes folded, whitespace runs squeezed, accents dropped.
    Linear in len(text). `invisible=" "` reads invisible characters as word breaks instead
    (a zero-width space between every word would otherwise join the words).
    """
    if not text:
        return ""
    text = squeeze_space(unicodedata.normalize("NFKC", text).translate(_table(invisible)))
    if text.isascii():
        return text
    # accents off ("está" -> "esta", "g̶u̶a̶r̶a̶n̶t̶e̶e̶" -> "guarantee"): combining marks removed
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def mixed_script_words(text: str, limit: int = 10) -> list[str]:
    """Words mixing letters of two scripts ("Ignоre" with a Cyrillic о): a sign of evasion."""
    out: list[str] = []
    if not text or text.isascii():
        return out
    for m in _WORD.finditer(unicodedata.normalize("NFKC", text)):
        word = m.group(0)
        if word.isascii():
            continue
        if len({_script(c) for c in word if c.isalpha()} - {"MODIFIER"}) > 1:
            out.append(word)
            if len(out) >= limit:
                break
    return out


def readings(text: str) -> list[str]:
    """The canonical forms a check must judge: invisible characters removed, and, when the text
    has any, read as spaces too ("guar\u00adantee" is one word, "get\u200ba\u200bCPN" three)."""
    joined = normalize(text)
    spaced = normalize(text, invisible=" ")
    return [joined] if spaced == joined else [joined, spaced]


@dataclass(frozen=True)
class Normalized:
    """`texts`: the canonical readings of a text (see `readings`); the mixed-script words of the original."""

    texts: tuple[str, ...]
    mixed_script: tuple[str, ...] = ()


def canonical(text: str) -> Normalized:
    """`readings(text)` with the mixed-script words found on the way."""
    return Normalized(tuple(readings(text)), tuple(mixed_script_words(text)))
