"""Boilerplate removal for scraped news pages.

The rules are data: each names one kind of line that is not article text. A line is dropped
only when a rule matches the whole line's role (breadcrumb, footer, credit…), never a body
sentence; ``tests/test_clean.py`` checks each rule on the seed that has it and that every
body sentence of every seed survives.

Scraped pages and one-line dumps often glue the site footer onto the last body line
("…亿斤。 主办单位：… 京ICP备12345号"), so ``SPAN_RULES`` cut a footer off the END of a line and
keep the sentences before it (``tests/test_clean_spans.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# ASCII only: Chinese text glued to a URL ("www.thepaper.cn）从水利部获悉…") is not part of it.
_URL = re.compile(r"https?://[\x21-\x7e]+|www\.[\x21-\x7e]+", re.I)
_MENU_WORDS = ("网站简介", "广告合作", "发布优势", "服务条款", "隐私保护", "网站地图", "版权声明",
               "联系我们", "关于我们", "免责声明", "友情链接", "投稿", "设为首页", "加入收藏")


@dataclass(frozen=True)
class Rule:
    name: str
    why: str
    match: Callable[[str], bool]


def _rx(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern, re.I)
    return lambda line: bool(compiled.search(line))


def _menu(line: str) -> bool:
    """Three menu words and no full stop: a one-line article mentioning 联系我们 and 投稿 is not a menu."""
    return sum(word in line for word in _MENU_WORDS) >= 3 and not re.search(r"[。！？]", line)


def _spam_link(line: str) -> bool:
    """A short line that is mostly a link (a '哪里治白癜风的医院好 http://…' ad), not a sentence."""
    if not _URL.search(line):
        return False
    rest = _URL.sub("", line).strip()
    return len(rest) <= 30 and not re.search(r"[。！？；]", rest)


RULES: list[Rule] = [
    Rule("breadcrumb", "site navigation trail", _rx(r"^(您|你)(当前|现在)?(的)?(所在)?(的)?位置\s*[:：]|^当前位置\s*[:：]|^首页\s*[>＞»]")),
    Rule("baidu_map", "leftover of an embedded Baidu map widget", _rx(r"^(baidu|map|baidu\s*map|百度地图)$")),
    Rule("reprint_notice", "reprint notice with the page URL", _rx(r"^(转载请注明|本文地址|原文链接|本文链接)")),
    Rule("prev_next", "links to neighbouring articles", _rx(r"^(上一篇|下一篇|上一条|下一条)")),
    Rule("site_menu", "site footer menu", _menu),
    Rule("copyright_line", "a line that opens with the site's copyright is footer",
         _rx(r"^(copyright|版权所有)")),
    Rule("spam_link", "off-topic link line", _spam_link),
    Rule("editor_credit", "editor / reviewer credit",
         _rx(r"^[（(]?(责任编辑|编辑|审核|审校|校对|责编|监制|值班编辑|终审|初审)\s*[:：]\s*\S{1,20}\s*[）)]?$")),
    Rule("published_line", "publication date line (kept as metadata)",
         _rx(r"^([发發][布佈](日期|[时時][间間])|[发發]表[时時][间間]|[时時][间間])\s*[:：]\s*\d{4}")),
]

# --- Footers glued to the end of a line -------------------------------------------------------
#
# A span rule matches ONE footer item (a marker and the shape of its value, e.g. "承办单位：XX办公室").
# A footer is a run of items reaching the end of the line, joined only by separators; it is cut
# (and the text before it kept) when the run holds an "anchor" or a "tail" item, or two "cluster"
# items. Why the kinds:
#   anchor    never news prose in that shape (an ICP number, 网站标识码); the run may go on to the end
#             of the line over unknown footer text, as long as each stretch is short and holds no 。！？
#             (body text does).
#   tail      footer when it ends the line (责任编辑：X, a reprint ban); in mid-line it is left alone,
#             since a sentence may follow it.
#   cluster   words a body sentence may use ("本次活动主办单位为市文旅局"): footer only with a colon
#             AND a second footer item, so one "主办单位：市文旅局" line of an event notice is kept.
#   companion address, phone, 【纠错】…: joins a footer run but never makes one.

_SEP = "* \t\u3000\xa0|｜/·•、，,。;；:：!！?？)）]】>》\"'”’-—"
_OPEN = "（(【[《“"
_TRIM = " \t\u3000\xa0*|" + _OPEN  # what a kept body may not end with once its footer is cut
_CJK = "\u4e00-\u9fff"
_MARKERS = ("责任编辑", "实习编辑", "值班编辑", "编辑", "责编", "审核", "审校", "校对", "监制", "终审", "初审",
            "编审", "统筹", "签发", "实习生", "主办", "承办", "协办", "版权所有", "技术支持", "网站维护",
            "网站标识码", "公网安备", "ICP", "电话", "地址", "邮编", "邮箱", "传真", "【纠错】", "返回搜狐",
            "相关新闻", "相关阅读", "相关链接", "相关报道", "延伸阅读", "推荐阅读", "本文链接", "原文链接")
_NOT_MARKER = "(?!" + "|".join(map(re.escape, _MARKERS)) + ")"
_VALUE = rf"(?:{_NOT_MARKER}[^\s:：。！？；;，,|【】\[\]（）()<>《》])"  # one char of a footer value
_NAME = rf"(?:{_NOT_MARKER}[{_CJK}·]){{1,5}}|[A-Za-z][A-Za-z.]{{1,20}}"
_NAMES = rf"(?:{_NAME})(?:[、\s]+(?:{_NAME})){{0,5}}"
_RELATED = r"相关(?:新闻|阅读|链接|报道|推荐)|延伸阅读|推荐阅读|热点推荐|更多阅读"
_YEARS = r"\d{4}(?:\s*[-–—]\s*\d{4})?"


@dataclass(frozen=True)
class SpanRule:
    name: str
    why: str
    kind: str  # "anchor" | "tail" | "cluster" | "companion", see above
    hints: tuple[str, ...]  # lower-case words every item holds: the pattern runs only on lines with one (speed)
    pattern: re.Pattern[str]


def _span(name: str, why: str, kind: str, hints: str, pattern: str) -> SpanRule:
    return SpanRule(name, why, kind, tuple(hints.lower().split("|")), re.compile(pattern, re.I))


SPAN_RULES: list[SpanRule] = [
    _span("icp", "ICP licence number: a province letter, ICP备/证 and digits never occur in prose", "anchor", r"ICP",
          rf"[{_CJK}]?\s*ICP\s*[备证]\s*[:：]?\s*\d{{4,}}\s*号?(?:\s*-\s*\d+)?"),
    _span("police_record", "public-security filing number (京公网安备 110…号), footer only", "anchor", r"公网安备",
          rf"[{_CJK}]{{0,2}}公网安备\s*[:：]?\s*\d{{6,}}\s*号?"),
    _span("site_code", "government site code (网站标识码 1234567890), footer only", "anchor", r"网站标识码",
          r"网站标识码\s*[:：]?\s*[A-Za-z0-9]{6,}"),
    _span("copyright", "© or Copyright/(C) with a year: a copyright line (a bare (C) marks a team captain)", "anchor", r"©|copyright|(c)|（c）",
          rf"(?:copyright\s*)?©\s*(?:{_YEARS})?|(?:copyright\s*)?[(（]c[)）]\s*{_YEARS}|copyright\s*{_YEARS}"),
    _span("report_hotline", "违法和不良信息举报电话/邮箱: a footer item, but news may quote the hotline, so tail only",
          "tail", r"举报", r"(?:违法和?不良信息|网上有害信息|不良信息)举报(?:中心)?(?:电话|邮箱|专区|入口)?\s*[:：]?\s*"
                  r"[A-Za-z0-9@.\-]*"),
    _span("site_disclaimer", "本网站所刊载信息… disclaimer sentence", "tail", r"刊载|刊登|发布|转载",
          r"本(?:网站?|站)(?:所)?(?:刊载|刊登|发布|转载)[^。！？]{0,80}[。！？]?"),
    _span("reprint_ban", "未经授权禁止转载 / XX独家稿件 / 转载请注明出处: rights notice, not news; a value stops at the next marker", "tail", r"转载|独家稿件",
          r"未经(?:本网|本站|本报|本社)?(?:书面)?(?:授权|许可|同意)[^。！？]{0,20}?(?:不得|禁止|严禁|请勿)"
          r"[^。！？]{0,20}?(?:转载|复制|使用|镜像|转播)[^。！？]*[。！？]?"
          r"|(?:(?:^|(?<=[\s（()）【】\[\]。！？，,*]))[^\s。！？，,:：（）()]{1,12})?独家稿件(?:[，,]?\s*禁止转载[^。！？）)]{0,12})?"
          rf"|(?:如需?|若)?转载[，,]?\s*(?:请|须|需)(?:务必)?注明{_VALUE}{{0,20}}[。！？]?"),
    _span("rights_owner", "版权归原作者所有 / XX版权作品 / 如有侵权请联系: rights notice", "tail", r"原作者|版权作品|侵权",
          r"版权归(?:属)?原作者(?:所有)?"
          r"|(?:(?:^|(?<=[\s（()）【】\[\]。！？，,*]))[^\s。！？，,（）()]{1,12})?版权作品"
          r"|如有侵权[，,]?\s*请?(?:联系|告知)[^\s。！？]{0,10}"),
    _span("editor_inline", "责任编辑/编辑/审核…：names ending a line: a production credit; a name never ends a sentence "
          "(杂志编辑：工作很忙。)", "tail", r"编|审|校对|监制|统筹|签发|实习生",
          rf"(?:责任编辑|实习编辑|值班编辑|编辑|责编|审核|审校|校对|监制|终审|初审|编审|统筹|签发|实习生)"
          rf"\s*[:：]\s*(?:{_NAMES})?(?![。！？])"),
    _span("related_links", "a run of related-article titles: 相关新闻：… or two related markers, no full stop", "tail", r"相关|阅读|推荐",
          rf"(?:{_RELATED})(?:\s*[:：]|\s(?=[^。]*(?:{_RELATED})))[^。]*$"),
    _span("permalink", "本文链接/原文链接 with the page URL", "tail", r"链接",
          r"(?:本文|原文)链接\s*[:：]?\s*(?:https?://[\x21-\x7e]+)?"),
    _span("sohu_more", "Sohu's 返回搜狐，查看更多 page chrome", "tail", r"返回搜狐", r"返回搜狐[，,]?\s*查看更多"),
    _span("site_owner", "主办/承办/协办单位：X — the site's owner in a footer; a body sentence may name one too",
          "cluster", r"主办|承办|协办", rf"(?:主办|承办|协办)(?:单位)?\s*[:：]\s*{_VALUE}{{2,40}}"),
    _span("rights_reserved", "版权所有 (XX 版权所有 / 版权所有：XX); also said of real owners in news", "cluster", r"版权所有",
          rf"(?:(?:^|(?<=[\s|]))(?:{_VALUE}){{2,20}}\s*)?版权所有(?:\s*[:：]\s*{_VALUE}{{2,40}})?"),
    _span("site_support", "技术支持/网站维护：X — who built the site", "cluster", r"技术支持|网站维护|网站建设",
          rf"(?:技术支持|网站维护|网站建设)\s*[:：]\s*{_VALUE}{{2,40}}"),
    _span("contact", "address / phone / postcode of the site owner: footer only next to other footer items",
          "companion", r"电话|地址|邮编|邮箱|传真|mail", rf"(?:联系电话|举报电话|举报邮箱|电话|地址|邮编|邮箱|传真|e-?mail)\s*[:：]\s*{_VALUE}{{2,40}}"),
    _span("correction_link", "Xinhua's 【纠错】 button, next to the editor credit", "companion", r"【纠错】", r"【纠错】"),
]


@dataclass(frozen=True)
class Footer:
    """Where a line's footer starts and the span rules that make it up."""
    start: int
    rules: tuple[str, ...]

    @property
    def name(self) -> str:
        kinds = {r.name: r.kind for r in SPAN_RULES}
        return next(n for k in ("anchor", "tail", "cluster") for n in self.rules if kinds[n] == k)


