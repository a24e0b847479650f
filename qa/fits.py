"""Whether a span of the asked type can answer this question at all, whatever its sentence scores.

A span can be of the right type and still answer something else: a figure of another measure, outcome or
level in the same sentence, a total for a question per head, a place that is no state for "哪个国家", or
what a negated or supposed clause says did not happen. Each rule is named data with the reason it exists;
``fitting`` applies them all. The sentence scorer (``qa.general``) reads only the spans left.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answer_types import AskedType
from qa.asked import measures_named, names_other_measure
from qa.spans import ROLE_HEADS, Span, after_title, count_unit, find_spans, names_in
from zhtext.normalise import canon
from zhtext.places import find_places, names_country
from zhtext.pos import dictionary_tag, pos_tokens
from zhtext.vocabulary import ORDINAL_COUNTERS, SPECIFIC, SURNAMES

FIGURE_KINDS = frozenset(("count", "amount", "percent"))
CLAUSE_START = re.compile(r"[，,。；;：:！!？?、\s（(“”]")  # where a clause or a list item opens
CLAUSE_MARK = re.compile(r"[，,。；;：:！!？?]")  # the marks that end a clause (not the 、 of a list)


def clause_around(text: str, span: Span, opening: re.Pattern = CLAUSE_MARK, closing: re.Pattern = CLAUSE_MARK) -> str:
    """The clause a span stands in: from the last ``opening`` mark before it to the first ``closing`` after."""
    starts = [m.end() for m in opening.finditer(text, 0, span.start)]
    stop = closing.search(text, span.end)
    return text[starts[-1] if starts else 0: stop.start() if stop else len(text)]


# --- what the clause says did not happen ------------------------------------------------------------

# "此次会议没有发表联合声明", "没有设计在场内", "帖子旁边也不会出现广告": what a negated verb governs is what
# did not happen, never the answer to what did ("发表了什么", "设计在哪里"). A negation and up to four characters
# of verb right before a span. Not a bare 不: "不断提升…" negates nothing.
NEGATED = re.compile(r"(?:没有|并未|从未|未曾|尚未|未(?!来|成年|知)|没(?!收)|并非|不是|不会|不再|无法|不得|不能)"
                     r"[\u4e00-\u9fff]{0,4}$")
# "三国领导人会谈如果是以和平为目的话还好，然而实际并非如此": a clause that supposes states nothing.
_SUPPOSED = re.compile(r"如果|假如|倘若|如若|要是|假设|万一")
# "(下称“中车大连机车”)": the short name an article gives a body is an answer only to what it is called.
_ALIAS = re.compile(r"(?:下称|简称|以下简称|下同|又称|俗称)[“\"]?$")
_ASKS_ALIAS = re.compile(r"简称|又称|俗称|叫什么|称为什么|名称")


def negated(text: str, span: Span) -> bool:
    """A negation governs the span ("没有发表联合声明")."""
    return bool(NEGATED.search(text, max(0, span.start - 8), span.start))


# "如果数据显示有需要，我们可能会在9月份加息": what may follow a condition is a guess, not what was decided. A
# consequence said as a rule ("如果发现违规培训，可拨打12345") does state something, so only a hedged one.
_HEDGED = re.compile(r"可能|或将|也许|或许|有望|不排除")


def _guessed(text: str, marks: list[int], start: int) -> bool:
    """The clause before ``start`` hedges (可能会…) the consequence of a condition in the clause before it
    (``marks``: where the clauses before ``start`` open)."""
    if not marks:
        return False
    condition = text[marks[-2] if len(marks) > 1 else 0: marks[-1]]
    return bool(_HEDGED.search(text, marks[-1], start) and _SUPPOSED.search(condition))


# "中新网杭州7月29日电": the day the story was filed, never a date the story tells of.
_FILED = re.compile(r"\s*(?:电|讯)(?![\u4e00-\u9fff]{0,1}(?:视|影|话|力|网|池|梯|器|脑|商|子|厂|站|价|费|量|缆|线|源))")

# A question for a day ("自哪天起执行", "几月几日") is not answered by a year or a month alone ("根据通知，2023年居民
# 电动汽车充电桩峰谷时段…"). The classifier's unit already keeps "哪一年" to years and "哪个月" to months.
ASKS_DAY = re.compile(r"哪[一1]?[天日]|几号|几月几[日号]|什么日期|哪个日期|具体日期")
NAMES_DAY = re.compile(r"[日号]|[今昨明前后当次翌同][天日]|周[一二三四五六日末]|星期|节|\d{1,2}[./-]\d{1,2}")


def _fine_enough(question: str, span: Span) -> bool:
    return not ASKS_DAY.search(question) or bool(NAMES_DAY.search(span.text))


def _stated(question: str, text: str, span: Span) -> bool:
    """The sentence states the span: not negated, not supposed, not a short name given in passing."""
    marks = [m.end() for m in CLAUSE_MARK.finditer(text, 0, span.start)]
    before = text[marks[-1] if marks else 0: span.start]
    return not negated(text, span) and not _SUPPOSED.search(before) and not _guessed(text, marks, span.start) \
        and not (_ALIAS.search(text, max(0, span.start - 6), span.start) and not _ASKS_ALIAS.search(question))


# --- figures: of which outcome, which measure, per head or in total ---------------------------------

# Outcomes a casualty figure counts, which exclude each other: "多少人受伤" is not answered by "11人死亡".
OUTCOMES = (("死亡", "遇难", "身亡", "丧生", "罹难", "死"), ("受伤", "伤害", "重伤", "轻伤", "伤"), ("失踪", "失联"),
            ("被困",), ("获救", "救出", "营救", "生还", "脱险"))


def _outcome(question: str) -> int | None:
    """The outcome group a figure question asks about, or None."""
    return next((i for i, words in enumerate(OUTCOMES) if any(w in question for w in words)), None)


def _outcome_fits(text: str, span: Span, outcome: int) -> bool:
    """False when the figure's clause names another outcome and not the asked one (受伤 vs 死亡). A clause naming
    none ("馆内共有19人") is read with its sentence: "…其中4人自行脱险，15人被困" counts no injured."""
    clause = clause_around(text, span, CLAUSE_START, CLAUSE_START)
    said = {i for i, words in enumerate(OUTCOMES) if any(w in clause for w in words)}
    if not said:
        said = {i for i, words in enumerate(OUTCOMES) if any(w in text for w in words)}
    return not said or outcome in said


def _measure_fits(text: str, span: Span, measures: list[str]) -> bool:
    """False when the figure's clause names another measure and none asked: "实现营业收入1390.81万元" is no
    net profit. A clause naming no measure ("同比减亏222.62万元") is read with its whole sentence."""
    clause = canon(clause_around(text, span, CLAUSE_START))
    if not any(m in clause for m in SPECIFIC):
        clause = canon(text)
    return not names_other_measure(clause, measures)


# A figure per head and a total answer different questions: "每名学生获得了多少助学金" is not answered by
# "为53名学生发放106万元助学金", nor "一共发放了多少" by "每人5000元". Per year or per day is left out: a year's
# figure is stated without 每 ("2022年出口…").
PER_HEAD = re.compile(r"每(?:一)?(?:名|人|位|个|户|家|辆|台|只|头|件|份|张|套|吨|公斤|斤|亩|平方米|所|例|场)|人均|户均|单价|均价")
_SAID_PER_HEAD = re.compile(PER_HEAD.pattern + r"|每|平均|各|/")
# "台湾交通事故每10万人死亡人数达12.67人": a rate per so many people answers only a question asking a rate.
RATE_PER = re.compile(r"每[\d一二三四五六七八九十百千万亿.]+(?:万|千|百|亿)?(?:人|名|户|辆|例|头)")
_ASKS_RATE = re.compile(r"每|率|人均|平均")
TOTAL = re.compile(r"一共|总共|共计|合计|总计|总额|总数|总量|总金额|总人数")


def _per_head(question: str) -> bool | None:
    """True when a figure question asks per head (每名, 人均), False when it asks a total, else None."""
    return True if PER_HEAD.search(question) else False if TOTAL.search(question) else None


def _per_head_fits(text: str, span: Span, per_head: bool) -> bool:
    """The figure's clause says per head (每人, 人均, 元/人) exactly when the question asks so."""
    clause = clause_around(text, span, CLAUSE_START)
    return _SAID_PER_HEAD.search(clause) is not None if per_head else not PER_HEAD.search(clause)


