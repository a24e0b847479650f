"""Candidate answer spans of one asked type in one sentence: the numbers, sums, dates, names… that
could answer a question of that type (see ``qa/answer_types.py``).

A sentence that holds no span of the asked type cannot answer the question, however many of its
words it shares; a span that only repeats the question's words (``span_not_in_question``) does not
answer it either: that is what tells an answer from an "echo" sentence restating the question.
Pure text and fast: regular expressions, ``ingest.dates``/``ingest.places``, and jieba POS tags
(loaded once, lazily). Recall comes first: the scorer weighs spans, it does not trust them blindly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from zhtext.dates import find_dates
from zhtext.places import countries, find_places
from zhtext.pos import dictionary_tag, pos_tokens
from zhtext.vocabulary import (
    COUNTERS,
    CURRENCIES,
    MONEY_WORDS,
    MULTIPLIERS,
    PLACE_ABBREVIATIONS,
    SURNAMES,
    UNIT_GROUPS,
    longest_first,
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str  # exactly sentence[start:end]
    kind: str


# --- numbers ----------------------------------------------------------------------------------------

_ARABIC = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_CN = rf"(?:[数几上](?=[十百千万亿])|[十百千万亿](?=[{_CN_DIGITS}]))?[{_CN_DIGITS}]+"
_CN_NUM = rf"(?:{_CN}|半)"
_NUM = rf"(?:{_ARABIC}|{_CN})"
_TO = r"\s*(?:至|到|-|~|～|—|－|–)\s*"
_APPROX = r"(?:大约|约|将近|接近|近|超过|超|逾|不足|不到|至少|最多|最高|高达|达|共计|共|累计|总计|合计)"
_MORE = r"(?:余|多|来)"
_MULT = longest_first(MULTIPLIERS)
_SYMBOL_UNITS = r"(?:℃|°C|°|km|kg|MW|GW|kW|mm|cm|m|t|GB|TB|万千瓦|亿千瓦时|千瓦时|度电)"

_MONEY = re.compile(
    rf"(?:{_APPROX}\s*)?{_NUM}(?:(?:{_MULT})?{_TO}{_NUM})?{_MORE}?(?:{_MULT})?{_MORE}?(?P<cur>{longest_first(CURRENCIES)})"
    rf"(?:{_TO}{_NUM}(?:{_MULT})?(?P=cur))?(?!元素|首|旦|宵|年|月|老|帅)")  # 3亿至5亿元, 200万元至300万元
_COUNT = re.compile(
    rf"(?:{_APPROX}\s*)?(?P<num>{_NUM})(?:(?:{_MULT})?{_TO}{_NUM})?{_MORE}?(?P<mult>{_MULT})?{_MORE}?"
    rf"(?P<unit>{longest_first(COUNTERS)}|{_SYMBOL_UNITS})(?:{_TO}{_NUM}(?:{_MULT})?(?P=unit))?"  # 120毫米至150毫米
    rf"(?P<more>{_MORE}|以上|左右)?")
# A bare number is a count only when nothing measures it otherwise: "139.40%" is a percent, "10天" a
# duration, "540岁" an age; those are other spans' business (or another question's).
_BARE = re.compile(rf"(?<![\d.])(?:{_APPROX}\s*)?{_ARABIC}(?:{_MULT})?(?![\d.])(?!\s*(?:[%％‰℃]|个?百分点|倍|"
                   r"个?(?:小时|月|星期|工作日)|[天年周岁秒分日号时点]))")  # "27日9时": a day and an hour, never a count
# A sum whose currency goes unsaid: a number in 万/亿, nothing after it that counts or measures something else
_UNSAID_SUM = re.compile(rf"(?<![\d.])(?:{_APPROX}\s*)?{_ARABIC}(?:{_MULT})(?![\d.]|{longest_first(COUNTERS)}|{_SYMBOL_UNITS}|"
                         rf"{longest_first(CURRENCIES)}|[%％‰天年周岁秒分日号时点次元])")
_MONEY_WORD = re.compile(longest_first(MONEY_WORDS))
# Points or a score ("拿下18分", "总分720分"): 分 counts nothing else (分钟, 三分之一, 一分钱), so only a question for
# points reads it (``qa.answer_types``, count_points)
_POINTS = re.compile(rf"(?<![\d.])(?:{_APPROX}\s*)?{_ARABIC}(?:{_TO}{_ARABIC})?\s*分(?![钟之钱])")
_YEAR = re.compile(r"(?:(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})\s*年")

_PERCENT = re.compile(
    rf"(?:{_APPROX}\s*)?(?:"
    rf"{_ARABIC}\s*[%％‰]?(?:{_TO}{_ARABIC})?\s*[%％‰]"
    rf"|百分之[{_CN_DIGITS}点\d.]+(?:{_TO}百分之[{_CN_DIGITS}点\d.]+)?"
    rf"|(?:{_ARABIC}|{_CN})\s*个百分点"
    rf"|(?:{_ARABIC}|{_CN})\s*个?基点"
    rf"|(?:{_ARABIC}|[{_CN_DIGITS}]+)分之(?:{_ARABIC}|[{_CN_DIGITS}]+)"
    rf"|(?<![\u4e00-\u9fff])[一二三四五六七八九十]成(?![为功员立本交长熟果就绩全])|(?<=[近约超逾达占有仅])[一二三四五六七八九十]成(?![为功员立本交长熟果就绩全])"
    rf"|(?:{_ARABIC}|{_CN})\s*倍|翻(?:了)?(?:一|两|几)?番)")


# A concentration or dose, one figure with a unit per volume or weight ("酒精含量浓度为69mg/100ml"): not 69 metres
_PER_VOLUME = re.compile(r"\d+(?:\.\d+)?\s*(?:mg|μg|ug|g|ml|mL|毫克|微克|克|毫升)\s*/\s*(?:\d+(?:\.\d+)?\s*)?"
                         r"(?:ml|mL|dL|dl|L|l|kg|g|m³|毫升|升|千克|公斤|克|立方米)")


def _numbers(sentence: str, kind: str, unit: str | None) -> list[Span]:
    if kind == "amount":
        found = [Span(m.start(), m.end(), m.group(0), kind) for m in _MONEY.finditer(sentence)
                 if unit is None or _currency(unit) == m.group("cur")]
        if unit is None:  # "销售额就有6000万": a sum in 万 or 亿 whose clause names what money it is
            taken = [(s.start, s.end) for s in found]
            found += [Span(m.start(), m.end(), m.group(0), kind) for m in _UNSAID_SUM.finditer(sentence)
                      if not _overlaps(m.span(), taken) and _MONEY_WORD.search(_clause_before(sentence, m.start()))]
        return found
    if unit == "分":
        return [Span(m.start(), m.end(), m.group(0), kind) for m in _POINTS.finditer(sentence)]
    years = [(m.start(), m.end()) for m in _YEAR.finditer(sentence)] + [(d.start, d.end) for d in find_dates(sentence)]
    money = [(m.start(), m.end()) for m in _MONEY.finditer(sentence)]
    found = [Span(m.start(), m.end(), m.group(0), kind) for m in _PER_VOLUME.finditer(sentence)] if unit is None else []
    per_volume = [(sp.start, sp.end) for sp in found]
    for m in _COUNT.finditer(sentence):
        if _inside((m.start(), m.end()), years) or _inside((m.start(), m.end()), money) \
                or _overlaps((m.start(), m.end()), per_volume):
            continue
        if _is_ordinal(sentence, m.start("num")):
            continue
        if unit is not None and not _unit_fits(unit, (m.group("mult") or "") + m.group("unit")):
            continue
        found.append(Span(m.start(), m.end(), m.group(0), kind))
    if unit is None:
        taken = [(s.start, s.end) for s in found] + years
        for start, end in money:  # "减持了多少美国国债" → 113亿美元: a bare 多少 is answered by a sum …
            if not _overlaps((start, end), taken):
                found.append(Span(start, end, sentence[start:end], kind))
                taken.append((start, end))
        for m in _PERCENT.finditer(sentence):  # … or as often by a share ("个人先自付多少")
            if not _overlaps((m.start(), m.end()), taken):
                found.append(Span(m.start(), m.end(), m.group(0), kind))
                taken.append((m.start(), m.end()))
        for m in _BARE.finditer(sentence):
            if not _overlaps((m.start(), m.end()), taken) and not _is_ordinal(sentence, m.start()):
                found.append(Span(m.start(), m.end(), m.group(0), kind))
    return sorted(found, key=lambda s: s.start)


def _currency(unit: str) -> str:
    for mult in sorted(MULTIPLIERS, key=len, reverse=True):
        if unit.startswith(mult):
            return unit[len(mult):]
    return unit


def count_unit(text: str) -> str | None:
    """The unit a count span is given in, without its multiplier: "约3.2万人" → 人, "12.6万人次" → 人次."""
    m = _COUNT.search(text)
    return _currency((m.group("mult") or "") + m.group("unit")) if m else None


def _unit_fits(asked: str, found: str) -> bool:
    """"多少人" is answered by 34人, 3万人, 300万人次; "多少个基点" by 25个(基点); "多少公里" by 4000公里."""
    return any(_one_unit_fits(asked, f) for f in {found, _currency(found) or found})  # 万人 (a counter too) is 万|人


def _one_unit_fits(asked: str, found: str) -> bool:
    if any(asked in g and found in g for g in _SPELLINGS):  # "多少度" by 21.6℃
        return True
    return found.startswith(asked) or asked.startswith(found)  # not 一次 for 多少人次: 次 is only its tail


# One unit under two spellings (度/℃, 公里/千米, 天/日), not a family of counters: 人 and 人次 count different things.
_SPELLINGS = tuple(g for g in UNIT_GROUPS if len(g) == 2)


def _is_ordinal(sentence: str, num_start: int) -> bool:
    return sentence[max(0, num_start - 1):num_start] == "第"


def _inside(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in others)


def _clause_before(sentence: str, end: int) -> str:
    """The words of ``end``'s clause before it: back to the last comma or stop."""
    start = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, end)), default=0)
    return sentence[start:end]


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in others)


