"""The chat UI's stylesheet and the article viewer's script (kept as strings so an install carries them)."""

from __future__ import annotations

FONTS = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "system-ui", "sans-serif"]

CSS = """
:root { --nq-accent: #b42318; --nq-ink: #1d2433; --nq-muted: #667085; --nq-line: #e4e7ec; --nq-paper: #fcfbf8;
        --nq-mark: #fde68a; }
.gradio-container { max-width: 1180px !important; width: 100% !important; margin: 0 auto !important; }
footer { display: none !important; }
#nq-top { align-items: center; gap: 12px; flex-wrap: nowrap; }
#nq-lang { flex: 0 0 auto !important; width: auto !important; }
#nq-viewer { height: 0; min-height: 0 !important; padding: 0 !important; margin: 0 !important;
             border: 0 !important; }
.nq-header { display: flex; align-items: center; gap: 14px; padding: 6px 2px 2px; }
.nq-logo { width: 44px; height: 44px; border-radius: 12px; background: var(--nq-accent); color: #fff;
           display: grid; place-items: center; font-size: 24px; font-weight: 700; flex: 0 0 44px; }
.nq-header h1 { font-size: 1.55rem; margin: 0; color: var(--nq-ink); letter-spacing: .02em; }
.nq-header p { margin: 2px 0 0; color: var(--nq-muted); font-size: .92rem; }

#nq-chat { border-radius: 14px; background: var(--nq-paper); }
.nq-empty { text-align: center; color: var(--nq-muted); line-height: 1.7; padding: 0 20px; }
.nq-empty b { color: var(--nq-ink); font-size: 1.1rem; }
.nq-answer { line-height: 1.75; font-size: 1rem; color: var(--nq-ink); }
.nq-ref { color: var(--nq-accent); font-weight: 600; font-size: .75em; margin: 0 1px; }
.nq-abstained { color: #475467; }
.nq-badge { display: inline-block; font-size: .75rem; font-weight: 600; color: #93370d; background: #fef0c7;
            border-radius: 999px; padding: 1px 9px; margin-right: 8px; vertical-align: 1px; }
.nq-thinking { color: var(--nq-muted); font-style: italic; }
.nq-dots::before { content: "●"; color: var(--nq-accent); margin-right: 8px; animation: nq-pulse 1s infinite; }
@keyframes nq-pulse { 50% { opacity: .25; } }

.nq-cards { margin-top: 12px; display: grid; gap: 8px; }
.nq-cards-label { font-size: .72rem; letter-spacing: .08em; text-transform: uppercase; color: var(--nq-muted);
                  font-weight: 600; }
.nq-card { border: 1px solid var(--nq-line); border-left: 3px solid var(--nq-accent); border-radius: 10px;
           background: #fff; padding: 10px 12px; cursor: pointer; transition: box-shadow .15s, transform .15s; }
.nq-card.nq-flash { outline: 2px solid var(--nq-accent); outline-offset: 2px; }
.nq-card:hover, .nq-card:focus { box-shadow: 0 4px 14px rgba(16,24,40,.10); transform: translateY(-1px);
                                  outline: none; }
.nq-card-head { display: flex; gap: 8px; align-items: baseline; }
.nq-n { flex: 0 0 auto; min-width: 20px; height: 20px; border-radius: 6px; background: var(--nq-accent);
        color: #fff; font-size: .75rem; font-weight: 700; display: inline-grid; place-items: center; }
.nq-card-title { font-weight: 600; color: var(--nq-ink); }
.nq-card-meta { color: var(--nq-muted); font-size: .8rem; margin: 2px 0 6px 28px; }
.nq-card-quote { font-size: .88rem; color: #344054; line-height: 1.65; margin-left: 28px; }
.nq-card mark, .nq-article-body mark { background: var(--nq-mark); color: inherit; padding: 1px 2px;
                                       border-radius: 3px; }

.nq-series { margin-top: 12px; }
.nq-chart { max-width: 100%; display: block; background: #fff; overflow: hidden;
            border: 1px solid var(--nq-line); border-radius: 10px; }
.nq-chart .nq-line { fill: none; stroke: var(--nq-accent); stroke-width: 2; }
.nq-chart .nq-axis { stroke: #d0d5dd; stroke-width: 1; }
.nq-chart .nq-axis-x { fill: var(--nq-muted); font-size: 11px; text-anchor: middle; }
.nq-chart .nq-axis-y { fill: var(--nq-muted); font-size: 11px; text-anchor: end; }
.nq-chart .nq-point { cursor: pointer; }
.nq-chart .nq-point circle { fill: var(--nq-accent); stroke: #fff; stroke-width: 1.5; }
.nq-chart .nq-point-differ circle { fill: #fff; stroke: var(--nq-accent); stroke-width: 2; }
.nq-chart .nq-point:hover circle, .nq-chart .nq-point:focus circle { r: 7; }
.nq-chart .nq-point-label { fill: var(--nq-ink); font-size: 11px; text-anchor: middle; }
.nq-chart .nq-point-label-side { text-anchor: start; }
.nq-chart .nq-gap path { stroke: #98a2b3; stroke-width: 2; }

#nq-examples { gap: 6px !important; flex-wrap: wrap !important; }
#nq-examples button { flex: 0 0 auto !important; min-width: 0 !important; border-radius: 999px !important;
                      font-size: .85rem !important; padding: 4px 12px !important; }
.nq-examples-label { color: var(--nq-muted); font-size: .8rem; margin: 0 2px -10px; }

.nq-backdrop { position: fixed; inset: 0; background: rgba(16,24,40,.35); z-index: 999; }
.nq-drawer { position: fixed; top: 0; right: 0; bottom: 0; width: min(680px, 94vw); background: #fff; z-index: 1000;
             box-shadow: -12px 0 40px rgba(16,24,40,.18); overflow-y: auto; padding: 26px 30px 40px;
             animation: nq-slide .18s ease-out; }
@keyframes nq-slide { from { transform: translateX(40px); opacity: .4; } }
.nq-close { position: fixed; z-index: 1001; top: 12px; right: 14px; border: none; background: #f2f4f7; width: 34px; height: 34px;
            border-radius: 50%; font-size: 22px; line-height: 1; cursor: pointer; color: #344054; }
.nq-close:hover { background: #e4e7ec; }
.nq-drawer-title { font-size: 1.3rem; margin: 0 40px 6px 0; color: var(--nq-ink); line-height: 1.45; }
.nq-drawer-meta { color: var(--nq-muted); font-size: .88rem; }
.nq-drawer-path { color: #98a2b3; font-size: .78rem; font-family: ui-monospace, monospace; margin-top: 2px;
                  word-break: break-all; }
.nq-jump { margin-top: 10px; border: 1px solid var(--nq-line); background: #fff; border-radius: 8px;
           padding: 4px 10px; cursor: pointer; font-size: .82rem; }
.nq-article-body { white-space: pre-wrap; line-height: 1.9; font-size: 1rem; color: #1d2939; margin-top: 18px;
                   border-top: 1px solid var(--nq-line); padding-top: 16px; }
.nq-article-body mark#nq-hit { box-shadow: 0 0 0 3px var(--nq-mark); }
.nq-missing { margin-top: 40px; color: var(--nq-muted); }

.nq-stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 10px; }
.nq-stat { background: #fff; border: 1px solid var(--nq-line); border-radius: 12px; padding: 10px 16px;
           min-width: 110px; }
.nq-stat b { display: block; font-size: 1.35rem; color: var(--nq-ink); }
.nq-stat span { color: var(--nq-muted); font-size: .8rem; }
.nq-stat.nq-bad b { color: var(--nq-accent); }
.nq-chips { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 6px; }
.nq-chip { background: #f2f4f7; border-radius: 999px; padding: 2px 10px; font-size: .8rem; color: #344054; }
.nq-muted { color: var(--nq-muted); font-size: .85rem; }
.nq-table { width: 100%; border-collapse: collapse; font-size: .9rem; border: none !important; }
.nq-table, .nq-table thead, .nq-table tbody, .nq-table tr { border: none !important; }
.nq-table th, .nq-table td { border-left: none !important; border-right: none !important; border-top: none !important; }
.nq-table th { white-space: nowrap; }
.nq-table th { text-align: left; color: var(--nq-muted); font-weight: 600; border-bottom: 1px solid var(--nq-line);
               padding: 6px 8px; }
.nq-table td { border-bottom: 1px solid #f2f4f7; padding: 8px; vertical-align: top; }
.nq-row { cursor: pointer; }
.nq-row:hover { background: #fff8f6; }
.nq-nowrap { white-space: nowrap; }
.nq-path { color: #98a2b3; font-size: .75rem; font-family: ui-monospace, monospace; word-break: break-all; }
.nq-report-title { font-weight: 600; margin: 8px 0 4px; }
.nq-problems { font-size: .85rem; color: #344054; padding-left: 18px; }
.nq-problems li.nq-bad { color: var(--nq-accent); }
@media (max-width: 640px) {
  #nq-top { flex-wrap: wrap !important; }
  #nq-top > * { flex: 1 1 100% !important; min-width: 100% !important; }
  .nq-header p { font-size: .8rem; }
  .nq-card-meta, .nq-card-quote { margin-left: 0; }
  .nq-drawer { padding: 20px 18px 32px; }
}
"""