# "参观人数达12.6万人次，参观者共计3.2万人": 人次 counts visits, not heads, though it answers "多少人" where no head
# count is given. A sentence that states the figure in the asked unit itself is answered by that figure.
def _exact_unit_first(spans: list[Span], unit: str) -> list[Span]:
    exact = [sp for sp in spans if count_unit(sp.text) == unit]
    return exact or spans


# "全市有多少所中学" of "全市共有学校420所，其中小学260所，中学160所": several counts in one unit, each of its
# own noun. The count whose clause names the counted noun answers; where no clause names it, any may.
def _counts_the_head(text: str, spans: list[Span], head: str) -> list[Span]:
    named = [sp for sp in spans if head in clause_around(text, sp, CLAUSE_START, CLAUSE_START)]
    return named or [sp for sp in spans if not _counts_another_noun(text, sp, head)]


# "首批授牌了几个示范区" of "作为8个经验交流的地方政府之一受邀参会": a count followed by the noun it counts, another
# than the asked one (地方政府), counts that noun. Its phrase runs to 之一 or the clause's end.
_COUNTED_END = re.compile(r"之一|[，,。；;：:！!？?、）)]")


def _counts_another_noun(text: str, span: Span, head: str) -> bool:
    stop = _COUNTED_END.search(text, span.end)
    phrase = text[span.end: stop.start() if stop else len(text)]
    if not phrase or head in phrase or not pos_tokens(phrase)[-1][1].startswith("n"):
        return False  # "13个示范区授牌" counts the asked noun; "420所，" counts what its clause names
    return "的" in phrase or bool(stop and stop.group() == "之一")