# --- dates, times, durations ----------------------------------------------------------------------

_PART_OF_DAY = r"(?:凌晨|清晨|早上|早晨|上午|中午|午间|下午|傍晚|晚上|晚间|夜间|深夜|午夜|当晚|当天|白天|夜里|晚)"
_CN_MONTH = r"(?:十[一二]?|[一二三四五六七八九])"
_MONTH_EXTRA = r"(?:份|初|底|末|中旬|上旬|下旬|中)?"
_DATE_EXTRA = re.compile(
    rf"(?:(?:19|20)\d{{2}}|[〇零一二三四五六七八九]{{4}}|今|去|明|前)\s*年"
    rf"(?:(?:上|下)半年|第?[一二三四1-4]季度|年?[初底末中]|(?:\d{{1,2}}|{_CN_MONTH})(?:{_TO}(?:\d{{1,2}}|{_CN_MONTH}))?月{_MONTH_EXTRA})?"
    rf"|(?<![\d年])(?:\d{{1,2}}|{_CN_MONTH})(?:{_TO}(?:\d{{1,2}}|{_CN_MONTH}))?月{_MONTH_EXTRA}(?![\d一二三四五六七八九十日号])"
    rf"|(?:上|下)半年|第[一二三四1-4]季度")
_CLOCK = re.compile(
    rf"(?:{_PART_OF_DAY}\s*)?(?:\d{{1,2}}[:：]\d{{2}}(?:[:：]\d{{2}})?(?:{_TO}\d{{1,2}}[:：]\d{{2}})?"
    rf"|(?:\d{{1,2}}|[零一二两三四五六七八九十]{{1,3}})\s*(?:时(?![间期代候刻装尚事髦势])|点(?!建议|要求|意见|主张|措施|共识|看法|经验|原因|理由|想法|"
    rf"希望|内容|做法|举措|任务|意义|启示|体会|收获|改变|问题|特点|优势|好处|要点|重点|原则|工作|需求|说明|声明))"
    rf"(?:\s*(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*分|半|许|整|钟|左右)?)")
_DURATION = re.compile(
    rf"(?:(?:每隔|每|长达|历时|为期|持续|用时|耗时|前后|{_APPROX})\s*)?"
    rf"(?P<num>{_NUM}|半)(?:{_TO}{_NUM})?{_MORE}?(?:个)?半?"
    rf"(?P<unit>个?工作日|个?小时|个?月|年(?!级|龄|代|度|初|底|末|中|后|轻|间)|周(?!年|边|末|岁)|星期|天|日|分钟|秒钟?|昼夜|晚|宿|季度)"
    rf"(?:半|多|余|以上|左右|之久|内|以内|之内)?")
_DAY_CUE_BEFORE = re.compile(r"(?:近|连续|为期|历时|持续|长达|共|用时|耗时|每|累计|仅用|只用|达|满|过去|未来|前)\s*$")
_DAY_CUE_AFTER = re.compile(r"(?:内|以内|之内|来|左右|之久|后)")


def _dates(sentence: str, anchor: date | None) -> list[Span]:
    spans = [(d.start, d.end) for d in find_dates(sentence, anchor)]
    spans += [(m.start(), m.end()) for m in _DATE_EXTRA.finditer(sentence)]  # 2023年上半年, 7月份
    spans = _merge(sorted(spans), sentence, r"\s*|\s*(?:至|到|-|—|~)\s*")
    out = []
    for s, e in spans:
        tail = re.match(rf"\s*(?:{_PART_OF_DAY}|[（(]星期[一二三四五六日天][)）]|周[一二三四五六日])?", sentence[e:])
        e += tail.end() if tail else 0
        clock = _CLOCK.match(sentence, e)
        if clock and clock.group(0).strip():
            e = clock.end()
        out.append(Span(s, e, sentence[s:e], "date"))
    return out


