"""The question's frame: the words on either side of its question word, found again in a sentence.

"HXN3型内燃机车将在中老铁路承担哪些工作任务？" is "…承担 [?] 工作任务"; a sentence that reads
"…段承担干线牵引、调车作业…等牵引工作任务" fills the gap, and what fills it is the answer. A sentence
that shares as many words but not their order around the gap ("…承担干线牵引等任务" in a lead that
lists facts) fills it less well. This is the classic cloze reading of a wh-question, and it works for
every answer type, including the open ones ("成为了有记录以来的什么" → "有记录以来最热的七月") that
have no typed span of their own.

Pure text: a frame is two strings, matched by their longest pieces next to the gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from qa.answer_types import question_form
from qa.spans import Span, tidy_phrase
from zhtext.pos import pos_tokens

# The question words a gap can stand for, longest first; "是什么" keeps 是 out of the left context.
_WH = re.compile(r"(?:是)?(?:(?:哪一|哪|几|何)(?:天|日|年|月份?|号|时候?)|什么时候|什么时间|哪一个|哪一些|哪一|哪些|哪个|哪家|哪位|哪里|哪儿|哪座|哪所|哪种|哪类|哪项|哪条|哪|什么样的?|什么|"
                 r"谁|多少|几|何时|何地|何种|何处|怎样|怎么样|如何)")
_TAIL = re.compile(r"[？?！!。．.\s]*$|(?:呢|吗|啊)[？?！!。\s]*$")
_EDGE = re.compile(r"^[的了是为着在到于，,、：:“”\"\s]+|[的了是为着，,、：:“”\"\s]+$")
_AGENT = re.compile(r"[是被由为把将让给]")
_CLAUSE = re.compile(r"[，,。；;！!？?：:\n]")
# What says what a thing is, after its name: "主题是…", "主题为…", "主题：…", "名为…", "(下称“…”)"
_COPULA = re.compile(r"\s*(?:的)?(?:就是|即是|是|为|即|系|叫做?|称为|名为|[：:]|[（(](?:以下|下)?(?:简称|称))")
MIN_PIECE = 2  # characters: one character ("的", "了") matches anywhere
NEAR_GAP = 3  # a left piece must end within this many characters of the question word (right: start)
MAX_GAP = 40  # the longest answer a frame gap is read as
NAME_GAP = 16  # … and the longest doer read before the asked verb in a later clause (a body's name, not a clause)
FULL_MATCH = 6  # characters matched next to the gap that count as a full match (share 1)


@dataclass(frozen=True)
class Frame:
    left: str  # the question before its question word ("HXN3型内燃机车将在中老铁路承担")
    right: str  # after it, without the closing particle ("工作任务")
    copula: bool = False  # the question word follows 是 ("…防晒霜是什么…"): the answer is what the left words are


@dataclass(frozen=True)
class Fill:
    gap: Span | None  # the characters in the gap, when it is not empty
    matched: int  # characters of the frame found next to the gap (left and right)
    share: float  # matched / the frame's length, at most 1
    sentence: str = ""
    one_sided: bool = False  # only the words before the gap were found, though the question has words after it

    @cached_property
    def span(self) -> Span | None:
        """What fills the gap: the gap on whole words with its quotes paired (``qa.spans.tidy_phrase``), or None
        when that leaves nothing. Worked out when first read, since the scorer reads it only for the sentences
        whose spans it reads, and it takes the sentence's segmentation."""
        return tidy_phrase(self.sentence, self.gap.start, self.gap.end, "frame") if self.gap else None


def frame_of(question: str) -> Frame | None:
    """The frame around the first question word; None when the question has none (a yes/no question)."""
    text = _TAIL.sub("", question_form(question))
    m = _WH.search(text)
    if m is None:
        return None
    # "…被扣留的是什么" is a cleft, not a copula: the answer is what was held ("被扣留的化肥")
    return Frame(text[: m.start()], text[m.end():], m.group(0).startswith("是") and not text[: m.start()].endswith("的"))


def _piece(context: str, sentence: str, from_end: bool, after: int = 0, limit: int | None = None) -> tuple[int, int]:
    """The piece of ``context`` nearest the gap (its end when ``from_end``, else its start; within NEAR_GAP),
    the longest at that distance, that occurs in ``sentence`` at or after ``after``: (its length, its start
    in the sentence), or (0, -1). Nearest first: "承担" right before the gap says more about the gap than a
    longer "将在中老铁路" further off. Before the gap a noun is never skipped: in "母乳喂养周的主题是什么" the
    asked 主题 cannot be passed over for the longer "母乳喂养周". After it one can: "哪些城市加入了…" is
    answered by "杭州、宁波两市加入了…", which names the cities, not the word 城市 (and a verb can be
    skipped on either side: "呼吁" for "应")."""
    n = len(context)
    nouns = _noun_chars(context) if from_end else frozenset()
    for gap in range(0, min(NEAR_GAP, n - MIN_PIECE) + 1):
        if any(i in nouns for i in range(n - gap, n)):
            break
        for size in range(n - gap, MIN_PIECE - 1, -1):
            first = n - gap - size if from_end else gap
            at = sentence.find(context[first: first + size], after, limit)
            if at >= 0:
                return size, at
    return 0, -1


