"""Answer a question of any type (who, what, which, where, when, how much) by the span that answers it.

A candidate sentence must hold a span of the asked type (``qa.spans``) that is not already in the
question: that is what tells an answer from an "echo" sentence restating the question. Among those,
the sentence is scored by the question's rare words around the span (idf-weighted, from the lexical
index), its character pairs, and the passage's retrieval rank and dense similarity; the span nearest
to the matched words is the short answer. When nothing scores above ``WEIGHTS.refuse_below`` the
answer is a refusal. Weights: ``qa.weights``.
"""

from __future__ import annotations

import heapq
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache

from core.records import Passage
from core.schema import anchor_date
from qa.answer_types import QUESTION_WORD, AskedType
from qa.attributes import Attribute, asked_attribute, asked_term, defines, stated_phrases, states
from qa.fits import CLAUSE_START, FIGURE_KINDS, clause_around, fitting, negated
from qa.frame import fill, frame_of
from qa.sentences import Sentence, sentences_of
from qa.spans import ROLE_END, ROLE_HEADS, Span, find_asked, short_names, span_not_in_question
from qa.weights import WEIGHTS as W
from zhtext.dates import find_dates
from zhtext.normalise import canon, months_as_digits
from zhtext.periods import asked_days, own_years, periods, told_day, year_of
from zhtext.places import find_places, names_whole
from zhtext.pos import dictionary_tag, pos_tokens
from zhtext.serials import asked_rank, other_edition, rank_before, serials
from zhtext.tokens import words
from zhtext.vocabulary import PERSON_TITLES

Idf = Callable[[str], float]
Similar = Callable[[list[str]], list[float]]
TYPED = frozenset(("count", "amount", "percent", "date", "time", "duration", "person", "org", "place", "work",
                   "level", "list"))
_QUESTION_WORDS = re.compile(QUESTION_WORD.pattern + "|吗|呢")
_TITLE_BEFORE = re.compile(rf"(?:{'|'.join(PERSON_TITLES)}|大使|总统|总理|主席|部长|发言人|教授|董事长|总经理|经理|"
                           r"厅长|委员|队长|站长|所长|校长|馆长|理事长|会长|秘书长|司令员|政委|研究员|医生|警官|法官|检察官)$")
NAMES = frozenset(("place", "org"))  # of two names as near, the longer is the more exact: the one that holds the other
_TITLE_ONLY = re.compile(_TITLE_BEFORE.pattern.removesuffix("$"))


@dataclass
class Candidate:
    sentence: Sentence
    rank: int  # the passage's place in retrieval order
    spans: list[Span] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)  # question words found in the sentence (or its lead)
    coverage: float = 0.0
    score: float = 0.0
    best: Span | None = None
    quote_from: Sentence | None = None  # the earlier sentence that names the speaker, when the span is there
    frame: float = 0.0  # how well it fills the question's gap (qa.frame)
    other_period: bool = False  # it names reporting periods, none of them the asked one
    other_place: bool = False  # a figure question's place abroad is named neither in its passage nor the title
    other_person: bool = False  # a figure question's person is named neither in its passage nor the title
    other_edition: bool = False  # it names another edition of the asked series (第23080期 for 第23090期)
    order: int = 0  # reading order: breaks ties between equal scores


def question_words(text: str) -> list[str]:
    """The content words of a question: what the answer sentence should share with it."""
    return [w for w in words(_QUESTION_WORDS.sub(" ", text)) if not w.isdigit()]


def _bare(text: str) -> str:
    """The question's characters without its question words and punctuation."""
    return re.sub(r"[^\w\u4e00-\u9fff]", "", _QUESTION_WORDS.sub(" ", canon(text)))


def _pairs(text: str) -> set[str]:
    text = _bare(text)
    return {text[i: i + 2] for i in range(len(text) - 1)}


def _phrase(qtext: str, text: str) -> float:
    """The longest run of the question's characters the sentence holds whole, as a share of the question:
    "国内游戏市场实际销售收入" whole speaks of the market asked about; "国内移动游戏市场…" of one segment of it."""
    if not qtext:
        return 0.0
    m = SequenceMatcher(None, qtext, text, autojunk=False).find_longest_match(0, len(qtext), 0, len(text))
    return m.size / len(qtext)