def _merge(spans: list[tuple[int, int]], sentence: str, gap: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and (s < out[-1][1] or re.fullmatch(gap, sentence[out[-1][1]:s])):
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def _times(sentence: str) -> list[Span]:
    out = []
    for m in _CLOCK.finditer(sentence):
        text = m.group(0)
        bare_cn = re.fullmatch(r"[零一二两三四五六七八九十]{1,3}\s*[时点]", text)
        if bare_cn or not re.search(r"\d|[时点]", text):
            continue  # "三点" alone is more often "three points" than three o'clock
        out.append(Span(m.start(), m.end(), text, "time"))
    return out


_AGO = re.compile(r"(?:以|之)?前")


def _durations(sentence: str) -> list[Span]:
    dates = [(s.start, s.end) for s in _dates(sentence, None)]
    out = []
    for m in _DURATION.finditer(sentence):
        num, unit = m.group("num"), m.group("unit")
        if unit.startswith("年") and re.fullmatch(r"(?:19|20)\d{2}|[〇零一二三四五六七八九]{4}", num):
            continue  # 2023年 is a year
        if unit == "月" and sentence[m.start("unit") - 1:m.start("unit")] not in ("个", "半"):
            continue  # 7月 is a month; 3个月 a duration
        if unit == "日" and not (_DAY_CUE_BEFORE.search(sentence[:m.start()] + m.group(0)[:m.start("num") - m.start()])
                                or _DAY_CUE_AFTER.match(sentence, m.end("unit"))):
            continue  # 16日 is a day of the month unless a cue says it lasts
        if _is_ordinal(sentence, m.start("num")):
            continue
        if (ago := _AGO.match(sentence, m.end())) is not None:  # "32年前的命案": how long ago (qa.fits: only if asked so)
            out.append(Span(m.start(), ago.end(), sentence[m.start():ago.end()], "duration"))
            continue
        if _inside((m.start("num"), m.end("unit")), dates):
            continue
        out.append(Span(m.start(), m.end(), m.group(0), "duration"))
    return out


# --- names -----------------------------------------------------------------------------------------

_PERSON_FLAGS = {"nr", "nrfg", "nrt"}
_NAME_SEP = "·•・"
_TITLED = re.compile(r"[\u4e00-\u9fff](?:女士|先生|某某?|老师|师傅|阿姨|大爷|大妈|同学)")
ORG_ENDINGS = ("委员会", "协会", "学会", "联合会", "商会", "基金会", "工会", "理事会", "董事会", "国安会", "红十字会", "研究会",
               "促进会", "联谊会", "总工会", "局", "委", "部", "厅", "办", "院", "中心", "公司", "集团", "银行", "大学", "学院",
               "学校", "中学", "小学", "幼儿园", "研究所", "事务所", "交易所", "派出所", "医院", "政府", "法院", "检察院",
               "党委", "分行", "支行", "署", "政协", "人大", "侨联", "妇联", "团委", "文联", "科协", "联盟", "基金", "平台",
               "贸促会", "工商联", "残联", "消协",
               "组织", "机构", "电视台", "电台", "报社", "日报", "晚报", "通讯社", "新闻社", "社", "海关", "部队", "实验室",
               "俱乐部", "球队", "队", "团", "厂", "馆", "所", "站", "台", "军", "警方", "联社", "处", "集团公司", "股份")
_ORG_END = re.compile(rf"(?:{longest_first(ORG_ENDINGS)})$")
_NOT_ORG = frozenset(("部分", "全部", "内部", "外部", "干部", "局部", "东部", "西部", "南部", "北部", "中部", "头部", "底部", "面部",
                      "胸部", "腹部", "大部", "本部", "结局", "格局", "布局", "大局", "出局", "开局", "举办", "开办", "创办",
                      "主办", "承办", "协办", "督办", "庭院", "剧院", "影院", "重心", "核心", "社", "团", "队", "处", "所",
                      "站", "台", "院", "部", "局", "委", "办", "团队", "排队", "到处", "好处", "难处", "此处", "处处", "之处",
                      "各处", "益处", "长处", "短处", "深处", "远处", "场所", "住所", "厕所", "所", "平台", "舞台", "后台",
                      "前台", "阳台", "出台", "上台", "讲台", "车站", "网站", "基金", "机构", "组织", "冠军", "亚军",
                      "季军", "大军", "参军", "将军", "全军", "股份", "展馆", "场馆", "宾馆", "一团", "社团", "军团",
                      "乐团", "集团", "中心", "部队"))
_ORDINAL = re.compile(r"第[一二三四五六七八九十百\d]+")
_ORG_BODY_FLAGS = {"ns", "nt", "nz", "n", "j", "nr", "nrt", "b", "vn", "an", "eng", "l", "s"}
_PLACE_ENDINGS = re.compile(r"(?:省|市|县|区|镇|乡|村|街道|社区|景区|公园|广场|机场|车站|港|湾|岛|山|湖|河|江|礁|峡|海|州|洲|国|营|"
                            r"大学|学院|体育馆|博物馆|会展中心|酒店|宾馆|大厦|小区|园区|基地)$")
_TITLE = re.compile(r"《[^《》\n]{1,60}》")
_QUOTED = re.compile(r"[“\"「『][^“”\"「」『』\n]{1,40}[”\"」』]")


# Who acted is often a group or a role, not a name: 鉴定专家, 警方, 文旅部门, 电力工人.
_ROLES = (r"专家|人才|人员|工人|警方|干部|代表|志愿者|官员|部门|医生|护士|教师|老师|学生|居民|村民|群众|网友|"
          r"民众|记者|队员|选手|运动员|消防员|负责人|领导|主席|总统|总理|首相|部长|市长|省长|书记|大使|发言人|"
          r"主任|局长|厅长|院长|校长|董事长|总经理|经理|创始人|主持人|导演|演员|作家|学者|教授|研究员|院士|"
          r"法官|律师|警察|民警|士兵|军人|团队|家属|游客|乘客|市民|农民|商户|企业家|"
          # the titles of firms, banks and bodies ("首席执行官兼总裁柏乐一行"): after the longer ones above
          r"首席执行官|执行官|总裁|行长|会长|秘书长|总干事|理事长|社长|馆长|总监|总编辑|主编|议员|"
          # the heads of groups, teams and offices ("工作组组长肖伟民表示")
          r"组长|队长|班长|站长|所长|处长|科长|县长|区长|镇长|乡长|村长|州长|团长|司长|署长|庭长|检察长|机长|船长")
ROLE_END = re.compile(rf"(?:{_ROLES})$")


def after_title(sentence: str, start: int) -> bool:
    """A role or title stands right before ``sentence[start:]`` ("兼总裁|柏乐一行"): what follows is its holder's name."""
    return bool(ROLE_END.search(sentence, 0, start))


# "受助学生代表吉乐乐说", "区人大常委会主任苏春光主持会议", "镇纪委副书记杨春城带着…": a name jieba does not know,
# between a role and a speech or action verb (or the next name of a list).
_NAME_AFTER_ROLE = re.compile(rf"(?:{_ROLES})(?P<name>[\u4e00-\u9fff]{{2,3}}?)(?=说|表示|介绍|称|指出|告诉|认为|坦言|透露|"
                              r"强调|提出|回忆|感慨|笑着|一行|在|发言|\d{1,2}日|"  # "德国总理朔尔茨13日…"
                              r"主持|带着|带领|率队|出席|会见|致辞|讲话|宣布|陪同|调研|视察|考察|参加|签署|、|和|与)")
# "志愿军老兵关成有，在家人的陪同下…": before a comma, only a name that opens with a common surname
_SURNAMED_AFTER_ROLE = re.compile(rf"(?:{_ROLES}|老兵|战士)(?P<name>[{SURNAMES}][\u4e00-\u9fff]{{1,2}}?)(?=[，,])")


# "鉴定专家Lee Young对着龙袍检查了一番", "Lee Young分析称": a name left in Latin letters, which jieba tags as
# English words. A person's only right after a role or before a speech verb: elsewhere such words name brands,
# programmes and firms (Antiques Roadshow, Apple).
_LATIN_NAME = re.compile(r"(?<![A-Za-z])(?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2})(?![A-Za-z])")
_SAYS = re.compile(r"\s*(?:分析|补充|解释|回应)?(?:说|表示|介绍|称|指出|认为|强调|透露|坦言|告诉|估计|估价)")


def _persons(sentence: str, named: bool = False) -> list[Span]:
    """Names, and the roles that stand for who acted (鉴定专家, 电力工人); with ``named`` (the question asks which
    holder of a role: "哪位副市长"), names only: the role is already the question's, and 副书记 is no one."""
    toks = pos_tokens(sentence)
    quoted = [(m.start() + 1, m.end() - 1) for m in _QUOTED.finditer(sentence)]
    spans: list[tuple[int, int]] = []
    for i, (w, f, pos) in enumerate(toks):
        if f in _PERSON_FLAGS and len(w) > 2 and ROLE_END.search(w):
            continue  # jieba tags "德国总理" as one name: a title, whose holder follows
        if f in _PERSON_FLAGS and (_NOT_A_NAME.search(w) or i + 1 < len(toks) and toks[i + 1][1] == "nt"):
            continue  # jieba tags 毛伊岛, 戴维营, 金融城 as names; and the place an organisation's name opens
            # with ("伯利兹|中国和平统一促进会表示"): a name never runs straight into a body's
        if f in _PERSON_FLAGS and w in countries():
            continue  # jieba tags 尼日尔 a name: a state, never a person
        if f in _PERSON_FLAGS and any(a <= pos and pos + len(w) <= b and b - a > len(w) for a, b in quoted):
            continue  # a part of a quoted phrase ("以武谋独" tagged 武谋独): a slogan, not a person
        if f == "nr" and len(w) == 2 and dictionary_tag(w) == "nr" and not ROLE_END.search(sentence, 0, pos):
            continue  # jieba's dictionary lists thousands of two-character words as names (严正, 太久, 灵敏):
            # one counts as a name only with a title or role right before it ("作家鲁迅")
        if f == "nr" and len(w) == 1 and i + 1 < len(toks) and toks[i + 1][1] in ("nr", "nrfg", "nz") \
                and len(toks[i + 1][0]) <= 2 and toks[i + 1][2] == pos + 1:
            spans.append((pos, pos + 1 + len(toks[i + 1][0])))  # jieba's 陈|海燕, 吴|爱华 (nz): a surname and a given name
            continue
        if f in _PERSON_FLAGS and len(w) >= 2 or (f in _PERSON_FLAGS and _joined_name(toks, i)):
            spans.append((pos, pos + len(w)))
        elif f in ("n", "nr", "nt", "nz", "j") and ROLE_END.search(w) and not named:
            start = pos
            if i > 0 and toks[i - 1][1] in ("n", "vn", "a", "b", "ns", "nz", "j", "an"):  # 电力|工人, 鉴定|专家
                start = toks[i - 1][2]
            spans.append((start, pos + len(w)))
    spans += [(m.start(), m.end()) for m in _TITLED.finditer(sentence)]
    spans += _transliterated(toks, sentence)
    spans += [m.span("name") for m in _LATIN_NAME.finditer(sentence)
              if ROLE_END.search(sentence, 0, m.start()) or _SAYS.match(sentence, m.end())]
    spans += [m.span("name") for rx in (_NAME_AFTER_ROLE, _SURNAMED_AFTER_ROLE) for m in rx.finditer(sentence)
              if dictionary_tag(m.group("name")) in (None, "nr", "nrt", "nrfg")]  # not "主席|培训班|在…": a word
    merged = _merge(sorted(spans), sentence, rf"[{_NAME_SEP}]")
    names = {s for s, _ in merged}
    # a role right before a name is that person's title, not another person: "主席陈式海" answers 陈式海
    # (given with the title by ``qa.general.full_name``), never "主席"
    return [Span(s, e, sentence[s:e], "person") for s, e in merged if not (e in names and ROLE_END.search(sentence[s:e]))]


# "杨振斌是什么职务", "原来担任什么职务": the question asks for a person's post; the answer is the title
# written right before the name ("上海交通大学党委书记杨振斌"), never a phrase ending in 职务 ("严重职务违法").
ROLE_HEADS = frozenset(("职务", "职位", "官职", "头衔", "身份"))
_TITLE_WORD_FLAGS = {"n", "nt", "ns", "nz", "j", "b", "vn", "an", "nr", "l"}


def names_in(text: str) -> list[str]:
    """The people ``text`` names, not the roles that stand for them."""
    return [sp.text for sp in _persons(text, named=True)]


def _titles(sentence: str) -> list[Span]:
    """The title right before each name: the nouns back from the name to a preposition, verb or punctuation,
    ending in a role; 、 only between two roles ("青岛市政协原党组书记、主席汲斌昌")."""
    toks = pos_tokens(sentence)
    starts = {sp.start for sp in _persons(sentence, named=True)}
    out = []
    for i, (_, _, pos) in enumerate(toks):
        if pos not in starts or i == 0 or not ROLE_END.search(toks[i - 1][0]):
            continue
        j = i - 1
        while j > 0:
            w, f, _ = toks[j - 1]
            if w == "、" and j > 1 and ROLE_END.search(toks[j - 2][0]):
                j -= 1
            elif f in _TITLE_WORD_FLAGS and toks[j - 1][2] not in starts:  # another name ends the title
                j -= 1
            else:
                break
        out.append(Span(toks[j][2], pos, sentence[toks[j][2]:pos], "definition"))
    return out


def _transliterated(toks, sentence: str) -> list[tuple[int, int]]:
    """The parts of a foreign name joined by a name separator ("维多利亚·纽兰"), whatever jieba tags them (here
    two places): the separator joins given name and surname, and nothing else in news prose. Not inside a
    title (《英雄·归来》)."""
    titles = [m.span() for m in _TITLE.finditer(sentence)]
    out = []
    for j in range(1, len(toks) - 1):
        (left, _, lpos), (sep, _, spos), (right, _, rpos) = toks[j - 1], toks[j], toks[j + 1]
        if sep in _NAME_SEP and _HAN_WORD.fullmatch(left) and _HAN_WORD.fullmatch(right) \
                and not any(a <= spos < b for a, b in titles):
            out += [(lpos, lpos + len(left)), (rpos, rpos + len(right))]
    return out


_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{1,6}")


# The ends of place names that jieba tags as a person's (毛伊岛, 戴维营, 董家渡金融城, 徐汇区): no given name ends so.
_NOT_A_NAME = re.compile(r"[岛城营港湾礁峡]$|^.{2,}[区县省]$|"
                         # times and congresses jieba tags as names: 今天下午 (nr), 二十大 (nrt)
                         r"^[今明昨前后当次]天|[上下中]午$|^[今昨明当][晚早]|^[一二三四五六七八九十]+大$")


def _joined_name(toks, i: int) -> bool:
    """"巴" in 约翰·巴·拉索: a one-character name part is kept when a name separator touches it."""
    near = [toks[j][0] for j in (i - 1, i + 1) if 0 <= j < len(toks)]
    return any(w in _NAME_SEP for w in near)


def _orgs(sentence: str) -> list[Span]:
    toks = pos_tokens(sentence)
    spans: list[tuple[int, int]] = []
    for i, (w, f, pos) in enumerate(toks):
        generic = w in _GENERIC_ORG and i > 0 and toks[i - 1][1] in ("ns", "nt", "nz", "j", "n", "nr", "vn", "v", "l")
        is_end = f == "nt" or generic or (
            bool(_ORG_END.search(w)) and w not in _NOT_ORG and f not in ("v", "d", "p", "c", "u", "r", "m", "q"))
        if not is_end:
            continue
        j = i
        if generic and toks[i - 1][1] == "v" and len(toks[i - 1][0]) == 2:  # 认证|中心
            j -= 1
        while j > 0 and i - j < 5 and (toks[j - 1][1] in _ORG_BODY_FLAGS and toks[j - 1][0] not in _NOT_ORG_BODY
                                         or _ORDINAL.fullmatch(toks[j - 1][0]) and j > 1 and toks[j - 2][1] == "ns"):
            j -= 1  # "成都市|第三|人民医院": a numbered body of a place
        start, end = toks[j][2], pos + len(w)
        for m in _JOINED_BODY.finditer(sentence, max(0, start - 16), end):
            if m.start() < start < m.end():  # "文化和旅游部": jieba splits at 和, which no body name holds, save these
                start = m.start()
        paren = re.match(r"[（(][A-Za-z]{2,10}[）)]", sentence[end:])  # （CNAS）
        if paren:
            end += paren.end()
        if end - start >= 2 and not _DATELINE.match(sentence, end):
            spans.append((start, end))
    spans += _named_after_kind(toks)
    return [Span(s, e, sentence[s:e], "org") for s, e in _merge(sorted(spans), sentence, "")]


# "荷兰乳品企业皇家菲仕兰", "日本车企丰田": a company named right after the kind of body it is, with no ending of
# its own. The words after the kind noun, up to 的, a verb or a mark, when they hold a proper name.
ORG_KINDS = frozenset(("企业", "公司", "车企", "药企", "房企", "险企", "银行", "集团", "品牌", "巨头", "厂商", "机构", "平台"))
_PROPER = frozenset(("nr", "nrt", "nrfg", "nz", "ns", "nt", "j", "eng"))


def _named_after_kind(toks) -> list[tuple[int, int]]:
    out = []
    for i, (w, _, _) in enumerate(toks):
        if w not in ORG_KINDS:
            continue
        j = i + 1
        while j < len(toks) and j - i <= 3 and (toks[j][1] in _PROPER or toks[j][1] == "n") \
                and not ROLE_END.search(toks[j][0]):  # "公司董事长王明": a person of the company
            j += 1
        run = toks[i + 1: j]
        if run and any(f in _PROPER for _, f, _ in run) and 2 <= sum(len(t[0]) for t in run) <= 8:
            out.append((run[0][2], run[-1][2] + len(run[-1][0])))
    return out


# "财联社7月28日电，…", "新华社北京8月7日电": the agency that filed the story, never what the story says
_DATELINE = re.compile(r"\s*(?:[一-鿿]{2,4})?\s*\d{1,2}月\d{1,2}日\s*(?:电|讯)")


# A bare generic noun is an organisation only after a name: 鹏华|基金, 认证|中心, 公安|局.
_GENERIC_ORG = frozenset(("局", "委", "部", "厅", "办", "院", "署", "团", "队", "社", "所", "基金", "银行", "集团", "公司",
                          "中心", "平台", "机构", "组织", "部队", "协会", "学会", "医院", "大学", "学院", "分行", "支行"))
# Government departments whose names hold 和, a conjunction that otherwise ends an organisation's name
# ("中国文化和旅游部" read as 旅游部): the State Council's ministries and the bureaus named after them.
JOINED_BODIES = ("文化和旅游", "工业和信息化", "人力资源和社会保障", "住房和城乡建设", "自然资源和规划", "卫生和计划生育")
_JOINED_BODY = re.compile("|".join(JOINED_BODIES))
_NOT_ORG_BODY = frozenset(("记者", "报道", "消息", "日前", "近日", "今天", "目前", "会议", "活动", "工作", "问题", "情况", "时间"))


# "备降在了哪个机场" → "江苏扬州的扬泰机场": a facility is named by the words right before its noun, which jieba
# splits (扬泰|机场, 苏南|硕|放|机场). From the clause's start or a particle (的, 在, 到…) to the noun.
_FACILITY = re.compile(r"(?:^|(?<=[，,。；;：:！!？?、\s“”（）()—的在到至从经往赴于]))"
                       r"(?P<name>[^，,。；;：:！!？?、\s“”（）()—的在到至从经往赴于]{2,8}?)"
                       r"(?:国际机场|机场|火车站|高铁站|汽车站|客运站|码头|口岸|体育场|体育馆|体育中心|公园|广场)")


def _facilities(sentence: str) -> list[tuple[int, int]]:
    """Named facilities (和田昆冈机场, 上海虹桥火车站); not a verb before a bare noun ("前往机场")."""
    out = []
    for m in _FACILITY.finditer(sentence):
        first = pos_tokens(m.group("name"))
        if first and first[0][1][:1] not in ("v", "d", "p", "r", "c", "m", "q", "t"):
            out.append((m.start(), m.end()))
    return out


# A street address: "松江区沪亭北路199弄10号楼122室", "西溪路128号新湖商务大厦11层". From its road to its last
# number; the districts before it are joined by the merge with the places found.
ADDRESS = re.compile(r"(?:(?![了的在于到是为和与及从向往对把被将搬位设迁址处])[\u4e00-\u9fff]){1,8}?(?:大道|路|街|巷|胡同|道)"
                     r"\s*\d+(?:[-－]\d+)?\s*(?:号|弄)(?![线道])"
                     r"(?:\s*[\d\u4e00-\u9fff]{0,12}?\d+\s*(?:号楼|号|弄|栋|幢|座|单元|层|楼|室))*")

_ADDRESS_LEAD = re.compile(r"(?:地址|位于|坐落于|设在|迁至|搬到|在|于|至|到|从|是|为)*")


def _places(sentence: str) -> list[Span]:
    spans = [(m.start, m.end) for m in find_places(sentence)] + _province_runs(sentence) + _facilities(sentence)
    spans += [(m.start() + len(_ADDRESS_LEAD.match(m.group()).group()), m.end()) for m in ADDRESS.finditer(sentence)]
    toks = pos_tokens(sentence)
    for (w, f, pos), (nxt, _, npos) in zip(toks, toks[1:], strict=False):
        if f in ("nr", "nrt", "nz", "j") and 2 <= len(w) <= 3 and nxt in _SETTLEMENTS and npos == pos + len(w):
            spans.append((pos, npos + 1))  # "毛旺庄|村" (jieba: a name, then 村): a village's name
    for w, f, pos in toks:
        if f == "ns" and len(w) == 2 and dictionary_tag(w) is None:
            continue  # a two-character "place" jieba's HMM made up from the words around it ("火炬|塔原|设计")
        if f == "ns" or (f in ("n", "nz", "nr", "nt", "j", "s") and len(w) >= 2 and _PLACE_ENDINGS.search(w)):
            spans.append((pos, pos + len(w)))
    merged = _merge(sorted(spans), sentence, "")
    return [Span(s, e, sentence[s:e], "place") for s, e in merged if not _NOT_A_PLACE.fullmatch(sentence[s:e])]


_SETTLEMENTS = frozenset("村庄屯寨镇乡")


# Words jieba tags as places that name none: a count of places ("粤陕两省", "三国") or a place only relative to
# the story (当地, 各地, 国内, 地区). "在哪里" is never answered by them.
_NOT_A_PLACE = re.compile(r"[一二两三四五六七八九十几多数各\d]+[省市国地方区县州]|地区|地方|当地|各地|本地|外地|异地|多地|"
                          r"全国|全省|全市|国内|国外|境内|境外|海外|区域|附近|现场|周边|沿线|辖区|"
                          # a road's ending without its name: "日晖|东路" (jieba tags 东路 a place)
                          r"[东西南北中]?[一二三四五六七八九十\d]*[路街巷]|"
                          # words that only end like a place: 节省 (saves), 上市 (listed), 股市 (stock market)
                          r"节省|反省|自省|上市|股市|楼市|车市|城市")


# "在舞台上边唱边跳", "在离场地将近200米外的湖边": where something happens is often a noun with a locative
# (上, 边, 旁…) after 在, not a named place. The phrase runs from 在 to the locative, within its clause.
_LOCATIVE = re.compile(r"(?<=[在于到])(?P<np>[^，,。；;：:！!？?、“”\s在]{1,14}?(?:上|边|旁|里|内|附近|一带|门口|脚下|周围|沿岸|之间))"
                       r"(?=[，,。；;！!、\s]|[\u4e00-\u9fff])")


def _locatives(sentence: str) -> list[Span]:
    out = []
    for m in _LOCATIVE.finditer(sentence):
        start = m.start("np") + len(_WHEN_FIRST.match(m.group("np")).group(0))  # "当天场馆内" → 场馆内
        text = sentence[start:m.end("np")]
        if len(text) >= 2 and not _NOT_LOCATIVE.fullmatch(text):
            out.append(Span(start, m.end("np"), text, "place"))
    return out


_WHEN_FIRST = re.compile(r"(?:当天|当时|当晚|今天|昨天|今年|去年|近日|日前|目前|现在|随后|此后|同时)?")


# 在会上, 在此基础上, 在网上: a locative after 在 that names an occasion, a basis or a medium, not a place
_NOT_LOCATIVE = re.compile(r".{0,3}(?:会|会议|发布会|活动|仪式|论坛|基础|方面|问题|过程|期间|网|线|平台|推特|微博|社交媒体|"
                           r"视频|节目|讲话|报告|声明|意义|程度|层面|领域|工作|历史|时间|心)上|.{0,2}[此这那其]里|.{0,4}(?:心|手|眼)里|.{0,2}[年月日天周]内")


_VENUE_END = re.compile(r"(?:大学|学院|学校|中心|馆|政协|政府|医院|国务院|外交部|国防部)$")


def _venues(sentence: str) -> list[Span]:
    """Bodies that name a place: "在哪里召开" → 湖北省政协, "哪个国家指责" → 美国国务院."""
    toks = pos_tokens(sentence)
    nt = {(pos, pos + len(w)) for w, f, pos in toks if f == "nt"}
    return [Span(o.start, o.end, o.text, "place") for o in _orgs(sentence)
            if _VENUE_END.search(o.text) or (o.start, o.end) in nt]


def _works(sentence: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group(0), "work") for m in _TITLE.finditer(sentence)]


