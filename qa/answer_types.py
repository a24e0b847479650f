"""What kind of answer a question asks for: a count, a sum of money, a date, a person, an organisation…

The answerer quotes sentences; knowing that "多少亿元" wants an amount lets it prefer a sentence that
holds one (see ``qa/spans.py``) over one that merely restates the question. The rules are data: one
ordered table, first match wins, each rule named and with the reason it sits where it does.
Pure text: no model, no store; the only dependency is jieba, for the ``focus`` words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from zhtext.pos import pos_tags
from zhtext.vocabulary import (
    COUNTERS,
    CURRENCIES,
    MONEY_WORDS,
    MULTIPLIERS,
    ORDINAL_COUNTERS,
    alternation,
    longest_first,
)

KINDS = ("count", "amount", "percent", "date", "time", "duration", "person", "org", "place", "work", "level",
         "list", "definition", "yesno", "open")


@dataclass(frozen=True)
class AskedType:
    kind: str  # one of KINDS
    unit: str | None = None  # for count/amount when the question names one: 人, 亿元, 元, 轮; percent: 个百分点, 倍;
    # date: 年 or 月 when it asks which year or month
    focus: str = ""  # the words right before the question word: "受伤人数是多少" → 受伤人数
    head: str = ""  # the noun right after it, the kind of thing asked for: "坚持什么原则" → 原则
    rule: str = ""  # the rule that decided, for benchmarks and debugging


@dataclass(frozen=True)
class TypeRule:
    name: str
    kind: str
    pattern: re.Pattern[str]
    why: str
    needs_head: bool = False  # matches only when a noun follows the question word ("什么原则", not "吃什么")
    unit: str | None = None  # the counter the answer carries when the question leaves it unsaid (多大年纪: 岁)


# Currencies and the counters news counts things in; longest first so 美元 wins over 元, 人次 over 人.
_MONEY_UNIT = rf"(?:{longest_first(MULTIPLIERS)})?(?:{longest_first(CURRENCIES)})"
_HOW_MANY = r"(?:多少|(?<!哪)几)"
# "造成了多少国有资产损失": 国 opens 国有, 国企, 国资, 国营, 国债, 国库 there, and counts no countries
_COUNTERS_ASKED = "|".join(re.escape(c) + ("(?![有企资营债库])" if c == "国" else "")
                           for c in sorted(COUNTERS, key=len, reverse=True))  # 哪几个部门 asks which ones (a list), not how many
_CHANGE = r"(?:增长|下降|上涨|下跌|提高|降低|减少|增加|回落|上升|收窄|扩大|缩小|提升|下滑|增|降|涨|跌)"
_MONEY_WORDS = rf"(?:{alternation(MONEY_WORDS)})"
_PERCENT_WORDS = r"(?:税率|利率|汇率|费率|比率|比重|占比|比例|增长率|增速|增幅|降幅|涨幅|跌幅|出口税|关税|失业率|通胀率|覆盖率|参与率|合格率|饱和度|满意度|完成度|份额|率)"
_ORG_NOUNS = (r"(?:部门|单位|机构|组织|公司|企业|集团|银行|学校|大学|高校|学院|高中|中学|小学|幼儿园|院校|医院|媒体|基金会|基金|协会|学会|团体|政党|机关|"
              r"法院|政府|部委|委员会|球队|俱乐部|品牌|平台|网站|报社|电视台|交易所|研究所|研究院|实验室|工厂|厂家|厂商|运营商|航空公司|"
              r"出版社|杂志社|通讯社|事务所|律所|商会|联合会|艺术团|剧团|乐团|合唱团|舞蹈团|剧院)")
# One-character place nouns start longer words (市场, 国外, 区别, 海关): they count only when no such word follows.
_PLACE_NOUNS = (r"(?:(?:国家|城市|省份|地区|地方|地点|乡镇|街道|社区|海域|海峡|港口|机场|车站|景区|景点|场馆|区域|流域|河流|"
                r"位置|路段|路口|大洲|口岸|小区|商场|商圈|购物中心|超市|酒店|宾馆|广场|公园|园区|基地|码头|场所|会场|展馆|"
                r"体育馆|体育场|地址|住址)|(?:省|市|县|区|镇|村|国|州|岛|湖|山|洲|海|湾|礁)(?![场民值别块际内外关报面峰]))")
_WORK_NOUNS = (r"(?:电影|电视剧|剧目|剧集|话剧|歌剧|舞剧|节目|栏目|书籍|书|著作|作品|小说|诗歌|歌曲|歌|曲目|专辑|纪录片|动画片|动画|"
               r"游戏|画作|文件|白皮书|报告|合同|条例|法案|规划|纲要|刊物|杂志|报纸|期刊|展览|典籍|经典|经书|诗集|影片)")
# Nouns for people, by their last character or word (教导员, 民警, 老人, 记者, 嫌疑人, 志愿者, 教练, 老板…)
_PERSON_NOUNS = (r"(?:[\u4e00-\u9fff](?:员|警|长|人|者|师|官|手|家|士|工|兵|客|妇|伯|叔|姨|婆|爷|奶|哥|姐|弟|妹|生|星)"
                 r"|教练|老板|儿子|女儿|孩子|丈夫|妻子|母亲|父亲|主人|主任|主席|总裁|总监|经理|代表|他|她)")
_WHICH = r"(?:哪一个|哪个|哪一|哪家|哪座|哪所|哪位|哪部|哪本|哪首|哪份|哪篇|哪条|哪台|哪档|哪|什么|何)"


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


RULES: list[TypeRule] = [
    TypeRule("percent_explicit", "percent",
             _r(r"百分之几|百分比|百分点|几成|多少成|几分之几|多少分之|多少\s*[%％]|百分之多少|几倍|多少倍"),
             "the question names a ratio outright; before counts, since 多少个百分点 also reads as a count"),
    TypeRule("time_clock", "time", _r(r"几点|几时|什么时刻|哪个时刻|几点钟|什么钟点"),
             "a clock time; before dates, since 什么时候 asks for a day but 几点 for an hour"),
    TypeRule("duration_howlong", "duration",
             _r(r"多长时间|多久|多长的时间|多少天|(?<!哪)几天|多少年(?!龄)|(?<!哪)几年(?!级)|几个月|多少个月|多少小时|几个?小时|多少分钟|几分钟|"
                r"多少周|几周|多少个?星期|几个?星期|持续了?(?:多|几|的时间)|持续时间|历时(?:多|几)|为期(?:多|几)|期限|频率|"
                r"(?:时间|时长)(?:超过|达到|长达|不少于|不超过|不低于|累计|一共|共|总共)了?多少|时长(?:是|为|有)?多少"),
             "a length of time; before dates, since 持续时间是多久 is not a point in time, and before counts, since "
             "几天 is not a count of things; 使用手机的时间超过多少 is a length too, not a count"),
    TypeRule("date_when", "date",
             _r(r"周几|星期几|礼拜几|哪一年|哪年|哪一天|哪天|哪几天|哪个月份?|哪一月|几月几[日号]|几月份?|几号|什么时候|何时|什么时间|什么日期|哪个日期|"
                r"哪个季度|哪一季度|何年|哪(?:两|几|三|[2-9])?个年份|哪(?:两|几|2)年|什么年份|哪一日|时间是|日期是"),
             "a point in time; 哪一年 is a date, not a count of years, so it comes before counts"),
    TypeRule("level_rank", "level",
             _r(r"(?:第几|几级|什么级别|哪个级别|哪一级|哪级|几等|什么等级|哪个等级|哪一等|几档|哪一档|哪个档次|什么档次|排名|名次|"
                r"排第|排在|位列|几星|什么段位|几等奖|什么奖项等级)(?![^？?]*(?:是|为)(?:哪|谁))"),
             "a grade or place in a ranking; before counts, since 第几/几级 hold 几. Not 'which one holds a rank' "
             "(排名第十的是哪座城市 asks a city)"),
    TypeRule("amount_unit", "amount", _r(rf"{_HOW_MANY}(?:个)?(?P<unit>{_MONEY_UNIT})|多少钱|几块钱|什么价位"),
             "a sum in a named currency (多少亿元, 多少美元, 多少钱); before counts, since it holds 多少"),
    TypeRule("count_age", "count", _r(r"多大(?:的)?(?:年纪|年龄|岁数)|(?:年纪|年龄|岁数)(?:有|是|为)?(?:多大|多少)"),
             "an age asked without its counter (多大年纪, 年龄是多少): a count in 岁, not the first figure of the sentence "
             "(约142毫升); before count_unit and the bare 多大", unit="岁"),
    TypeRule("count_points", "count", _r(r"(?:多少|几)分(?![钟之别配红析布局行店公司数])"),
             "points or a score (拿了多少分, 考了多少分): a count in 分, which is no counter elsewhere (分钟, 几分之几 "
             "are caught above); not another figure of the game (一场)", unit="分"),
    TypeRule("count_unit", "count", _r(rf"{_HOW_MANY}(?P<unit>{_COUNTERS_ASKED})"),
             "a count with its counter (多少人, 几轮, 多少公里): the counter tells which number answers"),
    TypeRule("percent_rate", "percent", _r(rf"{_PERCENT_WORDS}[^，,。？?]{{0,8}}(?:多少|几|多高)|(?:多少|几)的?{_PERCENT_WORDS}"),
             "a rate or share (增速, 占比, 利率, 出口税): the answer is a percent even without 百分之"),
    TypeRule("percent_change", "percent", _r(rf"(?:同比|环比|较上年|较去年|比上年|比去年)[^，,。？?]{{0,6}}{_CHANGE}?了?多少|{_CHANGE}了多少$|"
                                             rf"{_CHANGE}了多少[？?]"),
             "an unqualified change (同比下降了多少): news gives it in percent; a change with a unit was caught above"),
    TypeRule("amount_money_word", "amount", _r(rf"{_MONEY_WORDS}[^，,。？?]{{0,8}}(?:多少|几何|多高|多大)|多少的?[\u4e00-\u9fff]{{0,2}}?{_MONEY_WORDS}"),
             "a money word (金额, 收入, 估价, 助学金) asked with 多少, also with a modifier between (多少净利润): "
             "the answer is a sum even without a currency"),
    TypeRule("count_howmany", "count",
             _r(r"多少|(?<!哪)几(?!乎|何|经|近|度)|(?:数量|人数|总数|数目|总量)(?![^，,。？?]*(?:什么|如何|怎样|怎么|为何|哪))|多大|多高|多长|多远|"
                r"多重|多深|多宽|多厚|多快|多少面积"),
             "any other 多少/几, or a size (占地多大, 多高): a number; a count noun (人数) only when no other question "
             "word follows it (\"死亡人数上升的原因是什么\" asks for a reason)"),
    TypeRule("org_by_whom_organised", "org",
             _r(r"由谁(?:主办|承办|举办|发起|主导|牵头|组织|发布|颁发|运营|负责|管理)|(?:主办|承办|举办|发起|牵头)(?:方|单位)是谁"),
             "events and documents are organised and issued by bodies, not people; before person"),
    TypeRule("person_called", "person", _r(rf"{_PERSON_NOUNS}的?(?:叫什么|名字|姓名|姓什么)"),
             "a person asked for by role (教导员叫什么, 民警的名字): the noun before 叫什么 says a person is wanted; "
             "before the thing's name below"),
    TypeRule("org_called", "org", _r(rf"{_ORG_NOUNS}的?(?:叫什么|名字|名称)"),
             "a body asked for by its kind (那家公司叫什么名字): an organisation"),
    TypeRule("thing_called", "definition", _r(r"叫什么名字|名字(?:是什么|叫什么)|名称是什么|叫什么[？?]?$|叫做什么|称为什么"),
             "the name of a thing (项目叫什么名字): a quoted name or an apposition answers, not a person; before "
             "person_who, which reads 名字 as a person's"),
    TypeRule("person_who", "person", _r(r"谁|什么人|哪位|哪个人|哪一位|姓名|叫什么名字|名字是|何人|哪名|哪些人|哪几位"),
             "a person; before lists, since 哪些人 wants people"),
    TypeRule("org_which", "org", _r(rf"{_WHICH}(?:个|家|所)?{_ORG_NOUNS}|"
                                    rf"哪(?:一)?(?:个|家|所)(?!{_PLACE_NOUNS})[\u4e00-\u9fff]{{1,3}}?{_ORG_NOUNS}"),
             "哪个部门/单位/机构/公司: an organisation; before places, since 哪个机构 is not where "
             "(哪些部门 is a list: several bodies). Not 哪个国家的企业, which asks the country"),
    TypeRule("place_where", "place",
             _r(rf"哪里|哪儿|在哪(?![个些一本部首篇份]|几?个?方面)|何地|何处|去哪|什么地方|什么位置|何方|{_WHICH}(?:个|座|片)?{_PLACE_NOUNS}"),
             "a place (哪里, 在哪, 哪个城市/省/国家); 哪些国家 is a list (several places)"),
    TypeRule("work_title", "work", _r(rf"{_WHICH}(?:部|本|首|个|份|篇|档|场)?{_WORK_NOUNS}|(?:书名|剧名|片名|名为什么|叫什么)|"
                                      rf"哪一?(?:部|本|首|篇)(?!门|分)[\u4e00-\u9fff]{{1,6}}?{_WORK_NOUNS}"),
             "a title in 《…》: a film, book, programme or document; 哪部/哪本 with words between (哪部印度宗教典籍)"),
    TypeRule("list_which", "list", _r(r"哪些|哪几|哪[两三四五六七八九十]+(?:个|家|位|项|所|座|种|类|名|国|条|方)?|有哪|都有什么|包括什么|包含什么|包括哪|分别是|分别为|[两三四五六七八九十]+(?:个|项|类|种)?(?:是什么|有哪|分别)"),
             "several things (哪些, 哪几, 哪两家): an enumeration answers; after org and place, which take "
             "one (哪个部门, 哪个城市)"),
    TypeRule("definition_what_is", "definition",
             _r(r"什么是|何为|何谓|指什么|指的是什么|是指什么|什么意思|什么叫|哪种|哪一种|哪类|哪一类|什么类型|什么样|什么种类|是什么"),
             "what something is or which kind (什么是, 哪种, 是什么): an apposition '是…/为…' answers"),
    TypeRule("definition_which_noun", "definition",
             _r(r"什么|哪一个|哪个|哪一种|哪种|哪一项|哪项|哪条|哪类|何种"),
             "'which N' (坚持什么原则, 哪个段, 什么机制): a phrase headed by N answers (互利共赢原则, 磨万段)",
             needs_head=True),
    TypeRule("yesno", "yesno",
             _r(r"是否|有没有|是不是|有无|能否|可否|会不会|能不能|要不要|可不可以|对不对|吗\s*[？?]?\s*$"),
             "a yes/no question; after the wh-rules, since '谁…吗' still wants a person"),
    TypeRule("open_wh", "open", _r(r"什么|如何|怎样|怎么|为什么|为何|何种|哪"),
             "a question no span type answers (how, why, what in general): scored on the sentence alone"),
]

# "收窄了多少个百分点" is answered by "4.3个百分点", not by the "16.8%" beside it; "是多少倍" by a multiple.
_PERCENT_UNITS = (("百分点", "个百分点"), ("倍", "倍"))
# "预计在哪一年投产" is answered by a date with its year ("2026年上半年"), not by "26日"; "哪个月份" by a month.
# "每周几更新" asks a weekday (a count's 几 otherwise): only 周五, 星期二至星期四… answer it
_DATE_UNITS = ((re.compile(r"周几|星期几|礼拜几"), "weekday"), (re.compile(r"年"), "年"), (re.compile(r"月"), "月"))
# "受伤人数是多少" names its unit in the focus: 人数 counts people.
_FOCUS_UNITS = (("人数", "人"), ("人次", "人次"), ("次数", "次"), ("岁数", "岁"), ("天数", "天"), ("户数", "户"),
                ("家数", "家"))
_FUNCTION_WORDS = frozenset("的 了 是 为 有 在 被 由 将 会 共 一共 总共 约 大约 等 中 里 与 和 对 向 给 把 这 那 这些 那些 其 该 此 "
                            "目前 最终 具体 都 还 又 也 就 已 已经 到 达 达到 到了 以 于 从 是由 应 应该 要 需要 可以 能 "
                            "哪 个 了吗 呢 吗 ？ ? ， , 。 、 多少 几".split())


def question_form(question_text: str) -> str:
    """The question as its words were: parsing writes numerals as digits for dates and counts, which turns
    "哪一天" into "哪1天" and "哪两个" into "哪2个"; the question word is 哪一 (哪两…) again here."""
    text = unicodedata.normalize("NFKC", question_text).strip()
    return _WHICH_N.sub(lambda m: "哪" + _CN_DIGIT[m.group(1)], text)


# "哪一天", "哪两家": parsing wrote the numeral as a digit ("哪1天", "哪2个机构"), which no rule reads.
_WHICH_N = re.compile(r"哪([1-9])(?!\d)")
_CN_DIGIT = dict(zip("123456789", "一两三四五六七八九", strict=True))


def classify(question_text: str) -> AskedType:
    """The asked type of one question (Chinese, simplified or traditional is fine for the rules)."""
    text = question_form(question_text)
    for rule in RULES:
        matches = list(rule.pattern.finditer(text))
        if rule.needs_head:
            matches = [m for m in matches if _head(text, m.end())]
        if not matches:
            continue
        # "围绕几个方面提出了多少条措施": of several number words the last is the one asked
        m = matches[-1] if rule.kind in ("count", "amount", "percent") else matches[0]
        q = QUESTION_WORD.search(text, m.start(), m.end())  # "失业率是多少": the focus is before 多少, inside the match
        focus = _focus(text, q.start() if q else m.start(), m.end())
        unit = (m.groupdict().get("unit") or None) if rule.kind in ("count", "amount") else None
        if rule.name == "amount_unit" and unit is None and "钱" in m.group(0):
            unit = "元"
        unit = unit or rule.unit
        if unit is None and rule.kind == "count":
            unit = next((u for suffix, u in _FOCUS_UNITS if focus.endswith(suffix)), None)
        if rule.kind == "percent":
            unit = next((u for word, u in _PERCENT_UNITS if word in m.group(0)), None)
        if rule.kind == "date":
            unit = next((u for word, u in _DATE_UNITS if word.search(m.group(0))), None)
        return AskedType(rule.kind, unit, focus, _head(text, m.end()), rule.name)
    return AskedType("open", None, _focus(text, len(text), len(text)), "", "none")


# The question words themselves, with the counter a which-word carries ("哪一年", "哪个"): never a word an
# answer sentence shares with its question.
# "怎样"/"怎么样"/"什么样" whole: a lone 样 left over is a word no article indexes (the rarest of all), and was
# taken for the question's subject.
QUESTION_WORD = re.compile(r"怎么样|怎样|怎么|什么样|多少|几|谁|哪[一1]?[年天日月号个位些种家类项条所座]?|什么|何|怎|如何|是否|有没有|是不是|"
                           r"多长时间|多[大高长远重深宽厚快久]|百分")
_HEAD_FLAGS = {"n", "vn", "nz", "j", "an", "nt", "ns", "l", "ng", "nr"}
_HEAD_SKIP = {"的", "样", "样的", "个", "些", "种", "类", "一", "项", "条", "位", "家", "类型", "种类", "方面的"}


def _head(text: str, end: int) -> str:
    """The noun phrase right after the question word, e.g. 福利设施 in "什么类型的福利设施"; a lone
    counter counts ("哪个段" → 段); a verb ("吃什么", "做了什么") gives none."""
    words = _tags(re.split(r"[，,。；;：:！!？?\s]", text[end:])[0])
    i = 0
    while i < len(words) and words[i][0] in _HEAD_SKIP:
        i += 1
    head: list[str] = []
    rest = words[i:]
    for k, (w, f) in enumerate(rest):
        if k + 1 < len(rest) and rest[k + 1][0] in ("了", "着", "过"):
            break  # "哪个方面叫响了": 叫响 is the verb, not part of the noun
        # a lone counter heads it, an edition's too though jieba may tag it an adverb ("哪几届" → 届 d)
        if f in _HEAD_FLAGS or (not head and (f == "q" or len(w) == 1 and w in ORDINAL_COUNTERS)) \
                or f == "b" and k + 1 < len(rest) and rest[k + 1][1] in _HEAD_FLAGS:  # 副|市长, 区委|副|书记
            head.append(w)
        else:
            break
    return "".join(head[:3])


def _focus(text: str, start: int, end: int) -> str:
    """The content words right before the question word, within its clause (up to two words);
    when the question word opens the clause ("谁主持了会议"), the first content word after it."""
    before = re.split(r"[，,。；;：:！!？?\s]|的", text[:start])[-1]
    words = [w for w in _cut(before) if w not in _FUNCTION_WORDS]
    if words:
        return "".join(words[-2:])
    after = re.split(r"[，,。；;：:！!？?\s]", text[end:])[0]
    words = []
    for w in _cut(after):  # the first run of content words, at most two: 主持 in 主持了会议, 新型储能
        if w in _FUNCTION_WORDS:
            if words:
                break
            continue
        words.append(w)
    return "".join(words[:2])


def _cut(text: str) -> list[str]:
    return [w for w, _ in _tags(text)]


def _tags(text: str) -> list[tuple[str, str]]:
    return pos_tags(text) if text else []
