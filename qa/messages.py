"""What the bot says when it refuses or cannot show a figure, in Chinese and in English.

Kept as named data so that every face (CLI, API, UI, MCP) words a refusal the same way, and tests can
name the case instead of matching prose.
"""

from __future__ import annotations

MESSAGES = {  # key: (Chinese, English)
    "no_place": ("资料中没有关于{names}的报道。", "No article mentions {names}."),
    "no_answer": ("资料中没有找到能回答这个问题的内容。", "The articles do not answer this question."),
    "no_figure_for": ("资料中没有{where}{what}的数字。", "The articles give no figure for {what} here."),
    "scrubbed": ("文章提到了这项数据，但原文中的具体数字缺失，无法给出 [1]。",
                 "The article reports this figure, but the number itself is missing from its text [1]."),
    "unverifiable": ("资料中的数字无法核对，不作回答。", "The numbers could not be checked against the articles."),
    "not_reported": ("资料中没有{what}的相关数据。", "The articles do not report {what}."),
    "part_only": ("资料中没有{whole}的这个数字，只有{part}的：{quote}[1]",
                  "The articles give no such figure for {whole}, only for {part}: {quote}[1]"),
    "other_place": ("资料中没有{whole}的这个数字，找到的是{part}的：{quote}[1]",
                    "The articles give no such figure for {whole}; the one found is for {part}: {quote}[1]"),
    "nearest": ("最近的是{date}：{quote}[1]", "Nearest reported: {date}: {quote}[1]"),
    "agree": ("（{n}篇报道一致）", " ({n} reports agree)"),
    "other_report": ("另一篇报道为**{figure}**：{quote}[{n}]", " Another report gives **{figure}**: {quote}[{n}]"),
    "differ": ("（各报道数字不同，请核对来源）", " (the reports give different figures; check the sources)"),
}


def say(key: str, english: bool = False, **values: str) -> str:
    zh, en = MESSAGES[key]
    return (en if english else zh).format(**values)
