"""A templated corpus of daily epidemic reports with known answers, for the scale benchmark.

Every article is one city's report on one day, written from one of a few templates with its own
figures. The corpus is full of near-duplicates on purpose: the same city on many days, the same
day in many cities, and copies of a report that differ only in the city or only in the date (same
figures, same wording). A question is right only when the answer carries the asked figure *and*
cites the asked city's report for the asked day. Must-refuse questions ask a city on a day it has
no report for (other cities do), or a real city the corpus never mentions.

    python benchmarks/gen_corpus.py 1000 /tmp/corpus     # writes corpus-*.jsonl and questions.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GAZETTEER = ROOT / "ingest" / "data" / "gazetteer.tsv"
FIRST_DAY, LAST_DAY = date(2020, 1, 1), date(2023, 12, 31)

# Used only when zhtext/data/gazetteer.tsv is missing: real prefecture-level cities and districts.
FALLBACK_CITIES = {
    "南昌": ["东湖区", "西湖区", "青山湖区", "新建区", "红谷滩区"], "长春": ["朝阳区", "南关区", "宽城区", "绿园区"],
    "常州": ["天宁区", "钟楼区", "武进区", "新北区"], "吉林": ["船营区", "昌邑区", "丰满区", "龙潭区"],
    "杭州": ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区"], "南京": ["玄武区", "秦淮区", "鼓楼区", "栖霞区"],
    "苏州": ["姑苏区", "吴中区", "相城区", "虎丘区"], "无锡": ["梁溪区", "锡山区", "惠山区", "滨湖区"],
    "合肥": ["瑶海区", "庐阳区", "蜀山区", "包河区"], "福州": ["鼓楼区", "台江区", "仓山区", "晋安区"],
    "厦门": ["思明区", "湖里区", "集美区", "海沧区"], "济南": ["历下区", "市中区", "槐荫区", "天桥区"],
    "青岛": ["市南区", "市北区", "黄岛区", "崂山区"], "郑州": ["中原区", "二七区", "金水区", "惠济区"],
    "武汉": ["江岸区", "江汉区", "武昌区", "洪山区"], "长沙": ["芙蓉区", "天心区", "岳麓区", "开福区"],
    "广州": ["越秀区", "海珠区", "天河区", "白云区"], "深圳": ["罗湖区", "福田区", "南山区", "宝安区"],
    "南宁": ["兴宁区", "青秀区", "江南区", "西乡塘区"], "成都": ["锦江区", "青羊区", "金牛区", "武侯区"],
    "贵阳": ["南明区", "云岩区", "花溪区", "乌当区"], "昆明": ["五华区", "盘龙区", "官渡区", "西山区"],
    "西安": ["新城区", "碑林区", "莲湖区", "雁塔区"], "兰州": ["城关区", "七里河区", "西固区", "安宁区"],
    "西宁": ["城东区", "城中区", "城西区", "城北区"], "银川": ["兴庆区", "西夏区", "金凤区"],
    "太原": ["小店区", "迎泽区", "杏花岭区", "万柏林区"], "石家庄": ["长安区", "桥西区", "新华区", "裕华区"],
    "沈阳": ["和平区", "沈河区", "大东区", "皇姑区"], "大连": ["中山区", "西岗区", "沙河口区", "甘井子区"],
    "哈尔滨": ["道里区", "南岗区", "道外区", "香坊区"], "呼和浩特": ["新城区", "回民区", "玉泉区", "赛罕区"],
    "乌鲁木齐": ["天山区", "沙依巴克区", "新市区", "水磨沟区"], "海口": ["秀英区", "龙华区", "琼山区", "美兰区"],
    "宁波": ["海曙区", "江北区", "北仑区", "镇海区"], "温州": ["鹿城区", "龙湾区", "瓯海区", "洞头区"],
    "徐州": ["鼓楼区", "云龙区", "贾汪区", "泉山区"], "洛阳": ["老城区", "西工区", "瀍河回族区", "涧西区"],
    "赣州": ["章贡区", "南康区", "赣县区"], "九江": ["濂溪区", "浔阳区", "柴桑区"],
}

FILLER = [
    "所有确诊病例和无症状感染者均已转运至定点医院隔离治疗，目前情况平稳。",
    "全市继续开展重点区域核酸筛查，请市民朋友配合做好个人防护，出门佩戴口罩，保持社交距离。",
    "市疫情防控指挥部提醒，近期有中高风险地区旅居史的人员请主动向社区报备，并配合落实健康监测措施。",
    "各级医疗机构发热门诊正常开放，药店继续落实购买退热类药品实名登记制度。",
    "全市公共交通、商场超市等人员密集场所严格落实扫码测温和通风消毒措施。",
    "疫苗接种工作有序推进，截至目前全市已累计接种新冠病毒疫苗一千余万剂次。",
    "市场保供工作运行平稳，主要农贸市场和超市蔬菜、肉类、粮油供应充足，价格基本稳定。",
    "流调溯源工作正在加紧开展，相关风险点位已完成终末消毒。",
]


@dataclass(frozen=True)
class City:
    short: str  # 南昌
    full: str  # 南昌市
    districts: tuple[str, ...]


@dataclass
class GenArticle:
    city: str  # short name
    day: date  # the day the figures are about; published the next day
    template: int
    figures: dict[str, int]
    wording: str  # seeds the districts and filler; a copy of a report in the same city keeps it
    title: str
    body: str

    def record(self) -> dict:
        return {"title": self.title, "published": (self.day + timedelta(days=1)).isoformat(),
                "source": f"{self.city}市卫生健康委员会", "body": self.body}


@dataclass
class GenQuestion:
    q: str
    abstain: bool
    expect: list[str] = field(default_factory=list)  # regexes the answer text must match
    title: str | None = None  # the article a citation must come from
    kind: str = "answer"  # answer | other-day | unknown-city


def load_cities(path: Path = GAZETTEER) -> list[City]:
    """Cities whose short name is safe to find bare ("南昌"), with their districts, from the gazetteer
    the answerer itself uses; a built-in list when the gazetteer is not there."""
    if not path.exists():
        return [City(s, s + "市", tuple(ds)) for s, ds in FALLBACK_CITIES.items()]
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    cols = ["adcode", "full", "name", "level", "kind", "parent", "short", "aliases", "match", "english"]
    if rows and rows[0][0] == "adcode":
        cols, rows = rows[0], rows[1:]
    recs = [dict(zip(cols, r, strict=False)) for r in rows]
    districts: dict[str, list[str]] = {}
    for r in recs:
        if r.get("level") == "district" and r.get("match") in ("any", "list") and r.get("full", "").endswith("区"):
            districts.setdefault(r.get("parent", ""), []).append(r["full"])
    cities = [City(r["short"], r["full"], tuple(districts.get(r["name"], [])))
              for r in recs if r.get("level") == "city" and r.get("match") == "any"
              and r.get("full", "").endswith("市") and r.get("short") and len(r["short"]) >= 2]
    return [c for c in cities if len(c.districts) >= 2] or [City(s, s + "市", tuple(ds))
                                                             for s, ds in FALLBACK_CITIES.items()]


def _md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _write(city: City, day: date, template: int, f: dict[str, int], rng: random.Random) -> tuple[str, str]:
    pub = day + timedelta(days=1)
    d1, d2 = rng.sample(city.districts, 2)
    filler = "".join(rng.sample(FILLER, 4))
    n = city.full
    if template == 0:
        title = f"{n}{day.year}年{_md(day)}新冠肺炎疫情通报"
        body = (f"{_md(pub)}，{n}召开新冠肺炎疫情防控新闻发布会，通报最新情况。\n\n"
                f"{_md(day)}0时至24时，{n}新增本土确诊病例{f['confirmed']}例、无症状感染者{f['asymptomatic']}例，"
                f"其中{d1}{f['a']}例、{d2}{f['b']}例。截至{_md(day)}24时，全市累计报告本土感染者{f['total']}例。\n\n"
                f"{filler}\n\n全市累计排查密切接触者{f['contacts']}人，均已落实管控措施。")
    elif template == 1:
        title = f"{n}卫健委通报{day.year}年{_md(day)}疫情防控情况"
        body = (f"{n}卫生健康委员会{_md(pub)}通报：{_md(day)}0—24时，全市新增阳性感染者{f['positive']}例，"
                f"其中确诊病例{f['confirmed']}例，无症状感染者{f['asymptomatic']}例，"
                f"分布在{d1}和{d2}。\n\n{filler}\n\n当日全市完成核酸采样{f['sampled']}万人次，"
                f"排查密接{f['contacts']}人。")
    else:
        title = f"{day.year}年{_md(day)}{n}新增本土病例情况"
        body = (f"{_md(day)}，{n}新增本土确诊病例{f['confirmed']}例，新增本土无症状感染者{f['asymptomatic']}例，"
                f"均在集中隔离点或管控区域内检出，其中{d1}{f['a']}例，{d2}{f['b']}例。\n\n{filler}\n\n"
                f"截至{_md(day)}24时，{n}现有在院治疗病例{f['in_hospital']}例。")
    return title, body


def _figures(rng: random.Random) -> dict[str, int]:
    confirmed, asymptomatic = rng.randint(0, 60), rng.randint(1, 200)
    a = rng.randint(0, confirmed + asymptomatic)
    return {"confirmed": confirmed, "asymptomatic": asymptomatic, "positive": confirmed + asymptomatic,
            "a": a, "b": confirmed + asymptomatic - a, "total": rng.randint(200, 9000),
            "contacts": rng.randint(100, 20000), "sampled": rng.randint(10, 900), "in_hospital": rng.randint(5, 800)}


def generate(n: int, seed: int = 7, cities: list[City] | None = None, questions: int = 200,
             refusals: int = 60) -> tuple[list[GenArticle], list[GenQuestion]]:
    """``n`` articles and ``questions`` answerable + ``refusals`` must-refuse questions, all from ``seed``."""
    rng = random.Random(seed)
    pool = list(cities or load_cities())
    rng.shuffle(pool)
    span = (LAST_DAY - FIRST_DAY).days + 1
    # enough cities that each one reports on at most a quarter of the days: leaves gaps to ask about
    n_cities = min(len(pool) - 5, max(20, -(-n * 4 // span)))
    used, unused = pool[:n_cities], pool[n_cities:]
    per_city = [n // n_cities + (1 if i < n % n_cities else 0) for i in range(n_cities)]
    articles: list[GenArticle] = []
    days_of: dict[str, set[date]] = {}
    for city, k in zip(used, per_city, strict=True):
        days = sorted(FIRST_DAY + timedelta(days=i) for i in rng.sample(range(span), min(k, span)))
        days_of[city.short] = set(days)
        for day in days:
            if articles and rng.random() < 0.15:  # a copy of an earlier report: same figures and wording
                src = articles[rng.randrange(len(articles))]
                template, figures = src.template, dict(src.figures)
                wording = src.wording if src.city == city.short else f"{seed}:{city.short}:{day}"
            else:
                template, figures, wording = rng.randrange(3), _figures(rng), f"{seed}:{city.short}:{day}"
            title, body = _write(city, day, template, figures, random.Random(wording))
            articles.append(GenArticle(city.short, day, template, figures, wording, title, body))
    rng.shuffle(articles)

    out: list[GenQuestion] = []
    for art in rng.sample(articles, min(questions, len(articles))):
        md_repeats = sum(1 for d in days_of[art.city] if (d.month, d.day) == (art.day.month, art.day.day))
        when = _md(art.day) if md_repeats == 1 and rng.random() < 0.5 else f"{art.day.year}年{_md(art.day)}"
        f = art.figures
        who = f"{art.city}{when}" if rng.random() < 0.5 else f"{when}{art.city}"
        asks = [(f"{who}新增本土确诊病例多少例？", rf"确诊病例{f['confirmed']}例"),
                (f"{who}新增无症状感染者多少例？", rf"无症状感染者{f['asymptomatic']}例")]
        if art.template == 1:
            asks.append((f"{who}新增阳性感染者多少例？", rf"阳性感染者{f['positive']}例"))
        q, rx = rng.choice(asks)
        out.append(GenQuestion(q, False, [rx], art.title))
    for i in range(refusals):
        if i % 2 == 0 or not unused:  # a known city on a day it has no report (and none on either side)
            city = rng.choice(used)
            taken = days_of[city.short]
            while True:
                day = FIRST_DAY + timedelta(days=rng.randrange(1, span - 1))
                if not taken & {day - timedelta(days=1), day, day + timedelta(days=1)}:
                    break
            out.append(GenQuestion(f"{city.short}{day.year}年{_md(day)}新增本土确诊病例多少例？", True,
                                   kind="other-day"))
        else:  # a real city the corpus never mentions, on a day other cities report
            city = rng.choice(unused)
            art = rng.choice(articles)
            out.append(GenQuestion(f"{city.short}{art.day.year}年{_md(art.day)}新增无症状感染者多少例？", True,
                                   kind="unknown-city"))
    rng.shuffle(out)
    return articles, out


def write_corpus(articles: list[GenArticle], out_dir: Path, per_file: int = 1000) -> list[Path]:
    """JSONL files of ``per_file`` articles each (the loader reads title/published/source/body)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(0, len(articles), per_file):
        path = out_dir / f"corpus-{i // per_file:04d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for a in articles[i: i + per_file]:
                fh.write(json.dumps(a.record(), ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def write_questions(questions: list[GenQuestion], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for q in questions:
            fh.write(json.dumps(asdict(q), ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("out", type=Path, help="folder for corpus-*.jsonl and questions.jsonl")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    articles, questions = generate(args.n, args.seed)
    files = write_corpus(articles, args.out)
    write_questions(questions, args.out / "questions.jsonl")
    print(f"{len(articles)} articles in {len(files)} files, {len(questions)} questions → {args.out}")


if __name__ == "__main__":
    main()