def _places_abroad(question: str) -> list[str]:
    """The places abroad a figure question names. A figure of a passage that names one of them neither in its
    text nor in the title is another place's ("中国与沙特阿拉伯的贸易额" → "中国与东北亚五国贸易额"): the passage,
    not the sentence, since a report names a country once and then says 两国. Not Chinese places: one asked about
    is the figure path's, or the article's subject named once in a long report ("南关区…全区"); nor 中国, which
    Chinese news calls 我国."""
    home = {m.text for m in find_places(question)} | {"中国"}
    toks = pos_tokens(question)
    named: list[str] = []
    named_home: set[str] = set()
    for i, (w, f, _) in enumerate(toks):
        if f not in ("ns", "nt") or f == "ns" and dictionary_tag(w) is None and not _PLACE_END.search(w):
            continue  # jieba tags word scraps as places ("人口|中占比"): a place it does not list ends like one (富尔顿县)
        # a place written right after a Chinese one lies in it ("浙江海宁长安镇": 海宁, then 长安镇), and a town
        # or village is China's: places the gazetteer does not list, not abroad
        if i > 0 and toks[i - 1][1] == "ns" and (toks[i - 1][0] in home or toks[i - 1][0] in named_home) \
                or _CHINESE_SETTLEMENT.search(w):
            named_home.add(w)
            continue
        named.append(w if f == "ns" else _place_opening(w))
    return [canon(w) for w in named if len(w) >= 2 and w not in home]


_PLACE_END = re.compile(r"[县州郡市省区岛湾港国城洲]$")
_CHINESE_SETTLEMENT = re.compile(r"(?:镇|乡|村|街道|社区)$")
_ADMIN_UNITS = frozenset(("县", "州", "郡", "市", "省", "区"))


def _referred(body: str, place: str) -> bool:
    """A report names a state once and then says 该州: "…让审判地点改到该州其它地方。…民主党在该县拿下73%的选票"
    is of 佐治亚州, though the passage does not name it again."""
    return place[-1] in _ADMIN_UNITS and "该" + place[-1] in body


# A when-question asks the day of the event its words after the question word name ("哪一天开工建设").
_EVENT_TIMES = frozenset({"date", "time"})
# Where and when a named person did something: asked of that person, answered by a sentence that names them.
_EVENT_KINDS = frozenset({"place", "date", "time"})


def _people_named(question: str) -> list[str]:
    """The people a figure question names ("方连庆…造成了多少国有资产损失"): a passage that names none of them, in
    its text or title, gives another person's figure ("李国华…造成国有资产损失4996万余元")."""
    return [w for w, f, _ in pos_tokens(question) if f.startswith("nr") and len(w) >= 2 and dictionary_tag(w) is None]


def _place_opening(body: str) -> str:
    """The place an organisation's name opens with ("印度政府" → 印度, "美国国务院" → 美国), or ""."""
    return next((body[:n] for n in range(len(body) - 1, 1, -1) if dictionary_tag(body[:n]) == "ns"), "")