# --- levels, definitions, lists ------------------------------------------------------------------

_LEVEL = re.compile(
    rf"(?:(?:排名|位列|位居|名列|排在|排|居)\s*)?第[\d{_CN_DIGITS}]+(?:名|位|级|等|档|大|届|轮|批|次|阶段)?"
    rf"|(?:\d*A{{1,5}}|\d+|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+|I{{1,3}}V?|IV|V|[一二三四五六七八九十]+|特|甲|乙|丙|丁|顶|最高|最低)\s*级(?!别|数|差)"
    rf"|[一二三四五六七八九十特\d]等奖|[一二三特]等(?![待于到同])|[金银铜]奖|冠军|亚军|季军|榜首|首位|[一二三四五\d]星级?"
    rf"|[一二三四五六七八九十\d]+档")
_DEF_CUE = frozenset(("是", "为", "即", "系", "指", "称为", "被称为", "被认定为", "被评为", "成为", "定为", "列为", "就是",
                      "乃是", "是指", "意为", "名为", "叫做", "叫作", "称作", "被誉为", "誉为", "被列为", "获评", "荣获", "获得"))
_CLAUSE_END = re.compile(r"[，,。；;！!？?\n]")
_ITEM = r"[^\s，,。；;：:、！!？?“”《》（）()]"
_ENUM = re.compile(rf"{_ITEM}{{1,14}}(?:、{_ITEM}{{1,14}})+(?:(?:和|及|以及|与|或|或者){_ITEM}{{1,14}})?")
_SHORT_LIST = re.compile(rf"[{PLACE_ABBREVIATIONS}]{{2,6}}[两三四五六七八九十](?:国|方|地|省|市|区)")  # 美英澳三国
# Provinces by their one-character names, run together: "京津冀晋鲁豫防汛应急三级响应" lists six. Three at least:
# two (京沪, 中欧) are mostly a name of their own (京沪高铁).
_PROVINCE_RUN = re.compile(r"(?<![京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁疆港澳台])"
                           r"[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁疆港澳台]{2,9}"
                           r"[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘宁疆港澳台]")  # not 青: 台青(年)
