"""Find the Chinese provinces, cities and counties a text mentions, so "南昌7月16日" and "长春7月16日"
are told apart. Precision first: a wrong place makes the answerer refuse or answer for the wrong city.

The gazetteer (``data/gazetteer.tsv``, built by ``data/make_gazetteer.py`` from the official divisions)
is matched leftmost-longest with a dict scan, then each match is checked:

* every match must start a word to jieba ("莲花山区" holds no 花山区); a bare short name ("江西",
  "南昌") must be whole words ("平台北侧" is not 台北, "大同小异" not 大同), and not a street, village
  or town named after the place ("江西路", "吉安镇") or a fixed phrase ("北京时间", "宁德时代");
* names whose short form is a common word ("来宾", "日照", "朝阳") match only with their suffix;
* district names repeat across cities (西湖区: 杭州 and 南昌). A repeated one is resolved by a city
  written right before it ("长春市朝阳区"), else by ``context_city`` (the article's main city), else by
  the nearest city before it in the same sentence, else by the one city of the text that has it; else
  it is skipped rather than guessed. A district's short name ("宽城", "绿园") counts only in a list in an
  article about its city ("支援宽城、绿园、经开"). Development zones (经开区, 高新区) are not places here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Place:
    name: str  # canonical: "江西", "南昌", "吉林市", "西湖区" (district names may repeat across cities)
    level: str  # "province" | "city" | "district"
    full: str  # "江西省", "南昌市", "西湖区"
    parent: str | None  # canonical name of the enclosing place


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    text: str  # exactly as written: "南昌市", "南昌", "西湖区"
    start: int
    end: int


@dataclass(frozen=True)
class _Surface:
    """One way of writing some places: the places it may mean and how it was written."""

    places: tuple[Place, ...]
    bare: bool  # a suffix-less short name: must pass the word checks
    anchored: bool  # found only with a city to anchor it ("老城区")


@dataclass
class _Index:
    surfaces: dict[str, _Surface]
    list_shorts: dict[str, tuple[Place, ...]]  # district short names, used only in lists
    lengths: dict[str, tuple[int, ...]]  # first character → surface lengths, longest first
    by_name: dict[str, Place]  # provinces and cities (and city-like county-level cities)
    municipal: frozenset[str]  # 北京, 上海, 天津, 重庆, 香港, 澳门: their districts hang from them
    english: dict[str, Place]


# After a bare name: a street, a village or town named after it (江西路, 鞍山二路, 吉安镇), or 田某.
_NOT_PLACE_AFTER = re.compile(r"[东西南北中一二三四五六七八九十\d]*(?:路|大街|街|大道|巷|胡同|村)|[镇乡某]")
_NOT_AFTER = {"北京": ("时间",), "北海": ("道",), "宁德": ("时代",), "新乡": ("贤",)}  # a clock, Hokkaido, CATL
_NOT_BEFORE = {"德州": ("美国",)}  # Texas
_LIST_NEXT = set("、，,；;：:。）)和与及等 \u3000") | set("0123456789")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_POS_OK = {"ns", "nt"}  # a longer jieba word starting with the name is still about the place: 天津港


def _data_text() -> str:
    try:
        return resources.files("zhtext").joinpath("data", "gazetteer.tsv").read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise FileNotFoundError("zhtext/data/gazetteer.tsv is missing: reinstall newsqa (pip install -e .), or "
                                "rebuild it with zhtext/data/make_gazetteer.py") from e


@lru_cache(maxsize=1)
def _index() -> _Index:
    rows = [line.split("\t") for line in _data_text().splitlines() if line and not line.startswith("#")]
    header, rows = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    surfaces: dict[str, list[tuple[Place, bool, bool]]] = defaultdict(list)
    list_shorts: dict[str, list[Place]] = defaultdict(list)
    by_name: dict[str, Place] = {}
    municipal = set()
    english: dict[str, Place] = {}
    for r in rows:
        level, match, short = r[col["level"]], r[col["match"]], r[col["short"]]
        place = Place(name=r[col["name"]], level=level, full=r[col["full"]], parent=r[col["parent"]] or None)
        anchored = match == "context"
        for s in dict.fromkeys([place.full, *filter(None, r[col["aliases"]].split(","))]):
            surfaces[s].append((place, False, anchored))
        if short and match == "any":
            surfaces[short].append((place, True, False))
        elif short and match == "list":
            list_shorts[short].append(place)
        if level != "district" or match == "any":
            by_name.setdefault(place.name, place)
        if r[col["kind"]] in ("直辖市", "特别行政区"):
            municipal.add(place.name)
        for key in filter(None, r[col["english"]].split(",")):
            english[key] = place
    built = {s: _Surface(tuple(p for p, _, _ in opts), all(b for _, b, _ in opts), any(a for _, _, a in opts))
             for s, opts in surfaces.items()}
    lengths: dict[str, set[int]] = defaultdict(set)
    for s in [*built, *list_shorts]:
        lengths[s[0]].add(len(s))
    return _Index(surfaces=built, list_shorts={k: tuple(v) for k, v in list_shorts.items()},
                  lengths={c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()},
                  by_name=by_name, municipal=frozenset(municipal), english=english)


def gazetteer() -> dict[str, Place]:
    """English and toneless pinyin names of provinces and cities, lower-case: "nanchang", "hong kong",
    "jilin" (the province; the city is "jilin city"), "inner mongolia", "harbin"."""
    return _index().english


class _Words:
    """jieba's word boundaries of one text, cut once and only if some name matched in it."""

    def __init__(self, text: str):
        self.text = text
        self._starts: dict[int, str] | None = None
        self._ends: set[int] = set()

    def _cut(self) -> dict[int, str]:
        if self._starts is None:
            self._starts, pos = {}, 0
            for w in _jieba().cut(self.text, HMM=False):  # HMM off: unknown runs stay single characters
                self._starts[pos] = w
                pos += len(w)
                self._ends.add(pos)
        return self._starts

    def begins(self, start: int) -> bool:
        """Does a word start here? "莲花山区" holds no 花山区."""
        return start in self._cut()

    def whole(self, start: int, end: int) -> bool:
        """Is text[start:end] one or more whole words, or the head of a place-like word (天津港)?"""
        starts = self._cut()
        if start not in starts:
            return False
        if end in self._ends:
            return True
        word = starts[start]
        return len(word) > end - start and _pos(word) in _POS_OK


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    return jieba