def candidates(question: str, asked: AskedType, passages: list[Passage], idf: Idf | None = None,
               top: int = 8, similar: Similar | None = None) -> list[Candidate]:
    """Every sentence of the first ``top`` passages, scored; best first. ``similar`` (the embedder's cosine of
    the question to each of some texts) reranks the leading few by meaning, where words differ
    ("试驾" / "驾驶着")."""
    idf = idf or (lambda _w: 1.0)
    qwords = question_words(question)
    weights = {w: idf(w) for w in qwords}
    total = sum(weights.values()) or 1.0
    qpairs = _pairs(question)
    qtext = _bare(question)
    rarest = max(qwords, key=lambda w: weights[w]) if qwords else None
    asked_periods = periods(question)
    editions = serials(question)
    asked_years = own_years(question) if asked.kind in FIGURE_KINDS else set()
    days = asked_days(question) if asked.kind in FIGURE_KINDS else set()
    gap = frame_of(question)
    attribute = asked_attribute(question)
    named = _places_abroad(question) if asked.kind in FIGURE_KINDS else []
    people = _people_named(question) if asked.kind in FIGURE_KINDS or asked.kind in _EVENT_KINDS else []
    term = asked_term(question)
    pending: list[tuple[float, Candidate, list[Sentence], object]] = []
    chunks = {(p.doc_id, p.meta.get("idx")): p for p in passages}
    # the article as retrieval returned it: "光海矿业公团…饱和度已达98.5%" does not say 韩国 again, its other chunks do
    article_text = {doc: "".join(canon(c.text) for (d, _), c in chunks.items() if d == doc)
                    for doc in {p.doc_id for p in passages[:top]}} if named else {}
    for rank, p in enumerate(passages[:top]):
        anchor, dated = anchor_date(p.meta)
        published = anchor if dated else None  # a guessed day (an undated article's) tells nothing of what is past
        title = canon(str(p.meta.get("title") or ""))
        title_words = title.lower()  # question words are lower-cased ("LPR" → lpr): matched against lower case
        body = article_text.get(p.doc_id, "")
        elsewhere = any(not names_whole(body, w) and not names_whole(title, w) and not _referred(body, w) for w in named)
        someone_else = bool(people) and asked.kind in FIGURE_KINDS and not any(w in p.text or w in title for w in people)
        sentences_before = _before(p, chunks) if asked.kind in SPEAKERS else []  # read only for a speaker
        for s in sentences_of(p):
            text = canon(s.text)
            as_asked = months_as_digits(text)  # 七月 as the question's 7月, for matching only
            lower, lead = as_asked.lower(), canon(s.lead).lower()
            matched = [w for w in qwords if w in lower]
            near = [w for w in qwords if w not in lower and (w in lead or w in title_words)]
            coverage = (sum(weights[w] for w in matched) + W.lead_share * sum(weights[w] for w in near)) / total
            pairs = len(qpairs & _pairs(as_asked)) / len(qpairs) if qpairs else 0.0
            if not coverage and not pairs and (qwords or qpairs) or term and not defines(term, text):
                # shares nothing with the question, or does not define the term asked about ("什么是硬防晒"):
                # never scored, still a speaker's
                sentences_before.append(s)
                continue
            c = Candidate(s, rank, matched=matched, coverage=coverage, order=len(pending))
            c.other_place = elsewhere
            c.other_person = someone_else
            c.score = (W.g_coverage * coverage + W.g_pairs * pairs - W.g_rank * rank
                       + W.g_dense * (p.dense or 0.0))
            if asked.kind in FIGURE_KINDS:  # a figure of the thing asked whole, not of a segment of it
                c.score += W.g_phrase * _phrase(qtext, text)
            filled = fill(gap, s.text) if gap else None
            if filled is not None:
                c.frame = filled.share
                if asked.kind in _EVENT_TIMES and filled.one_sided:
                    # "…示范工程是哪一天开工建设" read in "…示范工程“玲龙一号”…成功吊装": the day of another event
                    c.frame = min(c.frame, W.frame_one_sided)
                c.score += W.g_frame * c.frame
            said = periods(s.text) if asked_periods else set()
            if said:  # "上半年…下降16.8%" answers the first half, "6月份…下降8.3%" does not
                c.score += W.g_period if said & asked_periods else -W.g_other_period
                c.other_period = not said & asked_periods
            if editions and other_edition(editions, text):  # "第23080期…1注一等奖" for "第23090期开出多少注"
                c.score -= W.g_other_edition
                c.other_edition = True
            if asked.kind in _EVENT_KINDS and people and not any(w in s.text or w in s.lead for w in people):
                c.score -= W.g_person_missing
            if rarest and rarest not in lower and rarest not in lead and rarest not in title_words:
                c.score -= W.g_rare_missing  # the question's rarest word, its subject, is not spoken of here
            if attribute is not None and not states(attribute, text):
                c.score -= W.g_attr_missing  # "会面的目的是什么": a sentence that states no purpose answers something else
            most = c.score + W.g_span + (W.g_frame_span if filled is not None else 0.0)  # what its spans could add
            pending.append((most, c, list(sentences_before), (filled, pairs, anchor, published, attribute, asked_years,
                                                                  days)))
            sentences_before.append(s)
    return _with_spans(question, asked, pending, similar)


def _with_spans(question: str, asked: AskedType, pending: list, similar: Similar | None) -> list[Candidate]:
    """Find the sentences' typed spans (jieba's tagging: most of an answer's time) best bound first, and only
    as far as they can matter. The spans add at most ``g_span`` (+ ``g_frame_span``) to a sentence's score,
    so: first until the leading ``semantic_top`` are certain, which the embedder then reranks; then on while
    a sentence could still come within ``_REACH`` of the best (a corroborating, differing or listed one).
    Lossless: the answers are those of reading every sentence."""
    pending.sort(key=lambda x: x[0], reverse=True)
    out: list[Candidate] = []
    lead: list[float] = []  # a min-heap of the best ``semantic_top`` exact scores so far
    read = 0  # pending[:read] have their spans
    for most, c, before, found in pending:
        if len(lead) == W.semantic_top and most < lead[0]:
            break
        _score_spans(c, question, asked, before, *found)
        out.append(c)
        read += 1
        (heapq.heappush if len(lead) < W.semantic_top else heapq.heappushpop)(lead, c.score)
    out.sort(key=lambda c: (-c.score, c.order))
    if similar is not None and out:
        head = out[: W.semantic_top]
        for c, cos in zip(head, similar([_window(c) for c in head]), strict=True):
            c.score += W.g_semantic * (cos - W.semantic_floor)
    best = max((c.score for c in out), default=0.0)
    for most, c, before, found in pending[read:]:
        if most < best - _REACH:
            break
        _score_spans(c, question, asked, before, *found)
        out.append(c)
        best = max(best, c.score)
    out.sort(key=lambda c: (-c.score, c.order))
    return out


