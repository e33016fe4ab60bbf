"""The one remover of ID, credit-code and phone numbers from text that goes public: over
generated numbers in every way people write them, and over ordinary text it must leave be."""

import datetime
import re

from hypothesis import given
from hypothesis import strategies as st

from gridgov.core.redact import redact_numbers
from gridgov.core.validators import id_check_digit

# Text around a number: Chinese and its punctuation, never a digit, letter or separator.
HAN = (
    "的是在人有我他这中大来上国个到说们为和你地出道时年得就那要下以会对可她里后小"
    "心多天能好都然没日起发成事只作想看无开手用主行方又如前所本见经头面公同已老从动两长知"
    "民样现分将外但身些与高意进把法此实回理美点月明其种全工己话儿者向情部正名定女问力机给"
    "电话身份证号码联系住址，。：；、（）《》！？"
)
CONTEXT = st.text(HAN, max_size=12)
BETWEEN = st.text(HAN, min_size=1, max_size=12)  # written text always has something between
SPACES = [" ", "\u3000", "\u00a0"]
DASHES = ["-", "－", "—", "–", " - ", " — "]
SEPARATOR = st.sampled_from(["", *SPACES, *DASHES])
WIDE = {str(d): chr(0xFF10 + d) for d in range(10)} | {"X": "Ｘ", "x": "ｘ", "+": "＋"}


@st.composite
def widened(draw, text: str) -> str:
    """Some, all or none of the digits written full-width."""
    flags = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(WIDE.get(c, c) if wide else c for c, wide in zip(text, flags, strict=True))


def grouped(digits: str, sizes: list[int], sep: str) -> str:
    out, i = [], 0
    for size in sizes:
        out.append(digits[i : i + size])
        i += size
    out.append(digits[i:])
    return sep.join(part for part in out if part)


@st.composite
def id_numbers(draw) -> tuple[str, str]:
    """An 18-character ID number as people write it: plain, in groups (6-8-4, 6-4-4-4),
    with spaces or dashes, the check character X in either case, full-width or not."""
    area = draw(st.integers(110000, 659999))
    birth = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2025, 12, 31)))
    seq = draw(st.integers(0, 999))
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    check = id_check_digit(first17)
    if draw(st.booleans()):
        check = draw(st.sampled_from("0123456789Xx"))  # also numbers that fail the check
    elif check == "X":
        check = draw(st.sampled_from("Xx"))
    sizes = draw(st.sampled_from([[], [6, 8], [6, 4, 4], [3, 3, 4, 4], [6, 8, 3]]))
    written = grouped(first17 + check, sizes, draw(SEPARATOR))
    return first17 + check, draw(widened(written))


@st.composite
def mobiles(draw) -> tuple[str, str]:
    """A mobile number: 11 digits, as 3-4-4 or 3-8 or plain, with +86 / 0086 / (+86) or not."""
    digits = "1" + str(draw(st.integers(3, 9))) + f"{draw(st.integers(0, 10**9 - 1)):09d}"
    sizes = draw(st.sampled_from([[], [3, 4], [3], [4, 3]]))
    written = grouped(digits, sizes, draw(SEPARATOR))
    prefixes = ["", "+86", "+86 ", "+86-", "0086 ", "(+86)", "（+86）", "+ 86 "]
    prefix = draw(st.sampled_from(prefixes))
    return digits, draw(widened(prefix + written))


@st.composite
def landlines(draw) -> tuple[str, str]:
    """A fixed-line number: area code and 7 or 8 digits, (0894)5821234, 0894-582 1234,
    +86 894 5821234."""
    area = "0" + str(draw(st.integers(10, 999)))
    local = str(draw(st.integers(2, 9))) + f"{draw(st.integers(0, 10**6 - 1)):06d}"
    if draw(st.booleans()):
        local += str(draw(st.integers(0, 9)))
    sep = draw(SEPARATOR)
    style = draw(st.sampled_from(["plain", "paren", "intl", "split"]))
    if style == "paren":
        written = f"({area}){local}"
    elif style == "intl":
        written = f"+86{sep}{area[1:]}{sep}{local}"
    elif style == "split":
        written = f"{area}{sep}{local[:3]}{sep}{local[3:]}"
    else:
        written = f"{area}{sep}{local}"
    return area + local, draw(widened(written))


CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@st.composite
def credit_codes(draw) -> tuple[str, str]:
    """A unified social credit code (18 characters), upper or lower case, full-width or not."""
    head = draw(st.text(CREDIT_ALPHABET, min_size=2, max_size=2))
    area = f"{draw(st.integers(110000, 659999))}"
    tail = draw(st.text(CREDIT_ALPHABET, min_size=10, max_size=10))
    code = head + area + tail
    if draw(st.booleans()):
        code = code.lower()
    return code, draw(widened(code))


NUMBERS = st.one_of(id_numbers(), mobiles(), landlines(), credit_codes())


@given(NUMBERS, CONTEXT, CONTEXT)
def test_no_digit_of_a_personal_number_survives(number, before, after):
    _plain, written = number
    text = f"{before}{written}{after}"
    assert redact_numbers(text) == f"{before}***{after}"


@given(st.lists(st.tuples(NUMBERS, BETWEEN), min_size=2, max_size=4), CONTEXT)
def test_several_numbers_in_one_text(items, head):
    """Two numbers next to each other (an ID, a space, a phone) are both removed."""
    text = head + "".join(written + tail for (_plain, written), tail in items)
    out = redact_numbers(text)
    assert not re.search(r"[0-9０-９]", out), out
    assert out.count("***") == len(items)


# ordinary text: dates, amounts, counts, rates and case numbers stay as they are
YEAR = st.integers(1950, 2100)
ORDINARY = st.one_of(
    st.builds(lambda y, m: f"{y}年{m}月", YEAR, st.integers(1, 12)),
    st.builds(lambda y, m, d: f"{y}年{m}月{d}日", YEAR, st.integers(1, 12), st.integers(1, 31)),
    st.builds(lambda d: d.isoformat(), st.dates(datetime.date(1950, 1, 1))),
    st.builds(lambda d: f"{d:%Y.%m.%d}", st.dates(datetime.date(1950, 1, 1))),
    st.builds(lambda a, b: f"{a}.{b:02d}亿元", st.integers(0, 9999), st.integers(0, 99)),
    st.builds(lambda n: f"{n}元", st.integers(0, 10**10 - 1)),
    st.builds(lambda n: f"{n:,}件", st.integers(0, 10**12)),
    st.builds(lambda a, b: f"{a}.{b:02d}%", st.integers(0, 100), st.integers(0, 99)),
    st.builds(
        lambda y, c, n, kind: f"({y})藏{c:04d}{kind}{n}号",
        YEAR,
        st.integers(1, 9999),
        st.integers(1, 99999),
        st.sampled_from(["执", "执恢", "民初", "执保"]),
    ),
    st.builds(
        lambda y, c, n: f"（{y}）藏{c:04d}执{n}号",
        YEAR,
        st.integers(1, 9999),
        st.integers(1, 99999),
    ),
    st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59)),
    st.builds(lambda n: f"第{n}网格", st.integers(1, 999)),
)


@given(st.lists(st.tuples(ORDINARY, BETWEEN), min_size=1, max_size=6))
def test_ordinary_text_is_left_alone(parts):
    text = "".join(a + b for a, b in parts)
    assert redact_numbers(text) == text


def test_the_forms_named_in_the_issue():
    cases = {
        "身份证11010119900307002x": "身份证***",
        "身份证１１０１０１１９９００３０７００２Ｘ。": "身份证***。",
        "身份证 110101 19900307 002X，": "身份证 ***，",
        "身份证110101-19900307-0021": "身份证***",
        "电话138-0013-8000": "电话***",
        "电话 138 0013 8000 转": "电话 *** 转",
        "电话+86 138 0013 8000": "电话***",
        "电话(+86)13800138000": "电话***",
        "电话008613800138000": "电话***",
        "座机(0894)5821234": "座机***",
        "信用代码91540400MA6T1234XY；": "信用代码***；",
        "信用代码91540400ma6t1234xy": "信用代码***",
    }
    for text, expected in cases.items():
        assert redact_numbers(text) == expected, text
    ordinary = "2023年5月，执行到位35.06亿元，(2023)藏0402执123号，综合执结率90.94%。"
    assert redact_numbers(ordinary) == ordinary