@lru_cache(maxsize=4096)
def _pos(word: str) -> str:
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab.get(word, "")


def _bare_ok(text: str, start: int, end: int, words: _Words) -> bool:
    name = text[start:end]
    after = text[end: end + 3]
    if _NOT_PLACE_AFTER.match(after) or any(after.startswith(w) for w in _NOT_AFTER.get(name, ())):
        return False
    if any(text[max(0, start - len(w)): start] == w for w in _NOT_BEFORE.get(name, ())):
        return False
    return words.whole(start, end)


@dataclass
class _Raw:
    start: int
    end: int
    places: tuple[Place, ...]
    anchored: bool = False
    listed: bool = False  # a district short name: needs a city that owns it


def _scan(text: str, ix: _Index, words: _Words) -> list[_Raw]:
    """Leftmost-longest matches that pass the word checks."""
    out: list[_Raw] = []
    i, n = 0, len(text)
    while i < n:
        raw = None
        for length in ix.lengths.get(text[i], ()):
            end = i + length
            if end > n:
                continue
            raw = _candidate(text, i, end, ix, words)
            if raw is not None:
                break
        if raw is None:
            i += 1
        else:
            out.append(raw)
            i = raw.end
    return out


@lru_cache(maxsize=16)
def _scan_cached(text: str) -> tuple[_Raw, ...]:
    """An article body is scanned for its main city and again for its places: cut and scan it once."""
    return tuple(_scan(text, _index(), _Words(text)))


def _candidate(text: str, start: int, end: int, ix: _Index, words: _Words) -> _Raw | None:
    s = text[start:end]
    surface = ix.surfaces.get(s)
    if surface is not None:
        nxt = text[end: end + 1]
        if s.endswith("区") and nxt == "域":  # 城中区域, 西湖区域: "area", not the district
            return None
        if s.endswith("市") and nxt == "场":  # 南昌市场监管局 is 南昌 + 市场; 东方市场 is a market
            return _candidate(text, start, end - 1, ix, words)
        if (surface.bare or len(s) == 2) and not _bare_ok(text, start, end, words):
            return None
        if not words.begins(start):
            return None
        return _Raw(start, end, surface.places, anchored=surface.anchored)
    listed = ix.list_shorts.get(s)
    if listed is not None and _in_list(text, start, end) and words.whole(start, end):
        return _Raw(start, end, listed, listed=True)
    return None


def _in_list(text: str, start: int, end: int) -> bool:
    return text[end: end + 1] in _LIST_NEXT or text[start - 1: start] == "、"


def _city_of(place: Place, ix: _Index) -> str | None:
    """The city a place belongs to: itself for cities and municipalities, the parent for districts
    (a county-level city under a province, like 仙桃市, counts as its own city)."""
    if place.level == "city" or place.name in ix.municipal:
        return place.name
    if place.level == "district":
        parent = ix.by_name.get(place.parent or "")
        if parent is not None and (parent.level == "city" or parent.name in ix.municipal):
            return parent.name
        return place.name if place.name in ix.by_name else None
    return None


