"""The Gradio chat: ask, follow up, read the cited article; browse the corpus; upload articles.

Thin on purpose: every answer comes from ``Service.ask`` (the same engine as the CLI and the
API) and every piece of HTML from ``newsqa.render``, which escapes article text.
"""

from __future__ import annotations

import logging
import time

import gradio as gr

from core.records import Answer, Filters
from newsqa import render
from newsqa.labels import t
from newsqa.service import Service
from newsqa.ui_assets import FONTS, LANG_JS, VIEWER_JS
from newsqa.uploads import UPLOAD_TYPES
from qa.engine import history_questions
from qa.llm import Final

EXAMPLES = [
    "南昌7月16日新增多少例",
    "其中确诊几例？",
    "长春4月3日新增本地确诊多少例？",
    "南昌7月20日新增多少例？",
    "How many new cases did Nanchang report on July 16?",
]
STREAM_STEPS = 24  # an answer is revealed in this many steps…
STREAM_DELAY = 0.025  # …this many seconds apart

log = logging.getLogger("newsqa.ui")


def reveal(text: str, steps: int = STREAM_STEPS) -> list[str]:
    """Growing prefixes of ``text`` (never cutting a [n] marker), for a typed-out look."""
    if not text:
        return []
    size = max(2, -(-len(text) // steps))
    out, i = [], 0
    while i < len(text):
        j = min(len(text), i + size)
        k = text.rfind("[", i, j)
        if k != -1 and "]" not in text[k:j] and 0 <= text.find("]", k) - k <= 4:
            j = text.find("]", k) + 1
        out.append(text[:j])
        i = j
    return out


def notice_html(final: Final) -> str:
    """Why the streamed LLM text was replaced by the extractive answer ("" when it was kept)."""
    if not final.reason:
        return ""
    return f'<div class="nq-notice" role="status" data-reason="{render.esc(final.reason)}">{render.esc(final.message)}</div>'


def plain_message(answer: Answer) -> str:
    """The answer for API callers of the chat endpoint: text with [n] markers, then the sources."""
    lines = [answer.answer]
    for c in answer.citations:
        lines.append(f"[{c.n}] {c.title} ({c.source or '?'}, {c.published or '?'}) “{c.quote}”")
    return "\n".join(lines)


FILTER_LABELS = {  # the filter accordion, in both languages (its labels do not switch with the language)
    "filters": "筛选 · Filters",
    "corpus": "语料库 · Corpus",
    "date_from": "发布日期起 · Published from (YYYY-MM-DD)",
    "date_to": "发布日期止 · Published to (YYYY-MM-DD)",
    "source": "来源 · Source",
    "place": "地点 · Place",
}


def corpus_choices(service: Service) -> list[tuple[str, str]]:
    """The corpus dropdown: (label with its article count, name), the server's own first."""
    corpora = service.collections()
    names = sorted(corpora, key=lambda n: (n != service.settings.collection, n))
    return [(f"{n} ({corpora[n]})", n) for n in names]


def build_ui(service: Service) -> gr.Blocks:
    allow_upload = service.settings.allow_upload

    def respond(message: str, history: list, lang: str, collection: str | None = None, date_from: str = "",
                date_to: str = "", source: str = "", place: str = ""):
        message = (message or "").strip()
        history = list(history or [])
        if not message:
            yield gr.update(), history
            return
        earlier = history_questions(history)
        history += [{"role": "user", "content": message},
                    {"role": "assistant", "content": render.thinking_html(lang)}]
        yield "", history
        streamed = ""
        try:
            filters = Filters.parse(date_from, date_to, source, place, collection)
        except ValueError as err:  # a mistyped filter: say what to type, nothing to log
            history[-1] = {"role": "assistant", "content": render.error_html(err, lang)}
            yield "", history
            return
        try:
            final = None
            for event in service.stream(message, history=earlier, filters=filters):
                if isinstance(event, Final):
                    final = event
                    break
                streamed += event  # the LLM's tokens, shown as they come; its citations come with the Final
                draft = Answer(message, streamed, False)
                history[-1] = {"role": "assistant", "content": render.message_html(draft, {}, streamed, lang)}
                yield "", history
            if final is None:
                raise RuntimeError("the answer stream ended without an answer")
            answer = final.answer
            bodies = service.bodies([c.doc_id for c in answer.citations], collection=filters.collection)
        except Exception as err:  # the store or the model failed: say so in the chat, keep the session
            log.exception("answering %r failed", message)
            history[-1] = {"role": "assistant", "content": render.error_html(err, lang)}
            yield "", history
            return
        if not streamed:
            for partial in reveal(answer.answer)[:-1]:
                history[-1] = {"role": "assistant", "content": render.message_html(answer, bodies, partial, lang)}
                yield "", history
                time.sleep(STREAM_DELAY)
        history[-1] = {"role": "assistant",
                       "content": notice_html(final) + render.message_html(answer, bodies, None, lang)}
        yield "", history

    def chat(message: str, history: list[dict] | None = None) -> str:
        """Answer a question about the articles. history: earlier turns as [{"role", "content"}].
        Returns the answer with its [n] markers, then one line per cited source."""
        return plain_message(service.ask(message or "", history=history or None))

    def open_article(data: dict) -> str:
        data = data if isinstance(data, dict) else {}
        doc = str(data.get("doc") or "")[:64]
        lang = data.get("lang") if data.get("lang") in ("zh", "en") else "zh"
        view = service.article(doc) if doc else None
        return render.article_html(view, data.get("start", 0), data.get("end", 0), lang)

    def corpus(query: str, lang: str, collection: str | None = None):
        summary = service.corpus(collection or None)
        return render.corpus_stats_html(summary, lang), render.corpus_list_html(summary, query, lang)

    def upload(files, query: str, lang: str, progress=gr.Progress()):
        if not files:
            return f'<p class="nq-muted">{render.esc(t(lang, "upload_none"))}</p>', *corpus(query, lang)
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in files]

        def step(i: int, n: int, name: str) -> None:
            progress((i, n), desc=f"{t(lang, 'upload_progress')} {name}", unit="files")

        progress(0, desc=t(lang, "upload_progress"))
        report = service.ingest_uploads([(p.rsplit("/", 1)[-1], p) for p in paths], progress=step)
        return render.upload_report_html(report, lang), *corpus(query, lang)

    def refresh_corpora():
        """Corpora ingested since the server started show up at the next page load."""
        choices = corpus_choices(service)
        return gr.update(choices=choices, visible=len(choices) > 1)

    def switch(lang: str, query: str, collection: str | None = None):
        lang = lang if lang in ("zh", "en") else "zh"
        out = [render.header_html(lang),
               gr.update(label=t(lang, "tab_chat")), gr.update(label=t(lang, "tab_corpus")),
               gr.update(placeholder=t(lang, "chat_placeholder"), label=t(lang, "chat_label")),
               gr.update(placeholder=t(lang, "input_placeholder")), gr.update(value=t(lang, "new_chat")),
               f'<div class="nq-examples-label">{render.esc(t(lang, "examples"))}</div>',
               gr.update(placeholder=t(lang, "search_articles")), *corpus(query, lang, collection)]
        if allow_upload:
            out += [gr.update(label=t(lang, "tab_upload")), gr.update(label=t(lang, "upload_files")),
                    gr.update(value=t(lang, "upload_button")), render.esc(t(lang, "upload_help"))]
        return out

    with gr.Blocks(title="新闻问答 · newsqa", fill_width=False) as demo:
        lang = gr.State("zh")
        with gr.Row(elem_id="nq-top"):
            header = gr.HTML(render.header_html("zh"), js_on_load=None, scale=1)
            choices = corpus_choices(service)
            collection = gr.Dropdown(choices, value=service.settings.collection, label=FILTER_LABELS["corpus"],
                                     elem_id="nq-collection", scale=0, min_width=180, visible=len(choices) > 1)
            lang_pick = gr.Radio([("中文", "zh"), ("English", "en")], value="zh", show_label=False,
                                 container=False, elem_id="nq-lang", scale=0, min_width=200)
        with gr.Tabs():
            with gr.Tab(t("zh", "tab_chat"), id="chat") as tab_chat:
                chatbot = gr.Chatbot(elem_id="nq-chat", height="58vh", show_label=False, label=t("zh", "chat_label"),
                                     placeholder=t("zh", "chat_placeholder"), sanitize_html=True,
                                     layout="bubble", autoscroll=True)
                with gr.Row(equal_height=True):
                    box = gr.Textbox(show_label=False, placeholder=t("zh", "input_placeholder"), scale=8,
                                     container=False, autofocus=True, elem_id="nq-input", submit_btn=True,
                                     max_length=service.settings.max_question_chars)
                    new_chat = gr.Button(t("zh", "new_chat"), scale=0, min_width=96, elem_id="nq-new",
                                         variant="secondary")
                with gr.Accordion(FILTER_LABELS["filters"], open=False, elem_id="nq-filters"), gr.Row():
                    date_from = gr.Textbox(label=FILTER_LABELS["date_from"], placeholder="2022-07-01", max_length=10,
                                           elem_id="nq-date-from")
                    date_to = gr.Textbox(label=FILTER_LABELS["date_to"], placeholder="2022-07-31", max_length=10,
                                         elem_id="nq-date-to")
                    source = gr.Textbox(label=FILTER_LABELS["source"], placeholder="新浪财经", max_length=100,
                                        elem_id="nq-source")
                    place = gr.Textbox(label=FILTER_LABELS["place"], placeholder="南昌", max_length=50,
                                       elem_id="nq-place")
                examples_label = gr.HTML(f'<div class="nq-examples-label">{render.esc(t("zh", "examples"))}</div>',
                                         js_on_load=None)
                with gr.Row(elem_id="nq-examples"):
                    example_buttons = [gr.Button(q, size="sm", variant="secondary") for q in EXAMPLES]
            with gr.Tab(t("zh", "tab_corpus"), id="corpus") as tab_corpus:
                stats = gr.HTML(js_on_load=None)
                query = gr.Textbox(show_label=False, placeholder=t("zh", "search_articles"), container=False,
                                   elem_id="nq-search")
                listing = gr.HTML(js_on_load=None, elem_id="nq-listing")
            upload_parts = []
            if allow_upload:
                with gr.Tab(t("zh", "tab_upload"), id="upload") as tab_upload:
                    files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label=t("zh", "upload_files"),
                                    elem_id="nq-files")
                    upload_help = gr.HTML(render.esc(t("zh", "upload_help")), js_on_load=None,
                                          elem_classes=["nq-muted"])
                    upload_btn = gr.Button(t("zh", "upload_button"), variant="primary", elem_id="nq-upload")
                    report = gr.HTML(js_on_load=None, elem_id="nq-report")
                upload_parts = [tab_upload, files, upload_btn, upload_help]
                upload_btn.click(upload, [files, query, lang], [report, stats, listing], api_visibility="private",
                                 concurrency_limit=1)

        asking = [box, chatbot, lang, collection, date_from, date_to, source, place]
        box.submit(respond, asking, [box, chatbot], api_visibility="private", concurrency_limit=4)
        for b, q in zip(example_buttons, EXAMPLES, strict=True):
            b.click(lambda q=q: q, None, box, queue=False, api_visibility="private").then(
                respond, asking, [box, chatbot], api_visibility="private", concurrency_limit=4)
        new_chat.click(lambda: ([], ""), None, [chatbot, box], queue=False, api_visibility="private")
        query.change(corpus, [query, lang, collection], [stats, listing], api_visibility="private", queue=False)
        tab_corpus.select(corpus, [query, lang, collection], [stats, listing], api_visibility="private", queue=False)
        # another corpus is another conversation: its answers would cite articles the new one does not hold
        collection.change(lambda: ([], ""), None, [chatbot, box], queue=False, api_visibility="private").then(
            corpus, [query, lang, collection], [stats, listing], api_visibility="private", queue=False)
        lang_pick.change(lambda x: x, lang_pick, lang, js=LANG_JS, queue=False, api_visibility="private").then(
            switch, [lang, query, collection],
            [header, tab_chat, tab_corpus, chatbot, box, new_chat, examples_label, query, stats, listing, *upload_parts],
            queue=False, api_visibility="private")
        gr.HTML("", elem_id="nq-viewer", js_on_load=VIEWER_JS, server_functions=[open_article],
                apply_default_css=False)
        demo.load(corpus, [query, lang, collection], [stats, listing], api_visibility="private", queue=False)
        demo.load(refresh_corpora, None, collection, api_visibility="private", queue=False)
        gr.api(chat, api_name="chat", concurrency_limit=4)
    return demo


def theme() -> gr.themes.Base:
    return gr.themes.Soft(primary_hue="red", neutral_hue="slate", font=FONTS,
                          font_mono=["ui-monospace", "SFMono-Regular", "monospace"])

