"""The chat app: `python app.py` (or `make run`) serves the UI and the API on http://127.0.0.1:7860/.

Settings come from NEWSQA_* env vars (see README); flags are those of `newsqa serve`
(`--host`, `--port`, `--store`).
"""

import sys

from newsqa.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["serve", *sys.argv[1:]]))