_PAIR_GAP = r"\s*(?:和|与|及|以及|同|、|或)\s*"


def _province_runs(sentence: str) -> list[tuple[int, int]]:
    """``_PROVINCE_RUN`` on whole words: not 辽宁|辽(河)."""
    bounds = {pos for _, _, pos in pos_tokens(sentence)} | {len(sentence)}
    return [(m.start(), m.end()) for m in _PROVINCE_RUN.finditer(sentence) if m.start() in bounds and m.end() in bounds]


def _levels(sentence: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group(0), "level") for m in _LEVEL.finditer(sentence)]


def _definitions(sentence: str) -> list[Span]:
    out: list[Span] = []
    for w, _, pos in pos_tokens(sentence):
        if w in _DEF_CUE:
            start = pos + len(w)
            end = _CLAUSE_END.search(sentence, start)
            stop = end.start() if end else len(sentence)
            text = sentence[start:stop].strip()
            if 1 < len(text) <= 60:
                lead = len(sentence[start:stop]) - len(sentence[start:stop].lstrip())
                out.append(Span(start + lead, start + lead + len(text), text, "definition"))
    for rx in (_QUOTED, _TITLE):
        out += [Span(m.start(), m.end(), m.group(0), "definition") for m in rx.finditer(sentence)]
    return sorted(set(out), key=lambda s: (s.start, s.end))