# Runs once when the (initially empty) viewer component mounts. Any element of class nq-open
# (a citation card in a chat answer, a row of the corpus list) opens the article named by its
# nq-doc-<id> and nq-at-<start>-<end> classes:
# the server renders it (escaped) and this script only swaps it in, so no article text ever
# passes through script code.
VIEWER_JS = """
const lang = () => document.documentElement.dataset.nqLang || 'zh';
const close = () => { props.value = ''; };
window.__nqOpen = async (el) => {
  const cls = [...el.classList];
  const doc = (cls.find((c) => c.startsWith('nq-doc-')) || '').slice(7);
  const at = (cls.find((c) => c.startsWith('nq-at-')) || 'nq-at-0-0').slice(6).split('-').map(Number);
  const data = {doc, start: at[0] || 0, end: at[1] || 0, lang: lang()};
  props.value = await server.open_article(data);
};
window.__nqClose = close;
if (!window.__nqBound) {
  window.__nqBound = true;
  document.addEventListener('click', (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    if (!target) return;
    if (target.closest('.nq-close') || target.classList.contains('nq-backdrop')) { window.__nqClose(); return; }
    if (target.closest('.nq-jump')) {
      document.getElementById('nq-hit')?.scrollIntoView({block: 'center', behavior: 'smooth'}); return;
    }
    const point = target.closest('.nq-point');
    const to = point ? ([...point.classList].find((c) => c.startsWith('nq-to-')) || '').slice(6) : '';
    if (to) {  // a chart point lights up its citation card, the nearest one of that number (its own message)
      let el = point, card = null;
      while (el && !(card = el.querySelector ? el.querySelector('.nq-cite-' + to) : null)) el = el.parentElement;
      if (card) {
        card.classList.add('nq-flash');
        card.scrollIntoView({block: 'nearest'});
        setTimeout(() => card.classList.remove('nq-flash'), 2500);
      }
    }
    const opener = target.closest('.nq-open');
    if (opener) { ev.preventDefault(); window.__nqOpen(opener); }
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { window.__nqClose(); return; }
    const opener = ev.target instanceof Element ? ev.target.closest('.nq-open') : null;
    if (opener && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); window.__nqOpen(opener); }
  });
}
watch('value', () => {
  const hit = element.querySelector('#nq-hit');
  if (hit) hit.scrollIntoView({block: 'center'});
  element.querySelector('.nq-close')?.focus({preventScroll: true});
});
"""

# Mirrors the language toggle onto <html data-nq-lang> so the viewer asks for the right labels.
LANG_JS = "(lang) => { document.documentElement.dataset.nqLang = lang; return lang; }"