# "转移安置了多少群众" of "小雨站197个，中雨站83个": a count of people is in a unit for people. A count in another
# unit (个, 座, 所) whose clause does not name the people asked about counts something else.
PEOPLE_HEAD = re.compile(r"(?:群众|人员|居民|村民|市民|游客|旅客|乘客|学生|患者|职工|员工|工人|儿童|老人|人口|人|者|员|民|客|生|工|士|兵)$")
PEOPLE_UNITS = frozenset(("人", "名", "位", "户", "人次", "例", "口", "员"))


def _counts_people(text: str, span: Span, head: str) -> bool:
    unit = count_unit(span.text)
    return unit in PEOPLE_UNITS or head in clause_around(text, span, CLAUSE_START, CLAUSE_START)


# "特斯拉第二季度营收是多少" of "汽车业务营收为212.7亿美元，总营收为249.3亿美元": one segment's figure is no
# company's. A figure whose clause names a segment (…业务, …板块) answers only a question that names it too.
SEGMENT = re.compile(r"[\u4e00-\u9fffA-Za-z]{2}(?:业务|板块|分部|事业部|事业群)")


def _whole_not_segment(text: str, span: Span, question: str) -> bool:
    marks = [m.end() for m in CLAUSE_START.finditer(text, 0, span.start)]
    before = text[marks[-1] if marks else 0: span.start]
    return all(m.group(0) in question for m in SEGMENT.finditer(before))