_WINDOW = 1000  # a footer is at most this long: only a line's end is searched, so a huge line costs no more


def _items(line: str) -> list[tuple[int, int, SpanRule]]:
    """Footer items in the line, leftmost first, none overlapping (the earlier, then longer, wins)."""
    pos = max(0, len(line) - _WINDOW)
    low = line[pos:].lower()
    rules = [r for r in SPAN_RULES if any(h in low for h in r.hints)]
    found = sorted(((_opener(line, m.start()), -m.end(), r) for r in rules
                    for m in r.pattern.finditer(line, pos) if m.end() > m.start()), key=lambda t: (t[0], t[1]))
    items: list[tuple[int, int, SpanRule]] = []
    for start, neg_end, rule in found:
        if not items or start >= items[-1][1]:
            items.append((start, -neg_end, rule))
    return items


def _opener(line: str, start: int) -> int:
    """An item starts at the bracket before it: "（责任编辑：X）" goes whole."""
    j = start
    while j > 0 and line[j - 1].isspace():
        j -= 1
    return j - 1 if j > 0 and line[j - 1] in _OPEN else start


_JUNK = 80  # unknown footer text allowed after an anchor, per gap: a 技术支持 or 地址 line, not a paragraph


def _is_gap(text: str) -> bool:
    return all(ch in _SEP or ch in _OPEN or ch.isspace() for ch in text)