def _lists(sentence: str) -> list[Span]:
    spans: list[tuple[int, int]] = []
    for m in _ENUM.finditer(sentence):
        items = re.split(r"、|和|及|以及|与|或者|或", m.group(0))
        longest_rest = max(len(x) for x in items[1:])
        first = items[0]
        cut = max(0, len(first) - (longest_rest + 2))  # "研究显示协作机器人、物流机器人" → the items only
        end = m.end()
        if len(items) > 2:  # the last item is no longer than the middle ones, give or take a suffix (三省)
            end = _last_item_end(sentence, end - len(items[-1]), end, max(len(x) for x in items[1:-1]) + 2)
        spans.append((m.start() + cut, end))
    spans += [(m.start(), m.end()) for m in _SHORT_LIST.finditer(sentence)]
    spans += _province_runs(sentence)
    names = sorted({(s.start, s.end) for s in _orgs(sentence) + _places(sentence) + _persons(sentence)})
    for (s1, e1), (s2, e2) in zip(names, names[1:], strict=False):  # "商务部和云南省人民政府"
        if e1 <= s2 and re.fullmatch(_PAIR_GAP, sentence[e1:s2]):
            spans.append((s1, e2))
    spans += _noun_pairs(sentence)
    starts = {pos for _, flag, pos in pos_tokens(sentence) if flag not in _NOT_OPENING}  # a list opens on a content
    # word, not inside one or on a particle ("作的科学性…", "的科学性…")
    spans = [(next((b for b in range(s, e) if b in starts), s), e) for s, e in spans]
    merged = _merge(sorted(spans), sentence, "")
    return [Span(s, e, sentence[s:e], "list") for s, e in merged]


def _last_item_end(sentence: str, start: int, end: int, longest: int) -> int:
    """Where a list's last item ends: on a whole word, at most ``longest`` characters in unless its first word
    is longer. "北京、吉林、黑龙江维持防汛三级应急响应" ends after 黑龙江; what follows is the clause's verb."""
    stop = start
    for word, _, at in pos_tokens(sentence):
        if at < start or at >= end:
            continue
        if at + len(word) - start > longest and stop > start:
            break
        stop = at + len(word)
    return min(max(stop, start + 1), end)


_NOT_OPENING = {"uj", "ul", "uz", "ug", "p", "c", "d", "x"}
_NOUNISH = {"n", "ns", "nt", "nz", "nr", "j", "vn", "an", "eng", "l"}


def _noun_pairs(sentence: str) -> list[tuple[int, int]]:
    """Two noun phrases joined by 和/与/及/或 ("中国电力和认证中心", "猪肉与禽蛋"): a two-item list. The
    right phrase may end in a noun after one verb-like word (认证|中心)."""
    toks = pos_tokens(sentence)
    out = []
    for i, (w, _, _) in enumerate(toks):
        if w not in ("和", "与", "及", "以及", "或", "或者") or i == 0 or i + 1 >= len(toks):
            continue
        j = i
        while j > 0 and i - j < 3 and toks[j - 1][1] in _NOUNISH:
            j -= 1
        k = i + 1
        while k < len(toks) and k - i <= 3 and (toks[k][1] in _NOUNISH or (toks[k][1] == "v" and k + 1 < len(toks)
                                                                           and toks[k + 1][1] in _NOUNISH)):
            k += 1
        if j < i and k > i + 1 and toks[k - 1][1] in _NOUNISH:
            out.append((toks[j][2], toks[k - 1][2] + len(toks[k - 1][0])))
    return out


# --- phrase edges ----------------------------------------------------------------------------------
# A phrase answer (a definition, a list, an open answer, and the fill of a question's frame, ``qa.frame``) is
# cut by character offsets and regular expressions that know nothing of words; left alone they start or
# end inside a word ("主义”形成…" of 形式主义), keep a preposition whose clause lies outside ("对天津、河北"),
# end on a verb whose object lies outside ("保护皮肤免受"), stop before their head noun ("…执行任务的美国"
# of 美国无人机) or open or close a quote they do not hold ("会同央视发布的“大国工匠"). ``tidy_phrase``
# repairs each edge by the rules below, or drops the span when nothing of it is left: a sentence then holds
# no span of its type. jieba's segmentation of the whole sentence (cached) is the reference for words.

# A preposition (p) or conjunction (c) that opens a span holding no verb after it is left over: only its object
# (or its second conjunct) is in the span, the clause it belongs to is outside ("对天津、河北" → 天津、河北). With
# a verb after it, it opens a clause that modifies the phrase's head ("由刑侦骨干组成的专案小组") and stays.
_OPENING_FLAGS = frozenset(("p", "c"))
# Words that open a span as a preposition does but that jieba tags otherwise: dropped from a span's head
# whatever follows, since the clause they join the span to is always outside.
OPENING_WORDS: dict[str, str] = {
    "会同": "\"A会同B发布\": B is a co-actor of the verb outside (jieba tags 会同 a noun)",
    "连同": "\"连同X\": X is added to something outside the span",
    "随着": "\"随着X\": a circumstance of the clause outside",
}