# "交通事故死亡人数超标785人…死亡人数更多达3085人": a figure right after a word of change is by how much a thing
# grew, fell or overshot, not how much there is. It answers only a question that asks for a change itself.
CHANGE_BEFORE = re.compile(r"(?:超标|超出|多出|差距|相差|增加|增多|减少|增长|下降|上升|回落|反弹)了?$")
_ASKS_CHANGE = re.compile(r"超|多出|差|增|减|涨|降|升|落|变化|比|多了|少了")


def _not_a_change(text: str, span: Span) -> bool:
    return not CHANGE_BEFORE.search(text, max(0, span.start - 3), span.start)


# "将基准利率上调至多少" asks the level a change reached: "上调25个基点至5.25%-5.50%" answers with what follows 至,
# never with the step (25个基点) before it.
ASKS_REACHED = re.compile(r"(?:调|升|降|提高|降低|增|减|涨|跌|提升|扩大|缩小|增长|下降|回落)(?:至|到)(?:了)?(?:多少|几|什么水平)")
REACHED_BEFORE = re.compile(r"(?:至|到|为)了?(?:[^，,。；;]{1,8}的)?(?:约|近|超过)?$")  # "上升至2023年的6.3%"


def _the_level_reached(text: str, span: Span) -> bool:
    return bool(REACHED_BEFORE.search(text, max(0, span.start - 14), span.start))


# --- levels -----------------------------------------------------------------------------------------

# A level names one response or alert among several: "哪些地区的三级响应" is not answered by the regions of
# "对天津、河北的防汛二级应急响应，对北京、吉林、黑龙江维持防汛三级应急响应".
LEVEL = re.compile(r"(?:[一二三四1-4]|I{1,3}V?|IV|[ⅠⅡⅢⅣ])级|[红橙黄蓝]色(?=预警|警报|等级)")
_LEVEL_DIGITS = str.maketrans({"一": "1", "二": "2", "三": "3", "四": "4", "Ⅰ": "1", "Ⅱ": "2", "Ⅲ": "3", "Ⅳ": "4"})
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}


def levels_in(text: str) -> set[str]:
    """The levels a text names, as digits ("三级", "Ⅲ级", "III级" → 3级) or colours (橙色)."""
    out = set()
    for m in LEVEL.finditer(text):
        word = m.group(0)
        out.add(_ROMAN[word[:-1]] + "级" if word[:-1] in _ROMAN else word.translate(_LEVEL_DIGITS))
    return out


def _level_fits(text: str, span: Span, levels: set[str]) -> bool:
    """False when the span's clause names a level and not one the question asks."""
    said = levels_in(clause_around(text, span))
    return not said or bool(said & levels)


# --- which kind of name a which-question asks ----------------------------------------------------------

# "在哪个区进行了…" asks for a division (区, 县, 市…): a venue or an office (执法中心) found by the place finder
# is no answer to it; a place name the gazetteer or jieba knows, or a name ending in a division, is.
ASKS_DIVISION = re.compile(r"哪(?:个|一个|些|几个)?(?:城市|省份|省|市|县|区|镇|乡|村|街道)(?![场域内外])")
_ANY_DIVISION = re.compile(r"[全各本该我此](?:省|市|县|区|镇|乡)")
_DIVISION_END = re.compile(r"(?:省|市|县|区|镇|乡|村|街道|州|盟|旗)$")


def _a_division(span: Span) -> bool:
    """The span names an administrative division: the gazetteer's, jieba's (ns), or by its ending past two
    characters (two are a kind, not a name: 农村, 辖区, 市区)."""
    text = span.text
    if _ANY_DIVISION.match(text):
        return False  # 全区场镇, 各乡镇, 本市: the story's own division, unnamed
    return bool(find_places(text)) or len(text) > 2 and bool(_DIVISION_END.search(text)) \
        or any(f == "ns" for _, f, _ in pos_tokens(text))


