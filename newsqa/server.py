"""One uvicorn process: the FastAPI app (HTTP API + OpenAI-compatible /v1) with the Gradio chat at /.

With NEWSQA_API_KEY set, the API wants ``Authorization: Bearer KEY`` and the chat asks for the key
once (Gradio's login, the key as password). Listening beyond loopback with no key, the server
answers questions but takes no uploads: anyone on the network could otherwise write to the store.
"""

from __future__ import annotations

import logging
import sys

from fastapi import FastAPI

from core.settings import Settings
from newsqa.answer_pool import resolve_answer_workers
from newsqa.api import KeyGate, api_router, install_error_handlers, key_matches
from newsqa.service import Service
from newsqa.uploads import Limits

log = logging.getLogger("newsqa.server")


def create_app(settings: Settings | None = None, service: Service | None = None, ui: bool = True) -> FastAPI:
    """The app; pass ``service`` to share an engine (tests, embedding), ``ui=False`` for the API alone."""
    service = service or Service(settings)
    app = FastAPI(title="newsqa", version="0.1.0",
                  description="Answers from Chinese news articles with exact citations, or an honest refusal.")
    app.state.service = service
    settings = service.settings
    keys = settings.api_keys
    if keys:
        app.add_middleware(KeyGate, keys=keys)
    install_error_handlers(app)
    app.include_router(api_router(service))
    if ui:
        import gradio as gr

        from newsqa.ui import build_ui, theme
        from newsqa.ui_assets import CSS

        demo = build_ui(service)
        demo.queue(default_concurrency_limit=4)
        # Gradio's own upload route only feeds the upload panel; with uploads off it takes nothing.
        max_file = Limits.from_settings(settings).upload_bytes if settings.allow_upload else 1
        auth = {}
        if keys:
            auth = {"auth": lambda _user, password: key_matches(password, keys),
                    "auth_message": "Enter the API key (NEWSQA_API_KEY) as the password; any user name will do."}
        app = gr.mount_gradio_app(app, demo, path="/", css=CSS, theme=theme(), footer_links=[],
                                  allowed_paths=[], show_error=True, max_file_size=max_file, **auth)
    return app


def lock_uploads(settings: Settings) -> Settings:
    """Uploads off when the server is reachable from the network and no key guards them."""
    return settings.with_(allow_upload=False) if settings.uploads_locked and settings.allow_upload else settings


def serve(settings: Settings, host: str | None = None, port: int = 7860, warm: bool = True) -> None:
    import uvicorn

    settings = settings.with_(host=host)
    host = settings.host
    if settings.uploads_locked and settings.allow_upload:
        print(f"newsqa: uploads are off: listening on {host} (beyond this machine) without an API key. To turn "
              "them on, restart with NEWSQA_API_KEY=<secret> (several keys: comma-separated); clients then send "
              "'Authorization: Bearer <secret>' and the chat asks for it once.", file=sys.stderr, flush=True)
    settings = lock_uploads(settings)
    # unset: one answering process per core (the Python half of an answer holds the GIL; newsqa.answer_pool)
    settings = settings.with_(answer_workers=resolve_answer_workers(settings.answer_workers))
    service = Service(settings, start_workers=False)
    try:
        if warm:
            service.warm_up()
        app = create_app(settings, service=service)
        where = settings.chroma_url or settings.store
        service.start_answer_workers()  # after loading: they would slow this process's start, not speed it
        answering = (f"{settings.answer_workers} answering processes, starting" if service.pool
                     else "answering in-process")
        print(f"newsqa: serving {service.health()['articles']} articles from {where} on http://{host}:{port}/ "
              f"(API: /api/ask, /v1/chat/completions; upload {'on' if settings.allow_upload else 'off'}; "
              f"API key {'required' if settings.api_keys else 'not required'}; "
              f"rate limit {f'{settings.rate_limit}/min' if settings.rate_limit else 'off'}; {answering})",
              file=sys.stderr, flush=True)
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        service.close()
