"""Every tuning weight of the sentence and number scorers, in one named table.

A weight is added (or, where the comment says so, subtracted) when its condition holds. They were
set by failure class on the sample and held-out sets (see README, Evaluation); change one only with
``newsqa eval`` before and after.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Weights:
    # sentence score (qa.scoring.score)
    coverage: float = 2.0  # × share of the question's content words the sentence holds
    no_terms_coverage: float = 0.5  # the coverage credited when the question has no content words
    measure: float = 1.0  # each asked measure (新增, 确诊…) the sentence names
    rank: float = 0.15  # subtracted per retrieval rank of the passage
    has_number: float = 2.0  # a count question: the sentence holds a number (plus that number's own score)
    no_number: float = 3.0  # subtracted: a count question and no number at all
    missing_measure: float = 4.0  # subtracted: an asked specific measure is named neither here nor in the lead
    person_title: float = 1.5  # a who-question and a title (市长, 主任…) in the sentence
    no_person_title: float = 1.0  # subtracted: a who-question and no title
    time_mention: float = 1.5  # a when-question and a date or clock time in the sentence
    no_time_mention: float = 1.0  # subtracted: a when-question and none
    list_separator: float = 0.3  # a list question: each 、 or ， (at most list_separators_max)
    list_separators_max: int = 4
    list_places: float = 1.0  # a list question and more than one place named
    residual_pair: float = 1.2  # each character pair of what the question is about (at most residual_pairs_max)
    residual_pairs_max: int = 4
    cumulative: float = 1.5  # subtracted: 累计 in the sentence (or by the number) when the question does not ask it
    own_date: float = 0.5  # a dated question and the sentence names its own date
    period_for_day: float = 1.0  # subtracted: the asked day only as the end of a period ("7月9日至16日")
    asked_period: float = 1.5  # a question over several days and the sentence names that period
    asked_place: float = 0.5  # the sentence names an asked place
    # one number's score (qa.slots.slot_score)
    slot_measure: float = 0.8  # each asked measure in the number's own clause
    slot_specific: float = 1.2  # each asked specific measure in its clause
    slot_other_measure: float = 1.2  # subtracted: each other specific measure in its clause
    slot_residual_pair: float = 1.2  # each character pair of the question in its clause (at most slot_residual_pairs_max)
    slot_residual_pairs_max: int = 3
    slot_contrast: float = 3.0  # subtracted per question pair a number's clause lacks that another clause of its sentence has: more than place_before, since the place may be the whole sentence's subject
    slot_superlative: float = 2.0  # the question asks the greatest/least (最大, 最高…) and the number's clause says so
    unit_fits: float = 1.5  # the question asks in a unit and the number carries it (or a synonym)
    unit_differs: float = 2.0  # subtracted: it carries another unit
    slot_missing_measure: float = 1.0  # subtracted: each asked specific measure missing from its clause
    subarea: float = 1.0  # subtracted: a zone named after the city ("长春新区74例")
    whole_city: float = 1.5  # "全市…" in an article about the asked city
    place_before: float = 2.5  # the asked place right before the number
    other_place_before: float = 3.0  # subtracted: another city's name right before it
    part_place_before: float = 1.0  # subtracted: a part of the asked place (a district) or its province
    # other reports of a count on the figure path (qa.compose.other_reports)
    report_within: float = 1.5  # another article's best sentence this close to the best is the same fact told again
    report_slot_within: float = 1.0  # … and its number this close to the best number's score for the asked measure
    # refusal
    weak_dense: float = 0.80  # e5 cosine below which an unconstrained question has no real evidence
    # the general answerer (qa.general): any asked type, chosen by the span that answers
    g_top: int = 12  # passages whose sentences are candidates …
    lead_article_more: int = 3  # … and at most this many more chunks of the leading passage's article, ranked past them
    g_coverage: float = 4.0  # × idf-weighted share of the question's words in the sentence
    lead_share: float = 0.5  # a word found only in the sentence before, or the title, counts this much
    g_pairs: float = 2.0  # × share of the question's character pairs in the sentence
    g_phrase: float = 2.0  # a figure question: × the longest run of the question's characters the sentence holds
    # whole, as a share of the question: the market asked about named whole, not one segment of it ("国内移动游戏
    # 市场"). Figures only: for other types it rewards the echo that restates the question. On the developers' set
    # 2 gives 68.2% answerable (67.7% without), refusals unchanged; for every type it cost 3.5 points of refusals
    g_rank: float = 0.1  # subtracted per retrieval rank of the passage
    g_dense: float = 1.0  # × the passage's cosine similarity to the question
    g_span: float = 1.5  # × closeness of the best typed span to the matched words (1 when adjacent)
    g_no_span: float = 2.5  # subtracted: a typed question and no span of its type in the sentence
    speaker_reach: int = 3  # sentences back a who-question looks for the speaker of a statement
    g_speaker_back: float = 0.3  # subtracted per sentence back the speaker was named
    # a statement's speaker named further back than speaker_reach (news reports a speech over many sentences
    # and chunks: "大使谢锋…发表演讲。谢锋表示，…。他说，…。一是…"): only a name with a speech verb counts there
    speaker_chunks_back: int = 5  # earlier chunks of the article fetched and read back through (all, in this corpus)
    g_speaker_far: float = 0.3  # subtracted per chunk back (≈ 250 characters), with speaker_reach sentences' worth,
    # when the speaker is named beyond speaker_reach: each chunk between is one more chance of an unnamed change
    # of speaker, yet a speech's fifth point is as much the speaker's as its first (not per sentence: a long
    # speech of short sentences would lose its speaker)
    closeness_chars: float = 8.0  # characters at which closeness halves
    g_period: float = 1.0  # the sentence names the reporting period the question asks about (上半年, 1—6月)
    g_other_period: float = 2.0  # subtracted: it names only other periods (6月份 for 上半年)
    g_other_edition: float = 2.0  # subtracted: it names another edition of the asked series, not the asked one
    # (第23080期 for 第23090期, 第二届 for 第三届: zhtext.serials)
    g_person_missing: float = 1.5  # subtracted: a where/when question names the person it is about ("嫌疑人余某是在哪里
    # 落网的") and the sentence does not (the crime scene's sentence, not the arrest's)
    g_rare_missing: float = 1.5  # subtracted: the question's rarest word is in neither the sentence, its lead nor the title
    g_attr_missing: float = 3.0  # subtracted: the question asks for an attribute (目的, 原因, 条件…, qa.attributes) and the
    # sentence states it neither by its noun nor by a cue (为了, 由于, 只要…)
    echo_pairs: float = 0.6  # a sentence with this share of the question's pairs and no span is an echo
    g_echo: float = 1.0  # subtracted from an echo
    g_frame: float = 2.0  # × how much of the question's words beside its question word sit beside a gap here (qa.frame)
    g_frame_span: float = 1.0  # a typed span fills that gap
    g_apposition: float = 2.0  # a "谁是X" question's name stands right after X ("主持人孙伟") or is said to be X
    novel_chars: int = 2  # a list/definition/open span must hold this many characters the question does not
    g_forecast: float = 1.0  # subtracted: the span stands in a clause that foresees (预计, 可能…) and the question does not
    g_head: float = 1.0  # a which-N question's span is a phrase ending in N (对话伙伴机制 for 什么机制)
    frame_tight: float = 0.5  # a list/definition/open answer is cut to the gap's fill when it matches this well
    frame_one_sided: float = 0.5  # the most a when-question's frame counts when only the words before its gap are found
    semantic_top: int = 5  # leading candidates reranked by the embedder's similarity to the question
    semantic_chars: int = 64  # characters around the best span that the embedder reads (its cost grows with length)
    g_semantic: float = 14.0  # × (cosine − semantic_floor); with refuse_below, swept together on the developers' set:
    # 8/5.25 gave 65.9% answerable, 41.4% refused, 10.6% wrongful; 14/5.5 gives 67.3/41.4/8.3, no sample set lower
    semantic_floor: float = 0.80  # e5 cosines of related Chinese texts sit around here
    refuse_below: float = 5.5  # the best candidate's score below which the answer is a refusal: picked on the
    # developers' set as the most refusals for at most 2 points of answerable accuracy (newsqa eval prints the sweep)
    clear_lead: float = 2.0  # a best candidate this far ahead of the next other sentence is answered …
    clear_lead_floor: float = 3.5  # … down to this score: a long, wordy question shares few of its words with the
    # answer ("那次…最后一共用了多长时间才送到" → "到达无锡最后共用了6个小时"), yet nothing else comes near it. On the
    # developers' and the fresh held-out set: 3 right answers more, no must-refuse question answered; names, places,
    # times and figures only (qa.compose._clear_lead)
    corroborate_within: float = 2.0  # another article's sentence this close to the best, with the same span, is cited too
    g_agree: float = 0.5  # added to the best answer's score per other article giving the same short answer …
    agree_max: int = 2  # … counting at most this many
    corroborate_max: int = 3  # citations at most for one answer
    list_within: float = 1.0  # a list question's item from another sentence this close to the best is given too
    list_frame: float = 0.8  # … when it fills the question's gap this share as well as the best
    list_frame_min: float = 0.5  # … and at least this well (qa.frame share)
    differ_coverage: float = 0.8  # another article's figure is shown as differing when its sentence holds this
    # share of the best sentence's question-word coverage (it speaks of the same thing)


WEIGHTS = Weights()