# "哪些部门…", "哪些地区…", "哪些人…": a list whose head noun names a kind of name is a list of such names; a
# span holding none of them (恐怖主义和极端主义 for 哪些部门或组织) lists something else.
LIST_OF = ((re.compile(r"^(?:部门|组织|机构|单位|企业|公司|银行|高校|大学|医院|媒体)"), "org"),
           (re.compile(r"^(?:地区|城市|省份|省|市|地方|区县)"), "place"),
           (re.compile(r"^(?:人|人员|嘉宾|代表|官员|领导人|球员|运动员|选手)"), "person"),
           (re.compile(rf"^[{ORDINAL_COUNTERS}]"), "ordinal"))  # "哪几届" is answered by 第七届、八届、九届


# How a list span's items are read: each opens after a mark (ITEM_START), the words that close it ("等有关部门") are
# no item, and names of the asked kind fill at least NAMED_SHARE of the rest when the items do not all open with one.
ITEM_START = re.compile(r"(?:^|(?<=[、，,和与及]))[“\"《]?(?=[^、，,和与及“\"《])")
LIST_TAIL = re.compile(r"等[^、，,]*$")
LIST_MARKS = re.compile(r"[、，,和与及\s“”\"《》]")
NAMED_SHARE = 0.5


ORDINAL_ITEM = re.compile(rf"[第首]?[\d一二三四五六七八九十百]+[{ORDINAL_COUNTERS}]")


def _names_of(span: Span, kind: str) -> bool:
    """Every item of the span opens with a name of ``kind`` (an organisation, a place, a person), by the span
    finders, or names fill half of it: "衢州、台州、宁波、绍兴" and "杭州、宁波两市加入了…" list cities; "来自浙江、
    台湾两地的14支棒垒球队200" names two places but lists no cities."""
    if kind == "ordinal":
        return bool(ORDINAL_ITEM.search(span.text))
    text = LIST_TAIL.sub("", span.text)  # "海关等有关部门": the items, not the words that close the list
    found = [(sp.start, sp.end) for sp in find_spans(text, kind)]
    if kind == "place":
        found += [(m.start, m.end) for m in find_places(text)]
    named = {i for a, b in found for i in range(a, b)}
    starts = [m.end() for m in ITEM_START.finditer(text)]
    body = sum(1 for ch in text if not LIST_MARKS.fullmatch(ch))
    return bool(named) and (all(i in named for i in starts) or len(named) >= NAMED_SHARE * body)


# "中介服务事项会纳入哪个平台" asks for a 平台: "中介机构" is none, "政务服务平台" is. Only nouns that a name of their
# kind carries as its last word (寒亭区, 协和医院, 认可委员会); not 公司, 城市 or 国家, whose names mostly do not
# (特斯拉, 北京, 法国), nor 部门/机构/单位, which ask for any body.
NAMED_BY_NOUN = ("平台", "街道", "区", "县", "镇", "乡", "医院", "大学", "学院", "法院", "机场", "实验室", "委员会", "协会",
                 "研究院", "研究所")
ASKS_NAMED = re.compile(rf"(?:哪|什么|何)(?:个|一个|家|所|座)?({'|'.join(NAMED_BY_NOUN)})(?![场域内外民])")
_NAME_TAIL = re.compile(r"[（(][^（()）]*[）)]$|[”\"》」』]+$")  # "…认可委员会（CNAS）" ends in 委员会


# Words ending in 区 that name no district: a patch of a town, a park, a scenic spot, a housing estate…
NOT_A_DISTRICT = ("片区", "园区", "社区", "景区", "校区", "小区", "街区", "辖区", "城区", "市区", "营区", "库区", "矿区", "灾区",
                  "展区", "赛区", "保护区", "服务区", "功能区")


def _named_as(span: Span, noun: str) -> bool:
    """The span's name ends in the asked noun, longer than the noun alone (and for 区, a district's)."""
    text = _NAME_TAIL.sub("", span.text)
    return text.endswith(noun) and len(text) > len(noun) and not (noun == "区" and text.endswith(NOT_A_DISTRICT))


