"""The words newsqa knows by name: measures, units, glossary terms, question words, stopwords.

One table, so that the question parser, the answer scorer and the lexical index agree on what a
measure or a unit is; each entry says why it is there. Regular expressions built from these
tuples keep their order: an alternation tries the longer unit first (人次 before 人).
"""

from __future__ import annotations

import re

# Measures a question about reported figures can name; the answer sentence should speak of them.
MEASURES = ("新增", "确诊", "无症状", "阳性", "感染者", "次密接", "密接", "累计", "本土", "本地", "境外输入",
            "核酸", "出院", "治愈", "死亡", "隔离", "采样", "检测", "排查")

# Measures that narrow a count: a sentence about new infections does not answer "新增死亡病例多少例".
SPECIFIC = ("次密接", "密接", "确诊", "无症状", "死亡", "出院", "治愈", "境外输入", "核酸", "采样", "隔离", "排查",
            "重症", "危重",
            # a company's figures: revenue is not profit, nor a loss ("实现营业收入1390.81万元…亏损1449.72万元"
            # answers no question about 净利润)
            "营收", "净利润", "利润总额", "毛利", "亏损",
            # trade: exports are not imports ("出口实现281.4亿元" answers no question about 进口额); 进出口 is
            # their total, listed so that it is one measure, not 出口 inside it
            "进出口", "进口", "出口")

# One spelling per measure, for matching only (answers quote the article as written).
CANON = (("密接的密接", "次密接"), ("次密切接触者", "次密接"), ("密切接触者", "密接"), ("密接者", "密接"),
         ("无症状感染", "无症状"), ("本土", "本地"), ("遇难", "死亡"), ("营业总收入", "营收"), ("营业收入", "营收"))

# Words that say nothing of the thing asked once the measures are weighed on their own
# (residual character pairs leave them out).
GENERIC_MEASURE_WORDS = ("新增", "报告", "本地", "本土", "病例")

# English → Chinese domain terms for English questions, longest first so "close contacts" wins over "contacts".
GLOSSARY = (
    ("close contacts", "密接"), ("close contact", "密接"), ("new cases", "新增 病例"), ("new infections", "新增 感染者"),
    ("asymptomatic", "无症状 感染者"), ("confirmed", "确诊"), ("positive", "阳性"), ("infections", "感染者"),
    ("infected", "感染者"), ("killed", "遇难 死亡"), ("dead", "遇难 死亡"), ("cases", "病例 例"), ("case", "病例"),
    ("cumulative", "累计"), ("total", "累计"),
    ("local", "本土"), ("imported", "境外输入"), ("deaths", "死亡 遇难"), ("died", "死亡 遇难"), ("recovered", "治愈 出院"),
    ("discharged", "出院"), ("nucleic acid", "核酸"), ("testing", "检测"), ("tests", "检测"), ("test", "检测"),
    ("sampling", "采样"), ("quarantine", "隔离"), ("isolation", "隔离"), ("new", "新增"), ("report", "报告"),
    ("vice mayor", "副市长"), ("mayor", "市长"), ("governor", "省长"), ("party secretary", "书记"),
    ("district", "区"), ("press conference", "新闻发布会"), ("volunteers", "志愿者"), ("medical", "医护"),
)

# Units of a counted figure ("9例", "350人次"): what a qualifier sentence must hold to qualify a count.
COUNT_UNITS = ("例", "人次", "人", "个", "份", "名", "家", "支", "间", "台", "辆", "轮", "户", "次", "处", "所", "条",
               "元", "亿")

# Multi-character units a figure may carry; any single CJK character, %, ℃ or ‰ is a unit too.
FIGURE_UNITS = ("人次", "艘次", "架次", "千米", "公里", "平方米", "平方公里", "千克", "公斤", "万元", "亿元", "小时",
                "分钟", "个月")

# Units a question can ask in after 多少/几 ("多少例", "几轮", "多少钱" = 元).
ASKED_UNITS = ("人次", "艘次", "架次", "千米", "公里", "平方米", "平方公里", "千克", "公斤", "小时", "分钟", "个月", "钱")
ASKED_UNIT_CHARS = "例人个份名家支间台辆轮户次处所条元亿天度级岁米吨只头架艘座位项场件套块张倍"

# Units that are one thing under two names: "多少人" is answered by 名 or 位 as well.
UNIT_GROUPS = (frozenset("人名位") | {"人次"}, frozenset("个家所处座"), frozenset({"元", "万元", "亿元"}),
               frozenset({"天", "日"}), frozenset({"度", "℃"}), frozenset({"千米", "公里"}), frozenset({"千克", "公斤"}))

