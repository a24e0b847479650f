"""HTML → plain text with paragraph breaks, without scripts, styles, comments, images or promo blocks."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

_DROP_TAGS = ["script", "style", "noscript", "iframe", "img", "svg", "picture", "video", "audio",
              "canvas", "form", "button", "input", "select", "textarea", "head", "object", "embed"]
# Blocks that promote apps, QR codes or sharing rather than carry the article.
_PROMO = re.compile(r"qr|appendqr|erweima|app-?download|share|social|advert|ad-box|recommend", re.I)
_BLOCKS = {"p", "div", "section", "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
           "li", "ul", "ol", "tr", "table", "blockquote", "pre", "dd", "dt", "figure", "figcaption", "main"}
_TAG = re.compile(r"<\s*/?\s*(p|div|br|span|html|body|a|strong|table|h[1-6])\b[^>]*>", re.I)


def looks_like_html(text: str) -> bool:
    return len(_TAG.findall(text[:50_000])) >= 2


def html_to_text(html: str) -> tuple[str, str | None]:
    """Return (text with "\n\n" between blocks, the page <title> or first <h1> if any)."""
    soup = BeautifulSoup(html, "lxml")
    title = None
    tag = soup.find("title") or soup.find("h1")
    if tag is not None:
        title = " ".join(tag.get_text(" ").split()) or None
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for node in soup.find_all(_DROP_TAGS):
        node.decompose()
    for node in soup.find_all(True):
        if node.attrs is None:
            continue
        marks = " ".join([*node.get("class", []), node.get("id") or ""])
        if marks and _PROMO.search(marks):
            node.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for node in soup.find_all(_BLOCKS):
        node.insert_before("\n\n")
        node.insert_after("\n\n")
    return tidy(soup.get_text()), title


def tidy(text: str) -> str:
    """One paragraph per non-empty line, stripped (incl. ideographic spaces), joined by blank lines."""
    lines = (line.strip(" \t\r\f\v\u3000\xa0") for line in text.split("\n"))
    return "\n\n".join(line for line in lines if line)