def _score_spans(c: Candidate, question: str, asked: AskedType, before: list[Sentence], filled, pairs: float,
                 anchor: date | None, published: date | None, attribute: Attribute | None,
                 asked_years: set[int], days: set[int]) -> None:
    s = c.sentence
    found = find_asked(s.text, asked, anchor)
    if attribute is not None and asked.kind in LOOSE:  # "助力中老铁路高效稳定运营": the clause a cue opens
        found += [Span(a, b, s.text[a:b], asked.kind) for a, b in stated_phrases(attribute, s.text)]
    c.spans = [sp for sp in found if span_not_in_question(sp, question)
               and (asked.kind not in LOOSE or _novel(sp.text, question) >= W.novel_chars)]
    if asked.kind == "person":  # "习近平主席": the name, not the title alone
        c.spans = [sp for sp in c.spans if not _TITLE_ONLY.fullmatch(sp.text)]
    c.spans = fitting(question, asked, s.text, c.spans)  # of the asked measure, level, kind of name… (qa.fits)
    if asked_years:  # "2025年的增长率" is not answered by "2024年的…增长率仅为0.5%": a figure whose clause is another year's
        c.spans = [sp for sp in c.spans if (year := year_of(s.text, sp.start, sp.end)) is None or year in asked_years]
    if days:  # "8月13日…拿了多少分" is not answered by "中国男篮12日…惨败于德国队，李凯尔得到10分": the 12th's figure
        c.spans = [sp for sp in c.spans if (day := told_day(s.text, sp.start)) is None or day in days]
    if asked.kind in FIGURE_KINDS and (c.other_period or c.other_place or c.other_person or c.other_edition):
        c.spans = []  # another period's figure ("8月份平均气温是多少": July's 21.6℃) or another place's: not a weaker answer
    if asked.kind == "date" and published is not None and _asks_future(question):
        c.spans = [sp for sp in c.spans if not _past(sp.text, published)]
    if filled is not None:
        inside = [sp for sp in c.spans if filled.span and sp.start < filled.span.end and filled.span.start < sp.end]
        if inside and asked.kind in LOOSE and filled.share >= W.frame_tight:
            c.spans = [filled.span]  # "重点展出商代青铜鼎…等展品" → what fills the gap: "商代青铜鼎…等展品"
            c.score += W.g_frame_span
        elif inside:  # the typed span that fills the question's gap is the answer
            c.spans = _coordinated(s.text, inside) if asked.kind in NAMES else inside
            c.score += W.g_frame_span
        elif not c.spans and filled.span and asked.kind not in TYPED and asked.head not in ROLE_HEADS \
                and span_not_in_question(filled.span, question) \
                and _novel(filled.span.text, question) >= W.novel_chars \
                and not negated(s.text, filled.span):
            c.best = filled.span
    if asked.kind in LOOSE and _ASKS_MEANING.search(question):
        asked_of = canon(question).lower()
        stands = [sp for short, sp in short_names(s.text)
                  if canon(short).lower() in asked_of and canon(sp.text).lower() not in asked_of]
        if stands:  # "CCC认证是指什么认证" → "强制性产品认证（以下简称CCC认证）": what the short name stands for
            c.spans, c.best = stands, None
            c.score += W.g_apposition
    role = (_asked_role(question) or (asked.head if _WHICH_ONE.search(question) else "")) if asked.kind == "person" else ""
    named_as = [sp for sp in c.spans if role and _in_apposition(s.text, sp, role)]
    if named_as:  # "谁是受助学生代表" → "受助学生代表吉乐乐说": the name given with the asked role
        c.spans = named_as
        c.score += W.g_apposition
    elif role and role in s.text:
        c.spans = []  # "何建刚与受助学生代表签订协议": the role is here and held by nobody named, not by 何建刚
    if asked.kind == "date" and _ASKS_SEVERAL.search(question):  # "哪两个年份" → "2019年、2021年", not 2021年 alone
        runs = _coordinated(s.text, [sp for sp in found if span_not_in_question(sp, question)])
        c.spans = [r for r in runs if any(r.start <= sp.start and sp.end <= r.end for sp in c.spans)]
    rank = asked_rank(question) if asked.kind in NAMES or asked.kind == "person" else None
    ranked = [sp for sp in c.spans if rank is not None and rank_before(s.text, sp.start) == rank]
    if ranked:  # "排名第十的是哪座城市" → "位居第十的南京": the name given with the asked rank
        c.spans = ranked
        c.score += W.g_apposition
    headed = [sp for sp in c.spans if _headed_by(sp, asked, s.text)]
    if headed and len(headed) < len(c.spans):
        c.spans = headed  # "优化了哪个系统结构": 紧急停机系统结构, not the 为… apposition beside it
    if c.spans:
        c.best = max(c.spans, key=lambda sp: (_named(sp) if asked.kind == "person" else 0,
                                              _closeness(s.text, sp, c.matched),
                                              len(sp.text) if asked.kind in NAMES else 0))  # 西安国际会展中心, not 西安
        c.score += W.g_span * _closeness(s.text, c.best, c.matched) + (W.g_head if headed else 0.0)
        if _FORECAST.search(clause_around(s.text, c.best)) and not _asks_future(question):
            c.score -= W.g_forecast  # "最大可能于28日…在福建晋江至东山一带沿海登陆": foretold, not what happened
    elif asked.kind in SPEAKERS and (_ASKS_STATEMENT.search(question) or asked.kind == "person" and _PRONOUN_SUBJECT.search(s.text)) \
            and (said := _speaker(question, asked, before, anchor)):
        c.best, c.quote_from, back = said  # "谢锋表示，…。……要求停止制裁…": the speaker is named before
        c.score += W.g_span * 0.5 - W.g_speaker_back * min(back, W.speaker_reach)
        if back > W.speaker_reach:  # named further back, with a speech verb: by the chunks crossed
            c.score -= W.g_speaker_far * (_idx(s.passage) - _idx(c.quote_from.passage))
    elif asked.kind in TYPED:
        c.score -= W.g_no_span
    if pairs >= W.echo_pairs and not c.spans:
        c.score -= W.g_echo  # restates the question and holds nothing new


