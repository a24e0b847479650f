"""Question → answer with exact citations, or an honest refusal.

    from qa import ask
    result = ask("南昌7月16日新增多少例？", store="vectorstore")
    print(result.answer, result.citations[0].quote)

``Engine`` and ``ask`` are looked up on first use (PEP 562), so that ``qa.question`` and the other
text-only modules can be imported without loading Chroma and the embedder.
"""

from __future__ import annotations

import importlib

from core.records import Answer, Citation

__all__ = ["Answer", "Citation", "Engine", "ask"]


def __getattr__(name: str):
    if name in ("Engine", "ask"):
        return getattr(importlib.import_module("qa.engine"), name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
