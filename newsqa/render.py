"""HTML for the chat UI. Article text is untrusted: every string taken from the store is escaped here.

Output is single-line HTML (no blank lines) so the chatbot's Markdown renderer passes it
through as one HTML block instead of reading Markdown inside article text.
"""

from __future__ import annotations

import html
import re

from core.records import Answer, Citation, SeriesPoint
from newsqa.labels import t
from storage.corpus import ArticleInfo, ArticleView, CorpusSummary

CONTEXT_CHARS = 70  # article text shown on each side of a quote in a citation card
MAX_ROWS = 300  # articles listed in the corpus panel at once

_MARKER = re.compile(r"\[(\d{1,3})\]")


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _flat(text: str) -> str:
    """Escaped text with line breaks as <br> (a raw blank line would end the chatbot's HTML block)."""
    return esc(text).replace("\r", "").replace("\n", "<br>")


def answer_html(text: str, abstained: bool, numbers: set[int] | None = None, lang: str = "zh",
                final: bool = True) -> str:
    """The answer text, escaped, with its [n] markers set off; ``final`` marks the end of streaming."""
    body = _BOLD.sub(r"<strong>\1</strong>", _flat(text))  # the short answer leads in **bold**
    if numbers:
        body = _MARKER.sub(lambda m: f'<sup class="nq-ref">[{m.group(1)}]</sup>'
                           if int(m.group(1)) in numbers else m.group(0), body)
    classes = "nq-answer" + (" nq-abstained" if abstained else "") + (" nq-final" if final else "")
    badge = f'<span class="nq-badge">{esc(t(lang, "abstained"))}</span>' if abstained else ""
    return f'<div class="{classes}">{badge}{body}</div>'


def quote_in_context(body: str | None, c: Citation, context: int = CONTEXT_CHARS) -> str:
    """The quote highlighted inside the sentence(s) around it, or the quote alone when the body is missing."""
    if body and 0 <= c.start < c.end <= len(body):
        left = body[max(0, c.start - context): c.start]
        right = body[c.end: c.end + context]
        pre = "" if "\n" in left or c.start <= context else "…"  # cut at a paragraph, or inside one
        post = "" if "\n" in right or c.end + context >= len(body) else "…"
        left, right = left.split("\n")[-1], right.split("\n")[0]
        return f"{pre}{_flat(left)}<mark>{_flat(body[c.start:c.end])}</mark>{_flat(right)}{post}"
    return f"<mark>{_flat(c.quote)}</mark>"


_CLASS_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def opener(doc_id: str, start: int = 0, end: int = 0) -> str:
    """Classes that make an element open the article viewer at [start, end). Classes, because the
    chatbot's sanitiser drops data-* attributes; doc ids are hex hashes, so nothing is lost."""
    safe = _CLASS_SAFE.sub("", doc_id)
    return f"nq-open nq-doc-{safe} nq-at-{int(start)}-{int(end)}" if safe == doc_id and safe else ""


def card_html(c: Citation, body: str | None, lang: str = "zh") -> str:
    meta = " · ".join([esc(c.source or t(lang, "no_source")), esc(c.published or t(lang, "no_date"))])
    return (f'<div class="nq-card nq-cite-{int(c.n)} {opener(c.doc_id, c.start, c.end)}" role="button" tabindex="0" '
            f'title="{esc(t(lang, "open_hint"))}">'
            f'<div class="nq-card-head"><span class="nq-n">{int(c.n)}</span>'
            f'<span class="nq-card-title">{esc(c.title)}</span></div>'
            f'<div class="nq-card-meta">{meta}</div>'
            f'<div class="nq-card-quote">{quote_in_context(body, c)}</div></div>')


def cards_html(citations: list[Citation], bodies: dict[str, str], lang: str = "zh") -> str:
    if not citations:
        return ""
    cards = "".join(card_html(c, bodies.get(c.doc_id), lang) for c in citations)
    return f'<div class="nq-cards"><div class="nq-cards-label">{esc(t(lang, "sources"))}</div>{cards}</div>'


