"""Removes personal numbers from text before it goes public: resident ID numbers (18
characters, also with a lower-case x, and the old 15-digit ones), unified social credit
codes, bank-card-like runs of 15 digits or more, mobile and fixed-line phone numbers, with
+86 / 0086 / (+86) or not. People write these in full-width digits, in groups with spaces
or dashes (110101 19900307 002X, 138-0013-8000), so the text is matched on a copy with
full-width characters made narrow, and any separator of one kind is allowed between the
digits of one number.

Written here rather than taken from a library: no library knows Chinese ID numbers and
credit codes, and libphonenumber's matcher keeps to numbers its metadata says are valid,
where anything shaped like a phone number must go.
"""

from __future__ import annotations

import re

MASK = "***"

# One character for one character, so that a match in the narrow copy has the same span
# in the original text.
_NARROW = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０-９
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},  # Ａ-Ｚ
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},  # ａ-ｚ
        "＋": "+",
        "（": "(",
        "）": ")",
        "－": "-",
        "\u3000": " ",  # ideographic space
    }
)
# Between two digits of one number: nothing, or spaces, or a dash (with a space either
# side). One kind per number, so that "2023-05-01 2023-06-01" is not read as one number.
_SEPARATORS = (r"[ \u00a0]{1,2}", r"[ \u00a0]?[-\u2010-\u2015\u2212][ \u00a0]?")


def _run(first: str, more: str, last: str = "") -> str:
    """`first`, then `more` (a regex count such as {9}) digits, then `last`: with nothing,
    or with one kind of separator, between any two of them."""
    return "|".join(
        rf"{first}(?:(?:{s})?\d){more}" + (rf"(?:{s})?{last}" if last else "") for s in _SEPARATORS
    )


_D = r"\d"
_PREFIX_86 = r"(?:\+ ?86|(?<!\d)0086|\( ?\+? ?86 ?\))[ \u00a0]?[-\u2010-\u2015\u2212]?[ \u00a0]?"
_AREA = r"(?:\(0\d{2,3}\)|0\d{2,3})"
_MOBILE = "|".join(rf"1(?:{s})?[3-9](?:(?:{s})?\d){{9}}" for s in _SEPARATORS)
_PATTERNS = [
    # +86 and what follows: a mobile number, or a fixed line with or without its leading 0
    re.compile(rf"{_PREFIX_86}(?:{_run(_D, '{8,11}')})(?!\d)"),
    # unified social credit codes (and unbroken ID numbers): 18 letters and digits, the
    # 3rd to 8th an area code
    re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{2}\d{6}[0-9A-Za-z]{10}(?![0-9A-Za-z])"),
    # ID numbers ending in X or x, in groups or not
    re.compile(rf"(?<!\d)(?:{_run(_D, '{16}', '[Xx]')})"),
    # 15 digits or more: ID numbers old and new, bank cards, anything that long
    re.compile(r"(?<!\d)\d{15,}"),
    re.compile(rf"(?<!\d)(?:{_run(_D, '{14,18}')})(?!\d)"),
    # mobile numbers: 1, 3 to 9, nine more digits
    re.compile(rf"(?<!\d)(?:{_MOBILE})(?!\d)"),
    # fixed lines: (0894)5821234, 0894-5821234, 0894 582 1234, 08945821234
    re.compile(rf"(?<!\d)(?:{_run(_AREA, '{7,8}')})(?!\d)"),
]


def redact_numbers(text: str) -> str:
    """`text` with every personal number in it replaced by ***."""
    if not text:
        return text
    probe = text.translate(_NARROW)
    masked = [False] * len(text)

    def hide(m: re.Match) -> str:
        masked[m.start() : m.end()] = [True] * (m.end() - m.start())
        return "\0" * (m.end() - m.start())  # neither digit nor letter: ends a number

    # Masking one number can set a neighbour apart (a credit code run into an ID), so
    # go again until nothing more is found.
    while True:
        before = probe
        for pattern in _PATTERNS:
            probe = pattern.sub(hide, probe)
        if probe == before:
            break
    out, i = [], 0
    while i < len(text):
        if masked[i]:
            out.append(MASK)
            while i < len(text) and masked[i]:
                i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