# "哪个国家指责…" is answered by a state: not 南沙 or 香港, places of one, which a place question would take.
ASKS_COUNTRY = re.compile(r"(?:哪|什么|何)(?:个|些|一个|一些)?国家|哪国|哪几个国家")


# "捐献者叫什么名字" asks for a name: "一名大三学生" gives a role, no name. A span answers only when the tagger
# reads a person's name in it (nr), or it is a name in Latin letters.
ASKS_NAME = re.compile(r"叫什么|名字|姓名|姓什么")


def _a_name(span: Span) -> bool:
    """Also two or three characters that open with a common surname and are no word jieba lists: 关成有 (its
    tags: 关成 v, 有 v), read as a name where a role stands before it; not 高管, a listed word."""
    text = span.text
    return text[:1].isascii() and text[:1].isupper() or any(f.startswith("nr") for _, f, _ in pos_tokens(text)) \
        or len(text) in (2, 3) and text[0] in SURNAMES and dictionary_tag(text) is None


# "首届中国禅棋大会由中国围棋协会、少林寺主办": a body after 由 is who does it, not where; bodies are read as
# places only where they host ("在湖北省政协召开").
_BY = re.compile(r"由\s*$")


def _not_the_doer(text: str, span: Span) -> bool:
    return not _BY.search(text, max(0, span.start - 2), span.start)


# "河北新闻网7月30日讯", "据河北日报报道": a place that opens a paper's or station's name is part of that name, not
# where anything happened.
MEDIA_AFTER = re.compile(r"(?:新闻网|日报|晚报|早报|商报|都市报|电视台|卫视|广播电视台|广播电台|融媒体中心|报社|新闻|网)")


def _not_a_media_name(text: str, span: Span) -> bool:
    return not MEDIA_AFTER.match(text, span.end)


# "是成都哪家医院的捐献者" asks for a hospital of 成都: "江苏无锡市人民医院" names its own place, another one. A
# name that opens with places answers only when one of them is the asked place, above it or within it.
_WHICH_ONE_AT = re.compile(r"哪(?:个|家|所|座|一个|一家|一所)")


@lru_cache(maxsize=256)
def _asked_place(question: str):
    """The place right before the question's which-word, read once per question (every sentence asks)."""
    return next((m.place for m in find_places(question) if _WHICH_ONE_AT.match(question, m.end)), None)


@lru_cache(maxsize=4096)
def _opening_places(name: str) -> tuple:
    opening, at = [], 0
    for m in find_places(name):
        if m.start != at:
            break
        opening.append(m.place)
        at = m.end
    return tuple(opening)


def _of_the_place(span: Span, place) -> bool:
    opening = _opening_places(span.text)
    return not opening or any(p.name in (place.name, place.parent) or p.parent == place.name for p in opening)


# "降幅较1—5月份、一季度分别收窄2.0、4.6个百分点": with 分别 the figures go to the items in order. A figure whose own
# item the question does not name, when it names another item of the list, answers that other item's question.
_RESPECTIVELY = re.compile(r"分别(?:为|是|达|有|在)?[\u4e00-\u9fff]{0,4}?(?=[\d一二三四五六七八九十])")
_ITEM_OPENING = re.compile(r"^.*[较比在对向与为于从]")  # "降幅较1—5月份" → 1—5月份


def _respective(text: str, span: Span) -> tuple[int, list[str]] | None:
    """(the index of the figure's item, the items) when the span is a figure of a "…、…分别…、…" run."""
    for m in _RESPECTIVELY.finditer(text):
        stop = CLAUSE_MARK.search(text, m.end())
        run_end = stop.start() if stop else len(text)
        if not m.end() <= span.start < run_end:
            continue
        opened = [0] + [c.end() for c in CLAUSE_MARK.finditer(text, 0, m.start())]
        before = text[opened[-1]: m.start()]
        if "、" not in before and len(opened) > 1:  # "今年一季度、二季度，全市GDP分别增长…": the items a clause before
            before = text[opened[-2]: opened[-1] - 1]
        items = before.split("、")
        items[0] = _ITEM_OPENING.sub("", items[0])
        figures = text[m.end():run_end].split("、")
        if len(items) != len(figures) or len(items) < 2:
            return None
        starts = [m.end() + sum(len(f) + 1 for f in figures[:i]) for i in range(len(figures))]
        return max(i for i, st in enumerate(starts) if st <= span.start), items
    return None