# Words a phrase never ends on when the sentence goes on with a word right after them: what they need (an
# object, a complement) is outside the span, so the word is trimmed. A preposition (p) or conjunction (c) at
# the end is trimmed as well ("…上空向", "…和"), and so is 的, whose head is outside.
CLOSING_WORDS: dict[str, str] = {
    "免受": "\"免受X\": protected from X; without X nothing is said",
    "受到": "\"受到X\": X is what is undergone",
    "遭受": "as 受到",
    "进行": "\"进行X\": a dummy verb, X is the action",
    "开展": "as 进行",
    "加以": "as 进行",
    "予以": "as 进行",
    "给予": "\"给予X\": X is what is given",
    "作为": "\"作为X\": X is the role",
    "成为": "\"成为X\": X is what it became, the usual answer itself",
    "位于": "\"位于X\": X is the place",
    "属于": "\"属于X\": X is the class",
    "包括": "\"包括X\": X are the items",
    "涉及": "\"涉及X\": X is the matter",
    "用于": "\"用于X\": X is the use",
    "致力于": "\"致力于X\": X is the aim",
    "有利于": "\"有利于X\": X is what benefits",
    "导致": "\"导致X\": X is the outcome",
    "造成": "as 导致",
    "引发": "as 导致",
}
_CLOSING_FLAGS = frozenset(("p", "c", "uj"))

# A phrase that ends on a noun or modifier right before a noun (no punctuation between) has lost its head:
# "一架正在执行任务的美国" of 美国无人机, "战略合作" of 战略合作框架协议. It is extended over that noun run,
# at most HEAD_WORDS words. Not a list: its last item may well be followed by what the items own or form
# ("美英澳三国|空军" answers 哪些国家), not by their head.
# The words before a cut head are those that mostly modify a noun after them: a name, an attribute, a
# numeral, a verbal noun. Not a plain noun (n): it is as often a head itself ("系统结构|方面").
_HEAD_BEFORE = frozenset(("nz", "ns", "nt", "nr", "nrt", "j", "b", "a", "vn", "m"))
_HEAD_NOUN = frozenset(("n", "nz", "ng", "l", "j", "vn"))
HEAD_WORDS = 3

# A phrase that ends in a prepositional phrase whose verb comes after the span ("德国在这方面|的合作伙伴",
# "加强与海关等有关部门|的密切协作") runs from one phrase into the next: what the preposition governs is kept
# ("海关等有关部门"), the words before it belong elsewhere. When that object is a pronoun ("这方面") or under
# two characters, nothing is left and the span is dropped. The object is the words after the span's last
# preposition up to its end, when they are all of _OBJECT_FLAGS.
_OBJECT_FLAGS = frozenset(("n", "nz", "ns", "nt", "nr", "nrt", "j", "l", "s", "f", "m", "mq", "q", "r", "eng",
                           "ng", "b", "an", "vn", "u"))
_DEMONSTRATIVES = "这那此其该"  # an object that opens on one points back at the text ("这方面", "该领域"): no answer

# Quotes and brackets a phrase must hold in pairs. A span that opens one without its close (or closes one it
# did not open) is extended to the matching mark when it is within QUOTE_REACH characters; else it is cut at the
# lone mark and keeps its longer side ("围绕“市委党史研究院把…" of a long quote → 市委党史研究院把…).
_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "（": "）", "(": ")", "【": "】", "〔": "〕"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
QUOTE_REACH = 20
_EDGE_PUNCT = frozenset(" \t\n\u3000、，,。；;：:！!？?…—·")  # separators a phrase neither opens nor ends on
PHRASE_KINDS = frozenset(("definition", "list", "open"))


