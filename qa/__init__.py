"""Question → answer with exact citations, or an honest refusal.

    from qa import ask
    result = ask("南昌7月16日新增多少例？", store="vectorstore")
    print(result.answer, result.citations[0].quote)
"""

from qa.engine import Engine, ask
from qa.types import Answer, Citation

__all__ = ["Answer", "Citation", "Engine", "ask"]