# "预计什么时候建成通车" asks for a date still to come when the article was written: "自2021年3月3日开工建设" in
# a 2023 report is when it began, not the answer; nor is the day of the report itself.
_FUTURE = re.compile(r"预计|计划|拟|有望|将|何时能|什么时候能|能否")
# What a clause only foresees: the landfall a forecast gives, the month a rate move "has an 82% probability".
_FORECAST = re.compile(r"预计|预测|预期|可能|或将|有望|料将|概率")
_FUTURE_AFTER = 4  # characters after the question word that still qualify it ("什么时候能", "何时将")


@lru_cache(maxsize=256)
def _asks_future(question: str) -> bool:
    """A future word before the question word or right after it: "会议将于什么时候举行". Not one in a clause the
    question quotes ("国防部是在哪天发布消息说…编队将在太平洋举行…" asks when the news was given). Memoised: every
    sentence read asks."""
    q = QUESTION_WORD.search(question)
    end = q.end() + _FUTURE_AFTER if q else len(question)
    return any(m.group() != "将" or not _disposal(question, m.end()) for m in _FUTURE.finditer(question, 0, end))


_DISPOSAL_OBJECT = ("n", "nr", "ns", "nt", "nz", "m", "mq", "r", "j")


def _disposal(text: str, after: int) -> bool:
    """将 as 把, the marker of an object before its verb ("在什么时间将洪水防御Ⅲ级应急响应提升至Ⅱ级"): what
    follows is a noun, not a verb or 于/在 as in the future "将于…举行"."""
    tokens = pos_tokens(text[after:])
    return bool(tokens) and tokens[0][1] in _DISPOSAL_OBJECT and tokens[0][0] not in ("这里", "那里")


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _past(text: str, anchor: date) -> bool:
    """The date span is the article's day or before it: a year before the article's, or a day that resolves
    on or before it ("15日发布消息称" in a report of the 15th)."""
    if (m := _YEAR.search(text)) and int(m.group(1)) < anchor.year:
        return True
    days = [day for d in find_dates(text, anchor) if (day := d.as_date()) is not None]
    return bool(days) and all(day <= anchor for day in days)