def message_html(answer: Answer, bodies: dict[str, str], text: str | None = None, lang: str = "zh") -> str:
    """One chat message: the answer (or the part streamed so far) and, once complete, its cards."""
    numbers = {c.n for c in answer.citations}
    shown = answer.answer if text is None else text
    out = answer_html(shown, answer.abstained, numbers, lang, final=text is None)
    if text is None:
        out += series_chart_html(answer.series, answer.citations, lang)
        out += cards_html(answer.citations, bodies, lang)
    return out


SERIES_LABELS = {  # the chart's own words, by language
    "zh": {"caption": "逐日数字", "missing": "缺（资料中没有数字）"},
    "en": {"caption": "Day by day", "missing": "missing (no article gives it)"},
}
CHART_W, CHART_H = 640, 230  # the series chart's drawing size (it scales to the message width)
_PAD_L, _PAD_R, _PAD_T, _PAD_B = 44, 44, 24, 40


def series_chart_html(series: list[SeriesPoint], citations: list[Citation], lang: str = "zh") -> str:
    """A line chart of a figure over days, drawn as inline SVG under the answer. Each point carries its
    citation card's opener classes (a click opens the cited article at the quote, as the card does, and
    lights up and scrolls to that card: ``nq-to-<n>`` → ``nq-cite-<n>``) and
    a tooltip with the figure as quoted; a missing day is a grey cross on the axis; a day whose reports
    differ has one point per report. The line joins the first report of consecutive days with data."""
    if not series:
        return ""
    words = SERIES_LABELS.get(lang, SERIES_LABELS["zh"])
    days = list(dict.fromkeys(p.date for p in series))
    values = [p.value for p in series if p.value is not None]
    if not values:
        return ""
    top = _nice_max(max(values))
    plot_w, plot_h = CHART_W - _PAD_L - _PAD_R, CHART_H - _PAD_T - _PAD_B
    step = plot_w / (len(days) - 1) if len(days) > 1 else 0.0

    def x(day: str) -> float:
        return _PAD_L + (days.index(day) * step if len(days) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return _PAD_T + plot_h * (1 - (v / top if top else 0))

    by_n = {c.n: c for c in citations}
    first: dict[str, SeriesPoint] = {}
    for p in series:
        if p.value is not None:
            first.setdefault(p.date, p)
    paths, run = [], []
    for d in days:
        if d in first:
            run.append(f"{x(d):.1f},{y(first[d].value):.1f}")
        elif run:
            paths.append(run)
            run = []
    if run:
        paths.append(run)
    lines = "".join(f'<polyline class="nq-line" points="{" ".join(r)}"></polyline>' for r in paths if len(r) > 1)
    split = {d for d in days if sum(1 for p in series if p.date == d and p.value is not None) > 1}
    marks = []
    for p in series:
        label = _day_label(p.date)
        if p.value is None:
            cx, cy = x(p.date), _PAD_T + plot_h
            marks.append(f'<g class="nq-gap"><title>{esc(label)}：{esc(words["missing"])}</title>'
                         f'<path d="M{cx - 4:.1f},{cy - 4:.1f}L{cx + 4:.1f},{cy + 4:.1f}M{cx - 4:.1f},{cy + 4:.1f}'
                         f'L{cx + 4:.1f},{cy - 4:.1f}"></path></g>')
            continue
        c = by_n.get(p.citation or 0)
        opens = opener(c.doc_id, c.start, c.end) if c else ""
        differ = " nq-point-differ" if first.get(p.date) is not p else ""
        cx, cy = x(p.date), y(p.value)
        # a figure above its point; on a day whose reports differ, each to the right of its own point
        lx, ly, side = (cx + 9, cy + 4, " nq-point-label-side") if p.date in split else (cx, cy - 9, "")
        to = f" nq-to-{int(p.citation)}" if p.citation else ""  # the citation card it lights up
        marks.append(f'<g class="nq-point{differ}{to} {opens}" role="button" tabindex="0">'
                     f'<title>{esc(label)}：{esc(p.figure)} [{int(p.citation or 0)}]</title>'
                     f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5"></circle>'
                     f'<text class="nq-point-label{side}" x="{lx:.1f}" y="{ly:.1f}">{esc(p.figure)}</text></g>')
    every = max(1, -(-len(days) // 8))  # at most about eight date labels
    ticks = "".join(f'<text class="nq-axis-x" x="{x(d):.1f}" y="{CHART_H - _PAD_B + 18}">{esc(_day_label(d))}</text>'
                    for i, d in enumerate(days) if i % every == 0 or i == len(days) - 1)
    axis = (f'<line class="nq-axis" x1="{_PAD_L}" y1="{_PAD_T + plot_h}" x2="{CHART_W - _PAD_R}" '
            f'y2="{_PAD_T + plot_h}"></line>'
            f'<text class="nq-axis-y" x="{_PAD_L - 6}" y="{_PAD_T + 4}">{_num(top)}</text>'
            f'<text class="nq-axis-y" x="{_PAD_L - 6}" y="{_PAD_T + plot_h + 4}">0</text>')
    unit = next((p.unit for p in series if p.unit), "")
    caption = esc(words["caption"]) + (f"（{esc(unit)}）" if unit else "")
    return (f'<div class="nq-series"><div class="nq-cards-label">{caption}</div>'
            f'<svg class="nq-chart" width="{CHART_W}" height="{CHART_H}" viewBox="0 0 {CHART_W} {CHART_H}" '
            f'role="img" aria-label="{esc(words["caption"])}">{axis}{lines}{"".join(marks)}{ticks}</svg></div>')


def _nice_max(v: float) -> float:
    """The y axis's top: the figure's maximum rounded up to 1, 2 or 5 times a power of ten."""
    if v <= 0:
        return 1.0
    power = 10 ** (len(str(int(v))) - 1)
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= v))


def _num(v: float) -> str:
    return str(int(v)) if v == int(v) else f"{v:g}"


def _day_label(iso: str) -> str:
    return f"{int(iso[5:7])}月{int(iso[8:10])}日"


def error_html(err: Exception, lang: str = "zh") -> str:
    return (f'<div class="nq-answer nq-final nq-error"><span class="nq-badge">{esc(t(lang, "error"))}</span>'
            f"{esc(type(err).__name__)}: {esc(err)} — {esc(t(lang, 'error_hint'))}</div>")


def thinking_html(lang: str = "zh") -> str:
    return f'<div class="nq-answer nq-thinking"><span class="nq-dots"></span>{esc(t(lang, "thinking"))}</div>'


def article_html(view: ArticleView | None, start: int = 0, end: int = 0, lang: str = "zh") -> str:
    """The article viewer: the full clean body with [start, end) highlighted (id ``nq-hit`` to scroll to)."""
    close = f'<button class="nq-close" type="button" aria-label="{esc(t(lang, "viewer_close"))}">×</button>'
    if view is None:
        return (f'<div class="nq-backdrop"></div><div class="nq-drawer" role="dialog">{close}'
                f'<p class="nq-missing">{esc(t(lang, "viewer_missing"))}</p></div>')
    body, info = view.body, view.info
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        start = end = 0
    if 0 <= start < end <= len(body):
        text = (f"{esc(body[:start])}<mark id=\"nq-hit\">{esc(body[start:end])}</mark>{esc(body[end:])}")
        jump = f'<button class="nq-jump" type="button">{esc(t(lang, "viewer_jump"))}</button>'
    else:
        text, jump = esc(body), ""
    meta = " · ".join(esc(x) for x in [info.source or t(lang, "no_source"), info.published or t(lang, "no_date"),
                                        f"{info.chars} {t(lang, 'chars')}"])
    return (f'<div class="nq-backdrop"></div><div class="nq-drawer" role="dialog" aria-label="{esc(info.title)}">'
            f"{close}"
            f'<div class="nq-drawer-head"><h2 class="nq-drawer-title">{esc(info.title)}</h2>'
            f'<div class="nq-drawer-meta">{meta}</div>'
            f'<div class="nq-drawer-path">{esc(info.path)}</div>{jump}</div>'
            f'<div class="nq-article-body">{text}</div></div>')


def corpus_stats_html(s: CorpusSummary, lang: str = "zh") -> str:
    span = f"{s.first} — {s.last}" if s.first else t(lang, "no_date")
    sources = "".join(f'<span class="nq-chip">{esc(name)} <b>{n}</b></span>' for name, n in s.sources[:30])
    if not s.articles:
        sources = f'<p class="nq-muted">{esc(t(lang, "empty_corpus"))}</p>'
    return ('<div class="nq-stats">'
            f'<div class="nq-stat"><b>{s.articles}</b><span>{esc(t(lang, "articles"))}</span></div>'
            f'<div class="nq-stat"><b>{s.chunks}</b><span>{esc(t(lang, "chunks"))}</span></div>'
            f'<div class="nq-stat nq-stat-wide"><b>{esc(span)}</b><span>{esc(t(lang, "date_range"))}</span></div>'
            f'<div class="nq-stat"><b>{len(s.sources)}</b><span>{esc(t(lang, "sources_n"))}</span></div>'
            f'</div><div class="nq-chips">{sources}</div>')


def _matches(a: ArticleInfo, words: list[str]) -> bool:
    hay = " ".join(filter(None, [a.title, a.source, a.path, a.main_city, a.published, a.doc_id])).lower()
    return all(w in hay for w in words)


def corpus_list_html(s: CorpusSummary, query: str = "", lang: str = "zh") -> str:
    words = (query or "").lower().split()
    hits = [a for a in s.items if _matches(a, words)] if words else s.items
    if not hits:
        return f'<p class="nq-muted">{esc(t(lang, "no_match"))}</p>'
    rows = "".join(
        f'<tr class="nq-row {opener(a.doc_id)}" tabindex="0"><td class="nq-nowrap">{esc(a.published or "—")}</td>'
        f'<td>{esc(a.title)}<div class="nq-path">{esc(a.path)}</div></td><td>{esc(a.source or "—")}</td>'
        f'<td>{esc(a.main_city or "—")}</td></tr>' for a in hits[:MAX_ROWS])
    head = "".join(f"<th>{esc(t(lang, k))}</th>" for k in ("col_date", "col_title", "col_source", "col_city"))
    note = esc(t(lang, "showing").format(shown=min(len(hits), MAX_ROWS), total=len(hits)))
    return (f'<p class="nq-muted">{note}</p><table class="nq-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def upload_report_html(report, lang: str = "zh") -> str:
    """``report`` is the upload's core.records.IngestReport."""
    counts = [("upload_stored", report.articles), ("upload_chunks", report.chunks),
              ("upload_unchanged", report.skipped), ("upload_duplicates", report.duplicates),
              ("upload_failed", len(report.failed))]
    stats = "".join(f'<div class="nq-stat{" nq-bad" if key == "upload_failed" and n else ""}"><b>{n}</b>'
                    f"<span>{esc(t(lang, key))}</span></div>" for key, n in counts)
    problems = "".join(f'<li class="nq-bad"><b>{esc(f.path)}</b>: {esc(f.error)}</li>' for f in report.failed)
    problems += "".join(f"<li><b>{esc(f.path)}</b>: {esc(f.error)}</li>" for f in report.warnings[:50])
    more = len(report.warnings) - 50
    if more > 0:
        problems += f"<li>… +{more} {esc(t(lang, 'upload_warnings'))}</li>"
    return (f'<div class="nq-report"><div class="nq-report-title">{esc(t(lang, "upload_done"))} '
            f'<span class="nq-muted">({report.seconds:.1f}s)</span></div><div class="nq-stats">{stats}</div>'
            f'{f"<ul class=nq-problems>{problems}</ul>" if problems else ""}</div>')


def header_html(lang: str = "zh") -> str:
    return (f'<div class="nq-header"><div class="nq-logo">新</div><div><h1>{esc(t(lang, "title"))}</h1>'
            f'<p>{esc(t(lang, "tagline"))}</p></div></div>')