def _named_by(index: int, items: list[str], question: str) -> int:
    """How many of the item's own characters (in no other item; not Latin letters, which a shared measure such
    as GDP brings) the question holds: "今年一季度" vs "二季度GDP" for "一季度GDP增长了多少" → 1 (一) and 0."""
    others = set("".join(o for i, o in enumerate(items) if i != index))
    return sum(1 for ch in set(items[index]) if ch not in others and not ch.isascii() and ch in question)


def _own_item(question: str, text: str, span: Span) -> bool:
    """The figure's item is named by the question at least as fully as any other item of its run."""
    paired = _respective(text, span)
    if paired is None:
        return True
    index, items = paired
    named = [_named_by(i, items, question) for i in range(len(items))]
    return named[index] >= max(named)


# "综合《今日印度》及“今日俄罗斯”24日报道", "据《华尔街日报》报道": a paper a story is taken from answers only a
# question about who reported it, never which book, film or document the story is about.
_SOURCE_BEFORE = re.compile(r"(?:据|综合|援引|引述|转引|来源[:：]?|来自)\s*$")
_SOURCE_AFTER = re.compile(r"[^，,。；;]{0,8}?(?:报道|援引|刊文|发文|撰文|社论)")
ASKS_SOURCE = re.compile(r"报道|媒体|报纸|刊登|刊发|发表在|刊物|杂志|期刊")


def _not_the_source(text: str, span: Span) -> bool:
    return not (_SOURCE_BEFORE.search(text, max(0, span.start - 4), span.start) or _SOURCE_AFTER.match(text, span.end))


@lru_cache(maxsize=256)
def _names_asked(question: str) -> tuple[str, ...]:
    """The people a question names ("参加会见的杨振斌是什么职务" → 杨振斌): names, not roles."""
    return tuple(names_in(question))


# "民营企业进出口占全省进出口总值的比重是多少" asks a share: "占全省进出口总值的79.7%", not the growth beside it
# ("同比增长4.7%"). A percent right after a verb of change is a change, unless its clause calls it a share; a
# level reached is one ("赤字将从3.7%上升至2023年的6.3%": the share, its 占GDP left unsaid).
ASKS_SHARE = re.compile(r"比重|占比|份额|所占比例|占[^，,。？?]{0,14}的?比例")
_SHARE_SAID = re.compile(r"占|比重|比例|份额")
_CHANGED_BY = re.compile(r"(?:增长|下降|上升|下滑|增加|减少|提高|提升|降低|回落|上涨|下跌|增|降|涨|跌)了?(?:约|近|超|逾)?\s*$")


def _a_share(text: str, span: Span) -> bool:
    return bool(_SHARE_SAID.search(clause_around(text, span, CLAUSE_START))) \
        or not _CHANGED_BY.search(text, max(0, span.start - 6), span.start)


# "征集活动持续到哪一天" asks when it ends: "将持续到9月30日", not the day the story was filed ("8日，…启动"). A
# question that also asks from when ("从哪天办到哪天") is answered by a range, which this does not test.
ASKS_UNTIL = re.compile(r"(?:到|至|截至|截止到?|直到)(?:哪[一1]?天|哪[一1]日|何时|什么时候|哪个月|几月几[日号])")  # 哪1天: parsed
_UNTIL = re.compile(r"(?:到|至|截至|截止到?|止于|直到|延至|延长至)\s*$")