def find_places(text: str, context_city: str | None = None) -> list[PlaceMention]:
    """Places mentioned in ``text``, in order. ``context_city`` (the article's main city, a canonical
    name) decides between districts of the same name and lets district short names count in lists."""
    if not text:
        return []
    ix = _index()
    raws = _scan_cached(text)
    named = {c for r in raws if len(r.places) == 1 and not r.listed and not r.anchored
             for c in [_city_of(r.places[0], ix)] if c}
    out: list[PlaceMention] = []
    for r in raws:
        place = _resolve(r, text, out, context_city, named, ix)
        if place is not None:
            out.append(PlaceMention(place, text[r.start: r.end], r.start, r.end))
    return out


def _resolve(r: _Raw, text: str, before: list[PlaceMention], context_city: str | None, named: set[str],
             ix: _Index) -> Place | None:
    options = r.places
    if len(options) == 1 and not (r.listed or r.anchored):
        return options[0]
    prev = before[-1] if before else None
    if prev is not None and text[prev.end: r.start].strip() == "":  # 长春市朝阳区, 北京朝阳、
        city = _city_of(prev.place, ix) or prev.place.name
        hit = [p for p in options if p.parent in (city, prev.place.name)]
        if len(hit) == 1:
            return hit[0]
    if context_city:
        hit = [p for p in options if p.parent == context_city]
        if len(hit) == 1:
            return hit[0]
    if r.listed or r.anchored:
        return None
    for m in reversed(before):  # nearest city earlier in the same sentence
        if _SENTENCE_END.search(text, m.end, r.start):
            break
        city = _city_of(m.place, ix)
        hit = [p for p in options if p.parent == city]
        if city and len(hit) == 1:
            return hit[0]
    hit = [p for p in options if p.parent in named]
    return hit[0] if len(hit) == 1 else None


def _ancestors(place: Place, ix: _Index) -> list[str]:
    out, parent = [], place.parent
    while parent and parent not in out:
        out.append(parent)
        up = ix.by_name.get(parent)
        parent = up.parent if up is not None else None
    return out


def place_names(mentions: list[PlaceMention]) -> list[str]:
    """Canonical names of the mentioned places and of everything enclosing them (西湖区 → 南昌 → 江西),
    deduplicated in order: what chunk metadata stores so a filter on a city finds its districts."""
    ix = _index()
    names: list[str] = []
    for m in mentions:
        names.append(m.place.name)
        names.extend(_ancestors(m.place, ix))
    return list(dict.fromkeys(names))


def lineage(place: Place) -> list[str]:
    """The place's canonical name and its ancestors' (西湖区 in 南昌 → [西湖区, 南昌, 江西])."""
    return [place.name, *_ancestors(place, _index())]


_TITLE_WEIGHT = 3.0
_DISTRICT_WEIGHT = 0.5


def main_city(title: str | None, body: str) -> str | None:
    """Canonical name of the city an article is about: title mentions weigh most, then how often the
    body names it (a district counts half for its city). Provinces other than municipalities are not
    cities; None when no city is named."""
    ix = _index()
    score: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    for offset, weight, text in ((0, _TITLE_WEIGHT, title or ""), (len(title or ""), 1.0, body or "")):
        for m in find_places(text):
            city = _city_of(m.place, ix)
            if city is None:
                continue
            score[city] += weight * (_DISTRICT_WEIGHT if city != m.place.name else 1.0)
            first.setdefault(city, offset + m.start)
    if not score:
        return None
    return max(score, key=lambda c: (score[c], -first[c]))


_LONGER_REACH = 4  # characters a longer place name may add on either side ("印度" → 印度尼西亚, 印度洋)


def names_whole(text: str, name: str) -> bool:
    """``name`` (a place, often abroad) occurs in ``text`` other than inside a longer place name jieba
    knows: "印度尼西亚…出口税" does not name 印度, nor "南苏丹" 苏丹. A figure of Indonesia is no answer about India."""
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        inside = any(_pos(text[at - a: end + b]) == "ns"
                     for a in range(0, min(_LONGER_REACH, at) + 1)
                     for b in range(0, min(_LONGER_REACH, len(text) - end) + 1)
                     if a or b)
        if not inside:
            return True
        at = text.find(name, at + 1)
    return False


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """The Chinese names of the world's states (``zhtext/data/countries.txt``), short forms included."""
    text = resources.files("zhtext").joinpath("data", "countries.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


_COUNTRIES_BY_SHORT_NAME = re.compile(r"[两三四五六七八九十]国")  # 美英澳三国


def names_country(text: str) -> bool:
    """``text`` names a state ("美国", "美国国务院", "美英澳三国"), as a word of its own: 南沙 and 香港 are places,
    not states, and 印度 inside 印度尼西亚 is no mention of India."""
    return bool(_COUNTRIES_BY_SHORT_NAME.search(text)) or any(c in text and names_whole(text, c) for c in countries())