_ASKS_MEANING = re.compile(r"是指什么|指的是什么|指什么|是什么|全称|什么意思|代表什么|是哪个")
SPEAKERS = frozenset(("person", "org"))
LOOSE = frozenset(("list", "definition", "open"))  # types whose spans are phrases, not names or figures
_REACH = max(W.corroborate_within, W.list_within)  # how far below the best a sentence is still read


_ROLE_ASKED = (re.compile(r"^谁是(?P<role>[^，,。？?]{2,12})[？?]?$"),
               re.compile(r"(?:^|的)(?P<role>[^，,。？?的]{2,12})是谁[？?]?$"),
               # "选举了谁担任主席", "谁当选为会长": the role the person holds, named before them in news
               re.compile(r"谁(?:担任|出任|当选为?|被选为|接任)了?(?:[^，,。？?]*的)?(?P<role>[^，,。？?的]{2,12}?)(?:一职)?[？?]?$"),
               # "担任…工作组组长的是谁": the post is named before the question word
               re.compile(r"(?:担任|出任|当选为?|接任)了?(?P<role>[^，,。？?的]{2,16}?)(?:一职)?的(?:人)?是谁[？?]?$"))


# "是宁村哪位村民领到的": the role a which-person question names (its head, 村民) is held by the answer
# ("村民赵建民领到了…"), not by the official quoted beside it ("副经理胡文栋介绍").
_WHICH_ONE = re.compile(r"哪(?:一)?[位名]")


def _asked_role(question: str) -> str:
    """The role a "谁是X"/"X是谁" question names ("受助学生代表", "主持人"), or ""."""
    for rx in _ROLE_ASKED:
        if m := rx.search(question.strip()):
            return m.group("role")
    return ""


def holds_asked_role(question: str, quote: str, name: str) -> bool:
    """The quote gives ``name`` with the title the question asks of ("…模范村党支部书记是谁" → "…模范村党支部书记
    赵宿春"): the words right before the name end as the asked role ends, down to a whole title."""
    role, text = canon(_asked_role(question)), canon(quote)
    at = text.find(canon(name))
    title = ROLE_END.search(role)
    if title is None or at < 0:
        return False
    shared = len(os.path.commonprefix([role[::-1], text[:at][::-1]]))  # how far the words before end as the role does
    return shared >= len(title.group())


def _in_apposition(text: str, span: Span, role: str) -> bool:
    """The name stands right after the role ("主持人孙伟") or is said to be it ("孙伟是主持人")."""
    return text[max(0, span.start - len(role)): span.start] == role or text.startswith("是" + role, span.end) \
        or text.startswith("担任" + role, span.end)


_AND = re.compile(r"[、和与及]|以及")
_ASKS_SEVERAL = re.compile(r"哪(?:两|几|些|三|[2-9])")  # the question is normalised: 哪两个 reads 哪2个


def _coordinated(text: str, spans: list[Span]) -> list[Span]:
    """Bodies or places that fill the gap together are one answer: "由商务部、陕西省人民政府共同主办" → both hosts.
    Runs of spans joined only by 、/和/与 are merged into one span. (Not people: jieba's person spans hold titles
    and cut names, "拜登、日本首相|岸田文雄".)"""
    out: list[Span] = []
    for sp in sorted(spans, key=lambda sp: sp.start):
        last = out[-1] if out else None
        if last is not None and sp.start >= last.end and _AND.fullmatch(text[last.end: sp.start]):
            out[-1] = Span(last.start, sp.end, text[last.start: sp.end], last.kind)
        else:
            out.append(sp)
    return out


def _novel(text: str, question: str) -> int:
    """Characters of a phrase answer that the question does not hold: "合作新领域" adds only 新 to
    "应该开拓什么样的合作领域", an echo of the question rather than an answer."""
    asked_numbers = set(_NUMBER.findall(question))
    numbers = sum(len(n) for n in set(_NUMBER.findall(text)) if n not in asked_numbers)  # "交管12123" for a 2023 question
    return numbers + sum(1 for ch in set(_NUMBER.sub("", text)) if ch.isalnum() and ch not in question)


_NUMBER = re.compile(r"\d+(?:\.\d+)?")  # a number is new or not as a whole: the digits of 12123 are all in 2023


def _headed_by(span: Span, asked: AskedType, sentence: str) -> bool:
    """A which-N question ("什么机制", "哪个系统结构") is answered by a phrase that ends in N, longer than N, or
    by the name that N follows in the sentence ("哪个倡议" → "“一带一路”" of "共建“一带一路”倡议"; not for a
    list, whose items each end in N)."""
    if asked.kind not in LOOSE or not asked.head:
        return False
    words = [w for w, _, _ in pos_tokens(asked.head)]
    last = words[-1] if words else asked.head
    text = span.text.rstrip("”\"」』")
    return (text.endswith(last) and len(text) > len(last)) or (asked.kind != "list" and sentence.startswith(asked.head, span.end))


