"""Generated daily case reports for two cities, written as the cities' press releases are: each published
the day after the day its figures are for, with one day missing and one day re-reported with another figure."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

START = date(2022, 7, 1)
# city: (source, [(confirmed, asymptomatic) for 7月1日…7月8日]; None is a day with no report
FIGURES = {
    "南昌": ("南昌发布", [(5, 3), (7, 4), (2, 9), (6, 1), None, (11, 6), (4, 2), (3, 5)]),
    "赣州": ("赣州发布", [(12, 31), (14, 32), (16, 33), (18, 34), (20, 35), (22, 36), (24, 37), (26, 38)]),
}
GAP = {"南昌": date(2022, 7, 5)}
RE_REPORT = ("南昌", date(2022, 7, 4), 8)  # a later article gives another confirmed figure for that day
CUMULATIVE_START = {"南昌": 40, "赣州": 100}


def _md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def report(city: str, day: date, confirmed: int, asymptomatic: int, total: int, note: str = "") -> str:
    """南昌 words it as "新增本土确诊病例N例、无症状感染者M例"; 赣州 gives the positives first, then the split."""
    source = FIGURES[city][0]
    pub = day + timedelta(days=1)
    if city == "赣州":
        figures = (f"全市新增本土阳性感染者{confirmed + asymptomatic}例，其中确诊病例{confirmed}例、"
                   f"无症状感染者{asymptomatic}例{note}")
    else:
        figures = f"全市新增本土确诊病例{confirmed}例、无症状感染者{asymptomatic}例，均在集中隔离管控中发现{note}"
    return (f"---\ntitle: {city}市新冠肺炎疫情情况通报（{_md(day)}）\nsource: {source}\ndate: {pub.isoformat()}\n---\n"
            f"{city}市卫健委{_md(pub)}通报：{_md(day)}0—24时，{figures}。\n\n"
            f"截至{_md(day)}24时，全市累计报告本土确诊病例{total}例。\n\n"
            "请广大市民继续做好个人防护，坚持戴口罩、勤洗手。\n")


def re_report(city: str, day: date, confirmed: int, asymptomatic: int) -> str:
    pub = day + timedelta(days=2)
    return (f"---\ntitle: {city}更正{_md(day)}新增病例数\nsource: 江西新闻\ndate: {pub.isoformat()}\n---\n"
            f"{city}市卫健委{_md(pub)}通报，经复核，{_md(day)}0—24时，{city}市新增本土确诊病例{confirmed}例、"
            f"无症状感染者{asymptomatic}例。\n\n此前公布的数字有误，特此说明。\n")


def write_reports(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for city, (_, days) in FIGURES.items():
        total = CUMULATIVE_START[city]
        for i, figs in enumerate(days):
            day = START + timedelta(days=i)
            if figs is None:
                continue
            total += figs[0]
            # one report of the other city names 南昌 after its figures: those figures are still 赣州's
            note = "，均为南昌市协查通报的密接人员" if city == "赣州" and i == 2 else ""
            path = folder / f"{city}-{day.isoformat()}.md"
            path.write_text(report(city, day, *figs, total, note), encoding="utf-8")
            paths.append(path)
    city, day, confirmed = RE_REPORT
    figs = FIGURES[city][1][(day - START).days]
    path = folder / f"{city}-{day.isoformat()}-re.md"
    path.write_text(re_report(city, day, confirmed, figs[1]), encoding="utf-8")
    paths.append(path)
    return paths


def series_store(dest: Path, settings, embedder) -> Path:
    """A fresh store of the generated reports (in ``dest``/docs), ingested by the real pipeline and embedder."""
    from ingest.pipeline import ingest_paths
    from storage.store import open_store

    paths = write_reports(dest / "docs")
    s = settings.with_(store=dest / "store")
    report = ingest_paths([str(dest / "docs")], s, store=open_store(s), embedder=embedder)
    assert report.articles == len(paths) and not report.failed, report
    return dest / "store"


def expected(city: str, first: date, last: date, which: int = 0) -> list[tuple[str, int | None]]:
    """(ISO day, figure) the series must give from the generated reports: ``which`` 0 confirmed, 1 asymptomatic,
    2 positives (their sum); the re-reported day twice when the re-report differs, a gap day as None."""
    out: list[tuple[str, int | None]] = []
    days = FIGURES[city][1]
    d = first
    while d <= last:
        i = (d - START).days
        figs = days[i] if 0 <= i < len(days) else None
        if figs is None:
            out.append((d.isoformat(), None))
        else:
            value = sum(figs) if which == 2 else figs[which]
            out.append((d.isoformat(), value))
            if (city, d) == RE_REPORT[:2] and which == 0 and RE_REPORT[2] != value:
                out.append((d.isoformat(), RE_REPORT[2]))
        d += timedelta(days=1)
    return out