# Counter words after which Chinese numerals are read as digits in a question ("三轮" → 3轮, "十一月" → 11月).
NUMERAL_COUNTERS = "月日号例人个天名场次届轮期批级"

# Titles that mark a sentence as speaking of a person (a "who" question).
PERSON_TITLES = ("市长", "省长", "区长", "县长", "书记", "主任", "局长", "部长", "巡视员", "记者", "处长", "副", "主席",
                 "专家", "负责人", "院长")

# Question words and fillers: what is left of a question without them is what it is about.
ASKING_WORDS = ("截至", "截止", "多少", "几号", "几点", "哪一?天", "什么时候", "何时", "几", "是否", "有没有", "哪些",
                "什么", "请问", "共有", "一共", "总共", "全市", "全省", "全国", "是谁", "叫什么", "名字", "怎么样",
                "怎么", "如何", "今天", "昨天", "今日", "昨日", "现在", "目前")

# Words too common to search for (and question words, which the articles do not contain).
STOPWORDS = frozenset("的 了 和 是 在 有 与 及 等 也 都 就 而 或 被 把 对 从 为 以 之 其 这 那 个 吗 呢 吧 啊 "
                      "多少 几 什么 哪些 哪里 哪 谁 怎么 怎样 如何 是否 有没有 请问 一下 一共 共 总共 "
                      "。 ， 、 ？ ! ? , .".split())


# Currencies, multipliers and counter words a figure in the news carries ("3.5亿美元", "12万人次", "5个百分点").
CURRENCIES = ("人民币", "美元", "欧元", "英镑", "日元", "港元", "港币", "澳元", "韩元", "卢布", "卢比", "法郎", "美金",
              "加元", "新元", "泰铢", "元", "块")
# Words for a sum of money: a figure they name is a sum even when its currency goes unsaid ("销售额就有6000万").
MONEY_WORDS = ("金额", "价格", "价值", "价钱", "收入", "利润", "营业额", "营收", "估价", "售价", "票价", "成本", "投资额", "销售额",
               "成交额", "余额", "费用", "工资", "薪资", "资金", "奖金", "补贴", "经费", "助学金", "捐款", "罚款", "赔偿", "市值", "总额",
               "生产总值", "产值", "GDP", "税收", "预算", "贷款", "融资", "募资", "保费", "租金", "房价", "投资", "损失", "支出", "花费")
# Counters of editions, batches and rounds: "第七届", "第三批", "两轮"; "哪几届" asks for such ordinals.
ORDINAL_COUNTERS = "届批期轮季任"
MULTIPLIERS = ("万亿", "千亿", "百亿", "十亿", "亿", "千万", "百万", "十万", "万", "千", "百")
COUNTERS = ("平方公里", "平方米", "立方米", "公里", "千米", "毫米", "厘米", "毫升", "公顷", "人次", "架次", "万人", "个百分点", "个", "人", "名",
            "位", "家", "所", "座", "条", "项", "份", "株", "件", "起", "次", "场", "届", "轮", "批", "辆", "架", "艘",
            "只", "头", "种", "类", "户", "套", "台", "部", "篇", "本", "岁", "吨", "米", "亩", "斤", "公斤", "千克",
            "瓦", "千瓦", "度", "张", "间", "栋", "幢", "层", "颗", "枚", "支", "把", "例", "处", "段", "组", "队",
            "国", "省", "市", "县", "村", "款", "门", "册", "集", "期", "倍", "票", "席", "针", "剂", "箱", "包", "袋", "页")


def longest_first(words) -> str:
    """A regex alternation of plain ``words`` (escaped), longest first, so 万亿 is tried before 万."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


def alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of ``words`` in their given order (entries are CJK words or small regex fragments)."""
    return "|".join(words)

# One-character names of countries and provinces that news strings together: "美英澳三国", "京津冀晋鲁豫".
PLACE_ABBREVIATIONS = ("中美英法德俄日韩朝澳加印巴越老柬泰缅菲马新意西葡荷比瑞奥波乌土伊以沙埃南非欧亚"
                       "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔贵滇云藏陕秦甘陇青宁疆港台")

# The commonest Chinese surnames (about nine in ten people bear one of them). A name jieba does not know is
# read between a role and a comma only when it opens with one ("志愿军老兵关成有，"): a role followed by any
# two characters and a comma is far more often a phrase ("专家组成员，").
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
            "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤关")
