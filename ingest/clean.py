"""Boilerplate removal for scraped news pages.

The rules are data: each names one kind of line that is not article text. A line is dropped
only when a rule matches the whole line's role (breadcrumb, footer, credit…), never a body
sentence; ``tests/test_clean.py`` checks each rule on the seed that has it and that every
body sentence of every seed survives.
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
    Rule("icp", "ICP licence number in the footer", _rx(r"icp(备|证)|公网安备|^copyright|^版权所有")),
    Rule("spam_link", "off-topic link line", _spam_link),
    Rule("editor_credit", "editor / reviewer credit",
         _rx(r"^[（(]?(责任编辑|编辑|审核|审校|校对|责编|监制|值班编辑|终审|初审)\s*[:：]\s*\S{1,20}\s*[）)]?$")),
    Rule("published_line", "publication date line (kept as metadata)",
         _rx(r"^([发發][布佈](日期|[时時][间間])|[发發]表[时時][间間]|[时時][间間])\s*[:：]\s*\d{4}")),
]

_BULLET = re.compile(r"^[\s•·●◆■\-*>]+")


def clean_lines(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Drop boilerplate paragraphs. Returns (clean text, [(rule name, dropped line)…])."""
    kept, dropped = [], []
    for para in text.split("\n\n"):
        line = _BULLET.sub("", para.strip()).strip()
        if not line:
            continue
        rule = next((r for r in RULES if r.match(line)), None)
        if rule is None:
            kept.append(para.strip())
        else:
            dropped.append((rule.name, line))
    return "\n\n".join(kept), dropped


def source_from_dropped(dropped: list[tuple[str, str]]) -> str | None:
    """The site a scraped page came from, read off its reprint notice URL."""
    for name, line in dropped:
        if name == "reprint_notice":
            m = re.search(r"https?://([^/\s]+)", line)
            if m:
                return m.group(1)
    return None