def _an_end(text: str, span: Span) -> bool:
    """The date closes a period: 到/至/截至 stands right before it, or it is a range's (7月10日至8月20日)."""
    return bool(_UNTIL.search(text, max(0, span.start - 4), span.start)) or bool(re.search(r"[至到—–-]", span.text))


def fitting(question: str, asked: AskedType, text: str, spans: list[Span]) -> list[Span]:
    """The spans of sentence ``text`` that can answer ``question``, by every rule above."""
    keep = [sp for sp in spans if _stated(question, text, sp)]
    if asked.kind == "percent" and ASKS_SHARE.search(question):
        keep = [sp for sp in keep if _a_share(text, sp)]
    if asked.kind == "date":
        keep = [sp for sp in keep if not _FILED.match(text, sp.end) and _fine_enough(question, sp)]
        if ASKS_UNTIL.search(question) and "从" not in question:
            keep = [sp for sp in keep if _an_end(text, sp)]
    if asked.kind == "duration" and "前" not in question:
        keep = [sp for sp in keep if not sp.text.endswith("前")]  # "32年前" says when, not how long it lasted
    if asked.kind in FIGURE_KINDS:
        if (outcome := _outcome(question)) is not None:
            keep = [sp for sp in keep if _outcome_fits(text, sp, outcome)]
        if measures := measures_named(question):
            keep = [sp for sp in keep if _measure_fits(text, sp, measures) and _whole_not_segment(text, sp, question)]
        if (per_head := _per_head(question)) is not None:
            keep = [sp for sp in keep if _per_head_fits(text, sp, per_head)]
        if "分别" in text:
            keep = [sp for sp in keep if _own_item(question, text, sp)]
        if not _ASKS_RATE.search(question):
            keep = [sp for sp in keep if not RATE_PER.search(clause_around(text, sp, CLAUSE_START))]
        if asked.kind == "count" and asked.unit:
            keep = _exact_unit_first(keep, asked.unit)
        if asked.kind == "count" and asked.head:
            keep = _counts_the_head(text, keep, asked.head)
            if PEOPLE_HEAD.search(asked.head):
                keep = [sp for sp in keep if _counts_people(text, sp, asked.head)]
        if asked.kind in ("count", "amount") and not _ASKS_CHANGE.search(question):
            keep = [sp for sp in keep if _not_a_change(text, sp)]
        if ASKS_REACHED.search(question):
            keep = [sp for sp in keep if _the_level_reached(text, sp)]
    if asked.kind == "work" and not ASKS_SOURCE.search(question):
        keep = [sp for sp in keep if _not_the_source(text, sp)]
    if asked.kind == "place":
        keep = [sp for sp in keep if _not_the_doer(text, sp) and _not_a_media_name(text, sp)]
    if asked.kind in ("place", "list") and ASKS_DIVISION.search(question):
        keep = [sp for sp in keep if _a_division(sp)]
    if asked.kind == "list" and (of := next((k for rx, k in LIST_OF if rx.match(asked.head or "")), None)):
        keep = [sp for sp in keep if _names_of(sp, of)]
    if asked.kind in ("org", "place") and (place := _asked_place(question)) is not None:
        keep = [sp for sp in keep if _of_the_place(sp, place)]
    if asked.kind in ("org", "place") and (noun := ASKS_NAMED.search(question)):
        keep = [sp for sp in keep if _named_as(sp, noun.group(1))]
    if asked.kind == "definition" and asked.head in ROLE_HEADS and (names := _names_asked(question)):
        keep = [sp for sp in keep if any(text.startswith(n, sp.end) for n in names)]  # the asked person's post
    if asked.kind == "person" and ASKS_NAME.search(question):
        keep = [sp for sp in keep if _a_name(sp) or after_title(text, sp.start)]  # "总裁柏乐一行": 柏乐, though 柏 is rare
    if ASKS_COUNTRY.search(question):
        keep = [sp for sp in keep if names_country(sp.text)]
    if levels := levels_in(question):
        keep = [sp for sp in keep if _level_fits(text, sp, levels)]
    return keep
