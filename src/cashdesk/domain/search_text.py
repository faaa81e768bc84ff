"""Folding text for look-up: what a cashier types matches what the records hold.

Both the search index and the query go through :func:`fold`, so "Nunez" finds "Núñez" and
"OBrien" (or "o'brien", "O’Brien") finds "O'Brien":

- Unicode NFKD splits a letter from its accents, and the combining marks are dropped;
- letters with no decomposition get an ASCII spelling (ø → o, ß → ss, æ → ae, ł → l, đ → d);
- apostrophes of every shape are removed (not turned into spaces), so a name keeps one word;
- the result is lower case; other punctuation stays for the tokenizer to split on.
"""

from __future__ import annotations

import re
import unicodedata

# ASCII and typographic apostrophes, the modifier-letter forms, the prime and the backtick.
_APOSTROPHES = re.compile("['\u2018\u2019\u201b\u02bb\u02bc\u02b9\u2032`\u00b4]")
_NO_DECOMPOSITION = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)
# A query token is letters and digits; everything else separates tokens.
_TOKEN = re.compile(r"[0-9a-z]+")


def _fold_once(text: str) -> str:
    text = _APOSTROPHES.sub("", text).casefold().translate(_NO_DECOMPOSITION)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fold(text: str) -> str:
    """Lower-case ASCII-ish text with accents and apostrophes removed.

    Repeated until nothing changes (at most a few rounds: case folding or decomposition can
    produce a letter another step maps), so folding folded text changes nothing.
    """
    for _ in range(4):
        folded = _fold_once(text)
        if folded == text:
            break
        text = folded
    return text


def query_tokens(text: str) -> list[str]:
    """The folded words of a query, in order (punctuation and spaces separate them)."""
    return _TOKEN.findall(fold(text))
