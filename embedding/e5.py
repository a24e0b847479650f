"""multilingual-e5's conventions, in one place for the rebuild, the backends and the quality checks."""

from __future__ import annotations

# e5 was trained with these prefixes; without them query and passage vectors drift apart.
PREFIXES = {"query": "query: ", "passage": "passage: "}

# Texts every quantised or converted model is compared on against fp32 (cosine >= 0.99 to be kept):
# figures, dates and places in Chinese news, an English line and a question, as the corpus holds them.
PROBE_TEXTS = (
    "7月16日0时至24时,南昌市新增报告9例阳性感染者,其中2例在集中隔离点检出。",
    "长春市新增本地确诊病例和无症状感染者情况",
    "The city reported nine new cases on July 16.",
    "经定点医院诊断,2例为确诊病例(轻型),7例为无症状感染者。",
    "中国人民银行宣布维持贷款市场报价利率不变,一年期LPR为3.45%,五年期以上LPR为4.2%。",
    "南昌7月16日新增多少例？",
    "人民网柏林7月28日电 中国驻德国大使馆举行庆祝中国人民解放军建军96周年招待会,约350人出席。",
    "暴雨导致多个区县出现内涝,部分学校周一停课。",
)