def _run_ok(line: str, run: list[tuple[int, int, SpanRule]]) -> bool:
    kinds = [r.kind for _, _, r in run]
    if not ("anchor" in kinds or "tail" in kinds or kinds.count("cluster") >= 2):
        return False
    after_anchor = False
    ends = [s for s, _, _ in run[1:]] + [len(line)]
    for (_, end, rule), nxt in zip(run, ends, strict=True):
        after_anchor = after_anchor or rule.kind == "anchor"
        gap = line[end:nxt]
        if not _is_gap(gap) and not (after_anchor and len(gap) <= _JUNK and not re.search(r"[。！？]", gap)):
            return False
    return True


def footer_span(line: str) -> Footer | None:
    """The earliest footer that runs to the end of the line, or None."""
    items = _items(line)
    for i in range(len(items)):
        run = items[i:]
        if _run_ok(line, run):
            return Footer(run[0][0], tuple(r.name for _, _, r in run))
    return None


_BULLET = re.compile(r"^[\s•·●◆■\-*>]+")


def clean_lines(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Drop boilerplate paragraphs and cut footers off line ends.

    Returns (clean text, [(rule name, dropped line or cut-off footer)…])."""
    kept, dropped = [], []
    for para in text.split("\n\n"):
        para = para.strip()
        line = _BULLET.sub("", para).strip()
        if not line:
            continue
        rule = next((r for r in RULES if r.match(line)), None)
        if rule is not None:
            dropped.append((rule.name, line))
            continue
        footer = footer_span(line)
        if footer is None:
            kept.append(para)
            continue
        cut = len(para) - len(line) + footer.start
        body = para[:cut].rstrip(_TRIM)
        if re.search(r"\w", _BULLET.sub("", body)):
            kept.append(body)
            dropped.append((footer.name, para[cut:].strip()))
        else:
            dropped.append((footer.name, line))
    return "\n\n".join(kept), dropped


def source_from_dropped(dropped: list[tuple[str, str]]) -> str | None:
    """The site a scraped page came from, read off its reprint notice URL."""
    for name, line in dropped:
        if name == "reprint_notice":
            m = re.search(r"https?://([^/\s]+)", line)
            if m:
                return m.group(1)
    return None