def _window(c: Candidate) -> str:
    """The part of a candidate sentence the embedder reads: ``W.semantic_chars`` around its best span. The
    encoder's cost grows with the text's length, and a long run-on "sentence" would cost more than the
    whole retrieval; what decides is the span's neighbourhood."""
    text = c.sentence.text
    size = W.semantic_chars
    if len(text) <= size:
        return text
    mid = (c.best.start + c.best.end) // 2 if c.best is not None and c.best.end <= len(text) else size // 2
    start = min(max(0, mid - size // 2), len(text) - size)
    return text[start: start + size]


def _before(p: Passage, chunks: dict[tuple, Passage]) -> list[Sentence]:
    """The article's sentences before this chunk, in order, from the earlier chunks retrieval found or fetched
    as context (``qa.retrieve.previous_chunks``): a speaker named at the start of a speech ("谢锋表示，…")
    speaks on through the chunks after. Only as far back as the chunks run unbroken: a chunk missing between
    could name another speaker."""
    idx = p.meta.get("idx")
    if not isinstance(idx, int):
        return []
    start = int(p.meta.get("start", 0))
    out: list[Sentence] = []
    for i in range(max(0, idx - W.speaker_chunks_back), idx):
        prev = chunks.get((p.doc_id, i))
        if prev is None:
            out = []  # a gap: what lies before it is not this statement's nearest speaker
            continue
        for s in sentences_of(prev):  # chunks overlap: a sentence the chunk before already gave is skipped
            if s.end <= start and (not out or s.start >= out[-1].end):
                out.append(s)
    return out


# A speech verb after the speaker's name, in the same clause: "谢锋表示", "王毅在会见时强调", "大使谢锋应邀出席
# 论坛并发表演讲". Not 说明/说服/小说, 称为/称号/名称.
_SPEECH = re.compile(r"[^，,。；;：:！!？?]{0,16}?(?:表示|指出|强调|呼吁|认为|介绍|坦言|透露|回应|警告|敦促|重申|"
                     r"提出|要求|谈到|提到|补充|宣布|答记者问|说(?![明服法])|(?<![名简号职尊])称(?![为号作赞])|"
                     r"发表[^，,。；;]{0,8}?(?:演讲|讲话|致辞|讲演|谈话|声明)|致辞|讲话)")


# What a speaker does: a question about who said, asked or proposed something ("谁要求停止武装台湾") may be
# answered by the speaker named sentences before; "中介服务事项会纳入哪个平台" asks about no statement, and a body
# named before ("《中共中央 国务院关于…》") is no answer to it.
_ASKS_STATEMENT = re.compile(r"表示|指出|强调|呼吁|认为|介绍|坦言|透露|回应|警告|敦促|重申|提出|要求|谈到|提到|宣布|说|称|"
                             r"主张|倡议|建议|指责|谴责|批评|反对|支持|承诺|希望|表态|声明|发言|讲话|致辞|演讲|答|问")


# "他估价，这件龙袍价值高达20万英镑": a clause whose subject is 他/她 did what it says; who did is named before
# ("Lee Young分析称…。他估价，…"), whatever the question's verb.
_PRONOUN_SUBJECT = re.compile(r"(?:^|[，,。；;：:])\s*[他她](?![们人])")


def _speaker(question: str, asked: AskedType, before: list[Sentence],
             anchor: date | None) -> tuple[Span, Sentence, int] | None:
    """Who speaks a statement whose sentence names nobody: in news a statement's later sentences drop the
    speaker's name. The nearest named with a speech verb ("谢锋表示", "李明指出") within ``W.speaker_reach``
    sentences back; else the nearest there named by name ("谢锋来到现场。他说，…"), not a role merely
    mentioned in the speech ("支持更多学生互访"); else, further back through the article, the nearest named
    with a speech verb, so that a name mentioned on the way ("落实拜登总统…表态") is not taken for the
    speaker. Returns (span, its sentence, sentences back)."""
    named: tuple[Span, Sentence, int] | None = None
    for back, s in enumerate(reversed(before), 1):
        if back > W.speaker_reach and named is not None:
            return named
        spans = [sp for sp in find_asked(s.text, asked, anchor) if span_not_in_question(sp, question)]
        speaking = [sp for sp in spans if _SPEECH.match(s.text, sp.end)]
        if speaking:
            return speaking[0], s, back
        if named is None and back <= W.speaker_reach:
            by_name = [sp for sp in spans if asked.kind != "person" or _named(sp)]
            named = (by_name[0], s, back) if by_name else None
    return named


def _idx(p: Passage) -> int:
    idx = p.meta.get("idx")
    return idx if isinstance(idx, int) else 0


def _named(span: Span) -> int:
    """1 when jieba tags a word of the span as a person's name (nr), 0 for a role ("鉴定专家")."""
    return int(any(f.startswith("nr") for _, f, _ in pos_tokens(span.text)))


def _closeness(text: str, span: Span, matched: list[str]) -> float:
    """1 when a matched question word touches the span, falling with the distance in characters."""
    if not matched:
        return 0.5
    best = len(text)
    for w in matched:
        for m in re.finditer(re.escape(w), text, re.IGNORECASE):
            if m.end() <= span.start:
                gap = span.start - m.end()
            elif m.start() >= span.end:
                gap = m.start() - span.end
            else:
                continue  # the word is inside the span: the span repeats it, not a sign of nearness
            best = min(best, gap)
    return 1.0 / (1.0 + best / W.closeness_chars)


def full_name(name: str, passages: list[Passage], kind: str = "person") -> tuple[str, Passage | None, int]:
    """The fullest form of a name the articles give, for a person, place or organisation answer:
    a person with the title in the clause right before a mention ("谢锋" → "中国驻美国大使谢锋") or with the
    given name of a transliteration ("拉索" → "约翰·巴拉索"); a place with its administrative suffix
    ("蔚山" → "蔚山市"); a body with the place named right before it ("市委党史研究院" → "青岛市委党史研究院").
    Returns (text, passage, start offset in it)."""
    best = (name, None, -1)
    for p in passages:
        for m in re.finditer(re.escape(name), p.text):
            start, end = m.start(), m.end()
            if kind == "place":
                if not _PLACE_SUFFIX.search(name) and _PLACE_SUFFIX.match(p.text, end) and len(name) + 1 > len(best[0]):
                    best = (name + p.text[end], p, start)
                continue
            if kind == "org":  # "市委党史研究院" → "青岛市委党史研究院": the body with the place it belongs to
                lead = p.text[max(0, start - 8): start]
                at = next((m.start for m in find_places(lead) if m.end == len(lead)), None)
                if at is not None and len(lead) - at + len(name) > len(best[0]):
                    best = (lead[at:] + name, p, start - (len(lead) - at))
                continue
            given = _GIVEN_NAME.search(p.text, max(0, start - 16), start)  # "约翰·巴" before "拉索"
            if given and given.end() == start:  # the given name is the last word before the dot, not the
                head = given.group()[: given.group().index("·")]  # title before it ("会议主席约翰")
                start = given.start() + pos_tokens(head)[-1][2]
            clause = _title_start(p.text, start)
            if start > clause and _TITLE_BEFORE.search(p.text[clause: start]):
                start = clause
            if p.text[start: end] != name and end - start > len(best[0]):
                best = (p.text[start: end], p, start)
    return best


_TITLE_CHARS = 16  # the longest title phrase taken before a name ("中央广播电视总台总编室副主任")
_NOT_IN_TITLE = ("p", "c", "u", "d", "r", "x")  # jieba flags: 就, 和, 的, 也, 其, punctuation


def _title_start(text: str, start: int) -> int:
    """Where the title phrase right before a name (at ``start``) begins: after the clause's start, on a whole
    word ("参议院共和党会议主席", never "和党会议主席" cut from it), after the last word that cannot be inside a
    title (a preposition, adverb, particle…: "外交部发言人就美国总统" → "美国总统", "特斯拉的首席执行官" → "首席执行官")."""
    lo = max(0, start - _TITLE_CHARS)
    clause = max((c.end() for c in CLAUSE_START.finditer(text, lo, start)), default=None)
    base = clause if clause is not None else max(0, start - 2 * _TITLE_CHARS)  # read the first word whole
    at = clause if clause is not None else start
    for word, flag, offset in pos_tokens(text[base: start]):
        if base + offset >= lo and base + offset < at and clause is None:
            at = base + offset  # the first word that starts within reach
        if flag.startswith(_NOT_IN_TITLE):
            at = max(at, base + offset + len(word))
    return at


_PLACE_SUFFIX = re.compile(r"[市省县区州镇乡村](?![民场值面域别间块])")  # 香港|市民 is no 香港市
_GIVEN_NAME = re.compile(r"[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff]{0,6}$")