def fill(frame: Frame, sentence: str) -> Fill:
    """How well ``sentence`` matches the frame, and the text in its gap."""
    total = max(1, min(len(frame.left) + len(frame.right), FULL_MATCH))
    kl, left_at = _piece(frame.left, sentence, from_end=True) if frame.left else (0, -1)
    left_end = left_at + kl if kl else -1
    # after the gap means in its clause: "…维持对京津冀晋鲁豫防汛应急三级响应，…赴相关地区" does not put 地区 after the gap
    stop = _CLAUSE.search(sentence, left_end) if kl else None
    kr, right_at = _piece(frame.right, sentence, from_end=False, after=left_end if kl else 0,
                          limit=stop.start() if stop else None) if frame.right else (0, -1)
    if kl and kr and 0 < right_at - left_end <= MAX_GAP and not _CLAUSE.search(sentence, left_end, right_at):
        gap = [f for w, f, _ in pos_tokens(sentence[left_end:right_at]) if w.strip()]
        # "…企业评营商环境工作" for "为企业提供什么样的营商环境": a lone verb in the gap takes the noun as its object
        span = None if gap == ["v"] else _span(sentence, left_end, _with_head(frame, sentence, right_at))
    elif kl and not kr and frame.right and _piece(frame.right, sentence[:left_at], from_end=False)[0]:
        span = None  # the words after the gap come before those before it ("专案小组…警方的大力配合下"): no gap here
    elif kl and stop and (doer := _doer_in_later_clause(frame, sentence, stop.end())) is not None:
        # "博览会由哪个单位承办" of "博览会由商务部…共同主办，西安市贸促会承办": the asked verb after the asked noun
        # stands in a later clause, whose doer right before it fills the gap; the left words' clause has another verb
        span = _span(sentence, doer[0], _with_head(frame, sentence, doer[1]))
    elif kl and frame.copula and not _COPULA.match(sentence, left_end):
        span = None  # "涂抹防晒霜是什么…" read in "防晒霜空瓶无论是…": what follows the subject is not what it is
    elif kl:
        stop = _CLAUSE.search(sentence, left_end)
        span = _span(sentence, left_end, min(stop.start() if stop else len(sentence), left_end + MAX_GAP))
    elif kr:
        opened = [m.end() for m in _CLAUSE.finditer(sentence, 0, right_at)]
        begin = max(opened[-1] if opened else 0, right_at - MAX_GAP)
        agent = [m.end() for m in _AGENT.finditer(sentence, begin, right_at)]  # "他当时是被“沙袋" → 沙袋
        if agent and right_at - agent[-1] >= MIN_PIECE:
            begin = agent[-1]
        span = _span(sentence, begin, _with_head(frame, sentence, right_at))
    else:
        span = None
    share = min(1.0, (kl + kr) / total)
    if kl and not kr and _skipped_verb(frame.left, sentence[left_at:left_end]):
        share /= 2  # "HXN3型内燃机车优化了哪个系统结构" read as "HXN3型内燃机车…": only the subject matched
    return Fill(span, kl + kr, share, sentence, one_sided=bool(kl and not kr and len(frame.right) >= MIN_PIECE))


def _doer_in_later_clause(frame: Frame, sentence: str, after: int) -> tuple[int, int] | None:
    """(where the doer's clause opens, where the asked verb stands) when the words after the asked noun ("单位|承办"
    → 承办) stand in ``sentence`` from ``after`` at most NAME_GAP characters into their clause, else None. Only
    for a right context that opens with a noun: "做了什么决定" has no verb after its noun, and 决定 in a later
    clause ("…管理局决定对当事人免于处罚") is that clause's verb, not the asked one."""
    head = _head_noun(frame.right)
    rest = frame.right[len(head):]
    if not head or len(rest) < MIN_PIECE:
        return None
    size, verb = _piece(rest, sentence, from_end=False, after=after)
    if not size:
        return None
    begin = max((m.end() for m in _CLAUSE.finditer(sentence, 0, verb)), default=0)
    return (begin, verb) if 0 < verb - begin <= NAME_GAP else None


# Verbs that only qualify the verb after them: skipping "可能会" loses nothing the answer depends on.
_AUXILIARIES = frozenset("可能 会 能 能够 将 将要 要 应 应该 应当 可以 需要 须 必须 已 已经 曾 曾经 正在 在 了 过 着 是 仍 仍将 还".split())


def _skipped_verb(left: str, piece: str) -> bool:
    """The left piece was found only by passing over a verb next to the gap ("优化了", "成为了"): the sentence
    speaks of the question's subject, not of what it did. Auxiliaries ("可能会") are passed over freely."""
    if not piece or left.endswith(piece):
        return False
    skipped = left[left.rfind(piece) + len(piece):] if piece in left else ""
    return any(f.startswith("v") and w not in _AUXILIARIES for w, f, _ in pos_tokens(skipped))


def _with_head(frame: Frame, sentence: str, right_at: int) -> int:
    """Where the gap's fill ends: past the asked noun the right context opens with, when the sentence has it
    there ("接受什么程序" → 司法程序, "对哪种无人机发射了…" → …“死神”无人机), else where the right context begins."""
    head = _head_noun(frame.right)
    return right_at + len(head) if head and sentence.startswith(head, right_at) else right_at


def _noun_chars(text: str) -> frozenset[int]:
    """Offsets of the characters of ``text`` that belong to a noun (jieba's n* tags)."""
    return frozenset(i for word, flag, at in pos_tokens(text) if flag[:1] == "n" for i in range(at, at + len(word)))


def _head_noun(right: str) -> str:
    """The nouns the right context opens with ("工作任务完成" → 工作任务), or ""."""
    head = ""
    for word, flag, _ in pos_tokens(right):
        if flag[:1] != "n" and flag != "vn" and not (flag == "l" and len(word) <= 3):  # 无人机 is l
            break
        head += word
    return head


def _span(sentence: str, start: int, end: int) -> Span | None:
    core = _EDGE.sub("", sentence[start:end])  # "了新型…" → "新型…": particles belong to the frame
    if len(core) < 2:
        return None
    at = sentence.find(core, start)
    return Span(at, at + len(core), core, "frame")
