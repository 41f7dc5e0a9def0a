"""Text of a schedule: normalisation and the split into clauses (DESIGN.md §4, step 1)."""

from __future__ import annotations

import re
import unicodedata

from tracker.domain.schedule.times import read_when

ONGOING_RE = re.compile(
    r"常态化(?:开展|推进|实施|运行|管理)?|长期坚持|长期开展|坚持开展|长效推进"
    r"|持续(?:推进|开展|推动|实施|深化|加强|做好)"
)
RESPECTIVELY = "分别"
#: Words that join dates or targets: "2022年和2025年", "道路180公里、绿道130公里".
JOINERS_RE = re.compile(r"以及|[、和及与]")
_BARE_YEAR_RE = re.compile(r"(?:到|至)?[0-9]{4}年?度?")
_NEW_YEAR_START_RE = re.compile(r"(?:到|至|截至)?[0-9]{4}")
_FILLER = " 、,;:。.…的\"'“”‘’()（）《》"
# Traditional forms of the characters the grammar reads (counters, units, comparators); the
# rest of a traditional text is kept as written.
_SIMPLIFIED = str.maketrans(
    "個萬億兩歲畝條項場處臺輛間戶張噸達於過內長實標準額",
    "个万亿两岁亩条项场处台辆间户张吨达于过内长实标准额",
)
_PAIRS = (("《", "》"), ("“", "”"), ("(", ")"), ("‘", "’"))
_LEFTOVER_JOINERS = re.compile(r"(?:并|且|后|之后|然后|同时)$")


def normalize(text: str) -> str:
    """Full-width forms to ASCII (NFKC), dashes to "-", "㎡" to "平方米", the traditional
    forms of counters and comparators to simplified ("萬"/"個"/"達到"), whitespace removed."""
    text = unicodedata.normalize("NFKC", text).translate(_SIMPLIFIED)
    text = re.sub(r"[—–‒―~〜]", "-", text)
    text = re.sub(r"(?<=[0-9万千亿])m[2²]", "平方米", text)  # "200万㎡" (NFKC: "m2")
    return re.sub(r"\s+", "", text)


def split_clauses(text: str, first_year: int) -> list[str]:
    """Split normalised text into clauses on ,;。!? , on "、" where a new year begins, and
    before a trailing "常态化…"; clauses of filler only are dropped."""
    clauses: list[str] = []
    for sentence in re.split(r"[,;。!?\n]+", text):
        for part in _split_enumeration(sentence):
            clauses.extend(_split_ongoing_tail(part, first_year))
    return [clause for clause in clauses if clause.strip(_FILLER)]


def _split_enumeration(sentence: str) -> list[str]:
    """Split on "、" where a new year begins, unless the years belong together (分别, 2019年、)."""
    if RESPECTIVELY in sentence:
        return [sentence]
    parts: list[str] = []
    for piece in sentence.split("、"):
        starts_new = _NEW_YEAR_START_RE.match(piece) is not None
        if parts and starts_new and not _BARE_YEAR_RE.fullmatch(parts[-1]):
            parts.append(piece)
        elif parts:
            parts[-1] = f"{parts[-1]}、{piece}"
        else:
            parts.append(piece)
    return parts


def _split_ongoing_tail(clause: str, first_year: int) -> list[str]:
    """Cut a trailing 常态化…: "2020年完成并常态化推进" → "2020年完成" + "常态化推进".

    A head that is only a time ("2021年起常态化开展") stays with the ongoing clause.
    """
    match = ONGOING_RE.search(clause)
    if match is None or match.start() == 0:
        return [clause]
    head = _LEFTOVER_JOINERS.sub("", clause[: match.start()])
    when = read_when(head, first_year)
    if when.has_time and words_of(when.rest):
        return [head, clause[match.start() :]]
    return [clause]


def words_of(text: str) -> str:
    """The words left in ``text``: spaces removed, filler stripped from both ends; a closing
    bracket or quote stays when its opening one is kept ("修订《…标准》")."""
    words = text.replace(" ", "").strip(_FILLER)
    if not words:
        return words
    tail = text.replace(" ", "")
    tail = tail[tail.rfind(words) + len(words) :]
    for opening, closing in _PAIRS:
        if tail.startswith(closing) and words.count(opening) > words.count(closing):
            return words + closing
    return words