def _strip_edges(sentence: str, start: int, end: int) -> tuple[int, int]:
    while start < end and sentence[start] in _EDGE_PUNCT:
        start += 1
    while end > start and sentence[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def _balance(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Extend to (or cut back from) the pair of every quote or bracket the span opens or closes alone."""
    stack: list[int] = []
    lone_close: list[int] = []
    for i in range(start, end):
        ch = sentence[i]
        if ch in _PAIRS:
            stack.append(i)
        elif ch in _CLOSERS:
            if stack and sentence[stack[-1]] == _CLOSERS[ch]:
                stack.pop()
            else:
                lone_close.append(i)
    if lone_close:
        first, last = lone_close[0], lone_close[-1]
        opener = sentence.rfind(_CLOSERS[sentence[first]], max(0, start - QUOTE_REACH), start)
        if opener >= 0 and len(lone_close) == 1 and sentence.find(sentence[first], opener + 1, start) < 0:
            start = opener
        elif first - start > end - last - 1:
            end = first  # "…提供有力保障”、…": what stands before the first lone close is the longer side
        else:
            start = last + 1
    lone = [i for i in stack if start <= i < end]
    if lone:
        first, last = lone[0], lone[-1]
        closer = sentence.find(_PAIRS[sentence[last]], end, end + QUOTE_REACH)
        if len(lone) == 1 and closer >= 0:
            end = closer + 1
        elif first - start >= end - last - 1:
            end = first
        else:
            start = last + 1
    return start, max(start, end)


def tidy_phrase(sentence: str, start: int, end: int, kind: str) -> Span | None:
    """The phrase ``sentence[start:end]`` with its edges on whole words and its quotes paired (the rules
    above), or None when nothing of two characters is left."""
    toks = pos_tokens(sentence)
    for w, _, pos in toks:  # on whole words: "主义”…" of 形式主义 opens at 形式
        if pos < start < pos + len(w):
            start = pos
        if pos < end < pos + len(w):
            end = pos + len(w)
    start, end = _strip_edges(sentence, start, end)
    start, end = _balance(sentence, start, end)
    start, end = _strip_edges(sentence, start, end)
    inside = [t for t in toks if start <= t[2] and t[2] + len(t[0]) <= end]
    while len(inside) > 1 and (inside[0][0] in OPENING_WORDS or inside[0][1] in _OPENING_FLAGS
                               and not any(f.startswith("v") and f != "vn" for _, f, _ in inside[1:])):
        inside = inside[1:]  # "对天津、河北" → 天津、河北
    after = {t[2]: i for i, t in enumerate(toks)}
    while len(inside) > 1 and (inside[-1][1] in _CLOSING_FLAGS or inside[-1][0] in CLOSING_WORDS):
        nxt = after.get(inside[-1][2] + len(inside[-1][0]))
        if nxt is None or toks[nxt][1] == "x":
            break  # the clause ends there: nothing it needs was cut off
        inside = inside[:-1]  # "保护皮肤免受" → 保护皮肤
    if not inside:
        return None
    last_p = max((i for i, t in enumerate(inside) if t[1] == "p"), default=None)
    nxt = after.get(inside[-1][2] + len(inside[-1][0]))
    if last_p is not None and last_p + 1 < len(inside) and nxt is not None and toks[nxt][1] != "x" \
            and all(f in _OBJECT_FLAGS and f != "uj" for _, f, _ in inside[last_p + 1:]):
        inside = inside[last_p + 1:]  # "加强与海关等有关部门" → 海关等有关部门
        if inside[0][1] == "r" or inside[0][0][0] in _DEMONSTRATIVES or sum(len(w) for w, _, _ in inside) < 2:
            return None  # "德国在这方面": only a pronoun is left
    start, end = inside[0][2], inside[-1][2] + len(inside[-1][0])
    if kind != "list" and inside[-1][1] in _HEAD_BEFORE and not _PROVINCE_RUN.fullmatch(inside[-1][0]):
        # (jieba tags a run of provinces' short names as a person, 晋鲁豫: a list of places has no lost head)
        nxt = after.get(end)
        taken = 0
        while nxt is not None and nxt < len(toks) and toks[nxt][1] in _HEAD_NOUN and taken < HEAD_WORDS:
            end = toks[nxt][2] + len(toks[nxt][0])  # "…执行任务的美国" → …美国无人机
            nxt += 1
            taken += 1
    start, end = _strip_edges(sentence, start, end)
    if end - start < 2:
        return None
    return Span(start, end, sentence[start:end], kind)


# --- entry points ----------------------------------------------------------------------------------

_MODIFIER_FLAGS = {"n", "vn", "a", "an", "b", "nz", "ns", "nt", "nr", "nrt", "j", "l", "i", "v", "d", "m", "eng", "ng", "uj"}


def _headed(sentence: str, head: str, kind: str) -> list[Span]:
    """Phrases ending in the asked noun with a modifier before it: "什么原则" → 互利共赢原则,
    "哪个段" → 磨万段. Up to four modifier words (one 的 inside), never across punctuation. Every word of
    the asked noun is in the phrase: "什么样的合作领域" is not answered by 研究领域 (深化合作的领域 answers)."""
    toks = pos_tokens(sentence)
    head_words = [w for w, _, _ in pos_tokens(head)]
    last = head_words[-1] if head_words else head
    out = []
    for i, (w, _, pos) in enumerate(toks):
        if w != last and not (len(last) == 1 and w.endswith(last)):
            continue
        j = i
        while j > 0 and i - j < 4 and toks[j - 1][1] in _MODIFIER_FLAGS and toks[j - 1][0] not in ("是", "为", "有", "在"):
            j -= 1
        # a phrase does not open with 的 or an adverb, nor with a verb, which governs it ("打造|一流环境",
        # "评|营商环境", "实施|的|城市设计项目")
        while j < i and toks[j][1] in ("uj", "d", "v"):
            j += 1
        if j == i:
            continue
        start, end = toks[j][2], pos + len(w)
        if sentence[start:end] != head and end - start > len(last) and all(h in sentence[start:end] for h in head_words):
            out.append(Span(start, end, sentence[start:end], kind))
    return out


_PARTICLES = re.compile(r"(?:了|着|过|为|成|到|出|给|的是|是|起)*")


def _objects(sentence: str, focus: str, kind: str) -> list[Span]:
    """What follows the asked verb: "亲自试驾了什么" → 试驾 → "多用途战斗装甲车" in "…亲自试驾了多用途战斗
    装甲车。"; up to the clause end, at most 30 characters."""
    words = [w for w, f, _ in pos_tokens(focus) if f.startswith("v") or f in ("p",)]
    if not words or len(words[-1]) < 2:
        return []
    verb = words[-1]
    out = []
    for w, _, pos in pos_tokens(sentence):
        if w != verb:
            continue
        start = pos + len(w)
        start += _PARTICLES.match(sentence, start).end() - start
        stop = _CLAUSE_END.search(sentence, start)
        end = min(stop.start() if stop else len(sentence), start + 30)
        if end - start >= 2:
            out.append(Span(start, end, sentence[start:end], kind))
    return out


# "实施强制性产品认证（以下简称CCC认证）": the words before a short name's parenthesis are what it stands for.
_SHORT_FOR = re.compile(r"[（(]\s*(?:以下简称|以下称|下称|简称)\s*[“\"]?(?P<short>[^”\"）)]{1,20}?)[”\"]?\s*[）)]")
_NAME_WORD_FLAGS = {"n", "nz", "nt", "ns", "nr", "j", "vn", "b", "an", "eng", "l", "nrt", "ng"}


def short_names(sentence: str) -> list[tuple[str, Span]]:
    """(short name, the phrase it stands for) for each "…（简称X）" of the sentence: the run of noun-like words
    right before the parenthesis ("实施|强制性|产品认证" → 强制性产品认证)."""
    out = []
    toks = pos_tokens(sentence)
    for m in _SHORT_FOR.finditer(sentence):
        words = [t for t in toks if t[2] + len(t[0]) <= m.start()]
        start = m.start()
        for w, f, pos in reversed(words[-8:]):
            if f not in _NAME_WORD_FLAGS or pos + len(w) != start:
                break
            start = pos
        if m.start() - start >= 2:
            out.append((m.group("short"), Span(start, m.start(), sentence[start:m.start()], "definition")))
    return out


_WEEKDAY = re.compile(r"(?:每)?(?:周|星期|礼拜)[一二三四五六日天](?:\s*(?:至|到|、|和|及|-|—)\s*(?:周|星期|礼拜)?[一二三四五六日天])*")


def _weekdays(sentence: str) -> list[Span]:
    """Days of the week ("每周五", "周二至周四"): what "每周几" asks, which no calendar date answers."""
    return [Span(m.start(), m.end(), m.group(0), "date") for m in _WEEKDAY.finditer(sentence)]


def find_asked(sentence: str, asked, anchor: date | None = None) -> list[Span]:
    """``find_spans`` for an ``AskedType`` from ``qa.answer_types.classify``."""
    return find_spans(sentence, asked.kind, asked.unit, anchor=anchor, head=asked.head, focus=asked.focus)


def find_spans(sentence: str, kind: str, unit: str | None = None, anchor: date | None = None,
               head: str | None = None, focus: str | None = None) -> list[Span]:
    """Candidate answers of ``kind`` (an ``AskedType.kind``) in ``sentence``, by start. ``unit`` keeps
    only counts or sums in that unit; ``anchor`` (the article's date) lets "16日" count as a date;
    ``head`` (the asked noun, "原则") adds the phrases it heads for definition, list and open questions;
    ``focus`` (the words before the question word) adds, for open questions, what follows its verb.
    yesno questions, and open ones with neither, have no typed span: the result is empty."""
    if not sentence:
        return []
    if kind in ("count", "amount"):
        return _numbers(sentence, kind, unit)
    if kind == "definition" and head in ROLE_HEADS:  # "杨振斌是什么职务": the titles names carry, nothing else
        return _titles(sentence)
    extra = _headed(sentence, head, kind) if head and kind in ("definition", "list", "open") else []
    if focus and kind == "open":
        extra += _objects(sentence, focus, kind)
    if extra and kind == "list":  # "母乳喂养咨询门诊或营养门诊": two phrases with one head are a list
        pairs = [(a.start, b.end) for a, b in zip(extra, extra[1:], strict=False) if re.fullmatch(_PAIR_GAP, sentence[a.end:b.start])]
        extra += [Span(s, e, sentence[s:e], kind) for s, e in pairs]
    finders = {
        "percent": lambda: [Span(m.start(), m.end(), m.group(0), "percent") for m in _PERCENT.finditer(sentence)
                            if unit is None or m.group(0).endswith(unit)],
        "date": lambda: (_weekdays(sentence) if unit == "weekday" else
                         [d for d in _dates(sentence, anchor) if unit is None or unit in d.text]),
        "time": lambda: _times(sentence),
        "duration": lambda: _durations(sentence),
        "person": lambda: _persons(sentence, named=bool(focus and ROLE_END.search(focus))),
        "org": lambda: _orgs(sentence),
        "place": lambda: _places(sentence) + _venues(sentence) + _locatives(sentence),
        "work": lambda: _works(sentence),
        "level": lambda: _levels(sentence),
        "definition": lambda: _definitions(sentence),
        "list": lambda: _lists(sentence),
    }
    finder = finders.get(kind)
    found = (finder() if finder else []) + extra
    if kind in PHRASE_KINDS:  # on whole words, quotes paired, no leftover preposition (``tidy_phrase``)
        found = [t for sp in found if (t := tidy_phrase(sentence, sp.start, sp.end, kind)) is not None]
    return sorted(set(found), key=lambda sp: (sp.start, sp.end))


_STRIP = re.compile(r"[\s《》“”\"「」『』（）()，,。、；;：:！!？?]")


LEGAL_FORMS = frozenset(("有限公司", "有限责任公司", "股份有限公司", "股份公司", "有限", "公司", "责任"))


def span_not_in_question(span: Span, question_text: str) -> bool:
    """False when the span only repeats the question ("2023年上半年" for "2023年上半年…增长了多少？"):
    its text is in the question, or every word of it is. A sentence whose only span of the asked
    type is such an echo restates the question; it does not answer it."""
    text = _STRIP.sub("", span.text)
    question = _STRIP.sub("", question_text)
    if not text:
        return False
    if text in question:
        return False
    # word by word, a quoted name in the question does not count: "哪个城市实施了包括“保定小院”项目在内的…"
    # names a project, and 保定市 still answers it
    unquoted = _STRIP.sub("", _QUOTED.sub("", question_text))
    words = [(w, f) for w, f, _ in pos_tokens(text) if w.strip() and not _STRIP.fullmatch(w)]
    # a firm's legal form adds nothing: "江苏科维控股集团有限公司" echoes "江苏科维控股集团…的是哪个纪检监察机构"
    words = [(w, f) for w, f in words if w not in LEGAL_FORMS] or words
    # a one-character numeral never echoes: jieba tags the 8 of "8月份" x, not m
    return not all(w in unquoted and (len(w) > 1 or f != "m" and not w.isdigit()) for w, f in words)
