"""One uvicorn process: the FastAPI app (HTTP API + OpenAI-compatible /v1) with the Gradio chat at /."""

from __future__ import annotations

import logging
import sys

from fastapi import FastAPI

from core.settings import Settings
from newsqa.api import api_router, install_error_handlers
from newsqa.service import Service
from newsqa.uploads import Limits

log = logging.getLogger("newsqa.server")


def create_app(settings: Settings | None = None, service: Service | None = None, ui: bool = True) -> FastAPI:
    """The app; pass ``service`` to share an engine (tests, embedding), ``ui=False`` for the API alone."""
    service = service or Service(settings)
    app = FastAPI(title="newsqa", version="0.1.0",
                  description="Answers from Chinese news articles with exact citations, or an honest refusal.")
    app.state.service = service
    install_error_handlers(app)
    app.include_router(api_router(service))
    if ui:
        import gradio as gr

        from newsqa.ui import build_ui, theme
        from newsqa.ui_assets import CSS

        demo = build_ui(service)
        demo.queue(default_concurrency_limit=4)
        # Gradio's own upload route only feeds the upload panel; with uploads off it takes nothing.
        max_file = Limits().upload_bytes if service.settings.allow_upload else 1
        app = gr.mount_gradio_app(app, demo, path="/", css=CSS, theme=theme(), footer_links=[],
                                  allowed_paths=[], show_error=True, max_file_size=max_file)
    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, warm: bool = True) -> None:
    import uvicorn

    service = Service(settings)
    if warm:
        service.warm_up()
    app = create_app(settings, service=service)
    where = settings.chroma_url or settings.store
    print(f"newsqa: serving {service.health()['articles']} articles from {where} on http://{host}:{port}/ "
          f"(API: /api/ask, /v1/chat/completions; upload {'on' if settings.allow_upload else 'off'})",
          file=sys.stderr, flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
