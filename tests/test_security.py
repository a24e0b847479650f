"""The locked door, over real HTTP: API keys, uploads beyond loopback, upload limits, hostile zips, rate limits.

Two servers of our own listen on 0.0.0.0 (reached over loopback): ``keyed`` with four API keys,
small upload limits (1 MB, 3 files) and 3 questions a minute; ``exposed`` with no key and 2
questions a minute. The shared loopback pair of test_api.py shows what stays as easy as before.
Each rate-limit test spends its own key or server, so no test eats another's allowance.
"""

from __future__ import annotations

import io
import json
import os
import stat
import threading
import urllib.parse
import zipfile
from http.client import HTTPConnection

import pytest

from core.settings import Settings, is_loopback
from newsqa.api import guarded, key_matches
from newsqa.ratelimit import RateLimiter
from tests.live_server import (
    http,
    launch_at,
    multipart,
    sample_store,
    shared_servers,
    stop_shared,
    wait_ready,
)

KEYS = ["alpha-key-0001", "beta-key-0002", "gamma-key-0003", "delta-key-0004"]
ALPHA, BETA, GAMMA, DELTA = KEYS
Q = "南昌7月16日新增多少例"
ARTICLE = """---
title: 九江市新冠肺炎疫情情况通报
source: 九江发布
date: 2022-05-04
---
2022年5月3日0时至24时，{city}市新增本土确诊病例4例，新增本土无症状感染者11例，均在隔离管控中发现。
"""


@pytest.fixture(scope="module")
def own(settings, embedder, tmp_path_factory):
    base = tmp_path_factory.mktemp("security")
    servers = {
        "keyed": launch_at("0.0.0.0", sample_store(base / "store-keyed", settings, embedder), settings,
                           base / "keyed.log", NEWSQA_API_KEY=" , ".join(KEYS), NEWSQA_RATE_LIMIT="3",
                           NEWSQA_MAX_UPLOAD_MB="1", NEWSQA_MAX_UPLOAD_FILES="3", NEWSQA_ALLOW_UPLOAD="1"),
        "exposed": launch_at("0.0.0.0", sample_store(base / "store-exposed", settings, embedder), settings,
                             base / "exposed.log", NEWSQA_RATE_LIMIT="2", NEWSQA_ALLOW_UPLOAD="1"),
    }
    try:
        for s in servers.values():
            wait_ready(s)  # polls /api/health, the one path open without a key
        yield servers
    finally:
        for s in servers.values():
            s.stop()


@pytest.fixture(scope="module")
def keyed(own):
    return own["keyed"]


@pytest.fixture(scope="module")
def exposed(own):
    return own["exposed"]


@pytest.fixture(scope="module")
def loopback(settings, embedder, tmp_path_factory):
    yield shared_servers(settings, embedder, tmp_path_factory)["on"]
    stop_shared()


def auth(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}


def call(method: str, url: str, payload=None, key: str | None = None, headers: dict | None = None):
    body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    hdrs = {**({"Content-Type": "application/json"} if body is not None else {}), **auth(key), **(headers or {})}
    status, out_headers, raw = http(method, url, body, hdrs)
    try:
        out = json.loads(raw) if raw else None
    except json.JSONDecodeError:
        out = raw.decode("utf-8", "replace")
    return status, {k.lower(): v for k, v in out_headers.items()}, out


def ask(url: str, key: str | None = None, path: str = "/api/ask"):
    payload = {"question": Q} if path == "/api/ask" else {"model": "newsqa", "messages": [{"role": "user", "content": Q}]}
    return call("POST", url + path, payload, key)


def send_files(url: str, files: list[tuple[str, bytes]], key: str | None = None):
    body, ctype = multipart(files)
    status, headers, raw = http("POST", url + "/api/ingest", body, {"Content-Type": ctype, **auth(key)}, timeout=300)
    return status, json.loads(raw)


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def article(city: str) -> bytes:
    return ARTICLE.format(city=city).encode("utf-8")


def articles(url: str, key: str | None = None) -> int:
    return call("GET", url + "/api/health", key=key)[2]["articles"]


def stored_names(server) -> set[str]:
    return {p.name for p in (server.store / "uploads").rglob("*") if p.is_file()}


# -- API keys ------------------------------------------------------------------------------------

def test_health_stays_open_without_a_key(keyed):
    status, _, health = call("GET", keyed.url + "/api/health")
    assert status == 200 and health["status"] == "ok" and health["articles"] >= 5


GUARDED = [
    ("POST", "/api/ask", {"question": Q}),
    ("GET", "/api/articles/0000000000000000", None),
    ("POST", "/api/ingest", None),
    ("GET", "/v1/models", None),
    ("POST", "/v1/chat/completions", {"model": "newsqa", "messages": [{"role": "user", "content": Q}]}),
    ("GET", "//v1/models", None),
    ("POST", "/api/health", None),  # only GET (and HEAD) of the health check is open
]


@pytest.mark.parametrize(("method", "path", "payload"), GUARDED)
@pytest.mark.parametrize("headers", [{}, auth("wrong-key"), auth(ALPHA + "x"), auth(ALPHA[:-1]),
                                     {"Authorization": ALPHA}, {"Authorization": f"Basic {ALPHA}"}],
                         ids=["none", "wrong", "longer", "shorter", "no-scheme", "basic"])
def test_missing_or_wrong_key_is_401_with_a_json_error(keyed, method, path, payload, headers):
    status, out_headers, out = call(method, keyed.url + path, payload, headers=headers)
    assert status == 401, out
    assert out["error"]["type"] == "invalid_api_key"
    assert "Authorization: Bearer" in out["error"]["message"] and "NEWSQA_API_KEY" in out["error"]["message"]
    assert out_headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("key", [ALPHA, BETA])
def test_every_configured_key_is_accepted(keyed, key):
    status, _, out = ask(keyed.url, key)
    assert status == 200 and "9例" in out["answer"]
    status, _, models = call("GET", keyed.url + "/v1/models", key=key)
    assert status == 200 and models["data"][0]["id"] == "newsqa"


def test_openai_sdk_sends_the_key_and_reads_the_401(keyed):
    import openai

    good = openai.OpenAI(base_url=keyed.url + "/v1", api_key=ALPHA, timeout=120, max_retries=0)
    reply = good.chat.completions.create(model="newsqa", messages=[{"role": "user", "content": Q}])
    assert "9例" in reply.choices[0].message.content
    bad = openai.OpenAI(base_url=keyed.url + "/v1", api_key="sk-wrong", timeout=120, max_retries=0)
    with pytest.raises(openai.AuthenticationError) as err:
        bad.models.list()
    assert err.value.status_code == 401 and err.value.body["type"] == "invalid_api_key"


def test_chat_ui_asks_for_the_key_once(keyed):
    status, _, _ = call("GET", keyed.url + "/config")
    assert status == 401  # Gradio's own login guards the UI's config, queue and upload routes

    def login(password: str):
        form = urllib.parse.urlencode({"username": "anyone", "password": password}).encode()
        return http("POST", keyed.url + "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})

    assert login("wrong-key")[0] == 400
    status, headers, _ = login(GAMMA)
    assert status == 200
    cookie = "; ".join(c.split(";", 1)[0] for k, c in headers.items() if k.lower() == "set-cookie")
    status, _, config = call("GET", keyed.url + "/config", headers={"Cookie": cookie})
    assert status == 200 and "nq-chat" in {c.get("props", {}).get("elem_id") for c in config["components"]}

    from gradio_client import Client

    client = Client(keyed.url + "/", auth=("anyone", DELTA), verbose=False)
    assert "9例" in client.predict(Q, api_name="/chat")


# -- uploads beyond loopback ---------------------------------------------------------------------

def test_beyond_loopback_without_a_key_uploads_are_off_and_the_log_says_how(exposed):
    status, _, health = call("GET", exposed.url + "/api/health")
    assert status == 200 and health["upload"] is False
    before = health["articles"]
    status, out = send_files(exposed.url, [("jiujiang.md", article("九江"))])
    assert status == 403 and "NEWSQA_API_KEY" in out["error"]["message"]
    assert articles(exposed.url) == before and not (exposed.store / "uploads").exists()
    lock_line = [line for line in exposed.log_tail(20000).splitlines() if "uploads are off" in line]
    assert lock_line and "NEWSQA_API_KEY" in lock_line[0] and "0.0.0.0" in lock_line[0]


def test_beyond_loopback_with_a_key_uploads_are_on(keyed):
    status, _, health = call("GET", keyed.url + "/api/health")
    assert health["upload"] is True
    status, out = send_files(keyed.url, [("jiujiang.md", article("九江"))])
    assert status == 401 and out["error"]["type"] == "invalid_api_key"
    status, report = send_files(keyed.url, [("jiujiang.md", article("九江"))], key=ALPHA)
    assert status == 200 and report["articles"] == 1, report


def test_loopback_needs_no_key_and_takes_uploads(loopback):
    status, _, health = call("GET", loopback.url + "/api/health")
    assert health["upload"] is True
    assert ask(loopback.url)[0] == 200


# -- upload limits -------------------------------------------------------------------------------

def test_upload_past_the_size_limit_is_413(keyed):
    before = articles(keyed.url)
    big = article("赣州") + "。".join(["新增本土确诊病例4例"] * 60_000).encode("utf-8")  # ~1.7 MB
    status, out = send_files(keyed.url, [("big.md", big)], key=ALPHA)
    assert status == 413 and "NEWSQA_MAX_UPLOAD_MB" in out["error"]["message"] and "1 MB" in out["error"]["message"]
    assert articles(keyed.url) == before and "big.md" not in stored_names(keyed)


def test_upload_sent_without_a_length_is_cut_off_at_the_limit(keyed):
    big = article("赣州") + "。".join(["新增本土确诊病例4例"] * 45_000).encode("utf-8")  # ~1.3 MB
    body, ctype = multipart([("chunked.md", big)])
    conn = HTTPConnection("127.0.0.1", urllib.parse.urlsplit(keyed.url).port, timeout=120)
    try:
        conn.request("POST", "/api/ingest", body=(body[i:i + 65536] for i in range(0, len(body), 65536)),
                     headers={"Content-Type": ctype, **auth(ALPHA)}, encode_chunked=True)
        resp = conn.getresponse()
        status, out = resp.status, json.loads(resp.read())
    finally:
        conn.close()
    # cut off while the body was read (not later, by the size check on the parsed files)
    assert status == 413 and "larger than 1 MB" in out["error"]["message"]
    assert "chunked.md" not in stored_names(keyed)


def test_upload_of_too_many_files_is_413(keyed):
    files = [(f"n{i}.md", article(c)) for i, c in enumerate(["上饶", "抚州", "宜春", "鹰潭"])]
    status, out = send_files(keyed.url, files, key=ALPHA)
    assert status == 413 and "NEWSQA_MAX_UPLOAD_FILES" in out["error"]["message"]
    status, out = send_files(keyed.url, [("four.zip", zip_of(dict(files)))], key=ALPHA)
    assert status == 413 and "NEWSQA_MAX_UPLOAD_FILES" in out["error"]["message"]
    assert not stored_names(keyed) & {n for n, _ in files}


@pytest.mark.parametrize("evil", ["../escaped.md", "../../etc/escaped.md", "news/../../escaped.md", "/tmp/escaped.md",
                                  "..\\escaped.md", "C:/escaped.md"])
def test_zip_with_a_path_outside_the_archive_is_refused_whole(keyed, evil):
    before = articles(keyed.url)
    data = zip_of({"news/good.md": article("萍乡"), evil: article("新余")})
    status, out = send_files(keyed.url, [("batch.zip", data)], key=ALPHA)
    assert status == 400, out
    assert evil in out["error"]["message"] and "nothing of it was unpacked" in out["error"]["message"]
    assert articles(keyed.url) == before
    assert not stored_names(keyed) & {"good.md", "escaped.md"}


def test_zip_members_that_are_links_archives_or_not_articles_are_refused_one_by_one(keyed):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("news/jiangxi.md", article("景德镇"))
        link = zipfile.ZipInfo("passwd.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("inner.zip", b"PK\x05\x06" + b"\0" * 18)
        zf.writestr("tool.exe", b"MZ")
    status, report = send_files(keyed.url, [("batch.zip", buf.getvalue())], key=ALPHA)
    assert status == 200, report
    failed = {f["path"]: f["error"] for f in report["failed"]}
    assert "symbolic link" in failed["batch.zip:passwd.txt"] and "zip" in failed["batch.zip:inner.zip"]
    assert "unsupported" in failed["batch.zip:tool.exe"] and report["articles"] == 1
    assert "jiangxi.md" in stored_names(keyed) and not stored_names(keyed) & {"passwd.txt", "inner.zip", "tool.exe"}


def test_zip_bomb_by_compression_ratio_is_refused_unopened(keyed):
    data = zip_of({"news/good.md": article("景德镇"), "bomb.txt": b"0" * (900 * 1024)})  # 0.9 MB in ~1 KB
    assert len(data) < 10_000
    status, out = send_files(keyed.url, [("bomb.zip", data)], key=ALPHA)
    assert status == 413 and "zip bomb" in out["error"]["message"] and "bomb.txt" in out["error"]["message"]
    assert not stored_names(keyed) & {"good.md", "bomb.txt"}
    assert not [p for p in keyed.store.rglob(".member-*")]  # not even a half-unpacked member


def test_zip_that_unpacks_past_the_size_limit_is_413(keyed):
    noise = {f"n{i}.txt": os.urandom(200 * 1024).hex().encode() for i in range(3)}  # 3 × 400 KB, deflates ~2x
    data = zip_of(noise)
    assert len(data) < 1024 * 1024  # the archive itself is under the 1 MB limit
    status, out = send_files(keyed.url, [("noise.zip", data)], key=ALPHA)
    assert status == 413 and "unpacks to" in out["error"]["message"] and "NEWSQA_MAX_UPLOAD_MB" in out["error"]["message"]
    assert not stored_names(keyed) & set(noise)


# -- rate limit ----------------------------------------------------------------------------------

def test_rate_limit_is_off_by_default(loopback):
    statuses = [ask(loopback.url, path=p)[0] for p in ["/api/ask", "/v1/chat/completions"] * 6]
    assert statuses == [200] * 12


def test_rate_limit_by_address_past_n_is_429_with_retry_after(exposed):
    first = [ask(exposed.url, path=p)[0] for p in ["/api/ask", "/v1/chat/completions"]]
    assert first == [200, 200]  # no key needed to ask beyond loopback; only uploads are locked
    status, headers, out = ask(exposed.url, path="/v1/chat/completions")
    assert status == 429 and out["error"]["type"] == "rate_limit_exceeded" and "NEWSQA_RATE_LIMIT" in out["error"]["message"]
    assert 1 <= int(headers["retry-after"]) <= 30  # 2 a minute: one more every 30 s
    assert ask(exposed.url)[0] == 429  # /api/ask shares the allowance
    assert call("GET", exposed.url + "/api/health")[0] == 200  # other routes are not limited


def test_rate_limit_counts_each_key_on_its_own(keyed):
    assert [ask(keyed.url, GAMMA)[0] for _ in range(3)] == [200, 200, 200]
    status, headers, out = ask(keyed.url, GAMMA, path="/v1/chat/completions")
    assert status == 429 and 1 <= int(headers["retry-after"]) <= 20
    assert ask(keyed.url, DELTA)[0] == 200  # another key from the same address has its own allowance


# -- the pieces, without a server ----------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_allows_a_burst_of_n_then_one_per_interval():
    clock = Clock()
    limiter = RateLimiter(6, clock=clock)  # one every 10 s
    assert [limiter.hit("a").allowed for _ in range(7)] == [True] * 6 + [False]
    assert limiter.hit("a").retry_after == 10
    clock.now += 4
    assert limiter.hit("a").retry_after == 6
    clock.now += 6
    assert limiter.hit("a").allowed and not limiter.hit("a").allowed
    assert limiter.hit("b").allowed


def test_rate_limiter_off_at_zero():
    limiter = RateLimiter(0)
    assert not limiter.enabled and all(limiter.hit("a").allowed for _ in range(1000))


def test_rate_limiter_counts_exactly_under_threads():
    limiter = RateLimiter(100, clock=Clock())
    allowed = []

    def worker() -> None:
        allowed.extend(limiter.hit("a").allowed for _ in range(50))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert allowed.count(True) == 100 and len(allowed) == 400


def test_rate_limiter_forgets_refilled_clients():
    clock = Clock()
    limiter = RateLimiter(60, clock=clock, max_clients=10)
    for i in range(10):
        limiter.hit(f"c{i}")
    clock.now += 2  # each has its token back
    limiter.hit("new")
    assert len(limiter._buckets) == 1


@pytest.mark.parametrize(("host", "loop"), [("127.0.0.1", True), ("127.8.9.1", True), ("::1", True),
                                            ("[::1]", True), ("localhost", True), ("0.0.0.0", False),
                                            ("::", False), ("192.168.1.20", False), ("news.example.com", False)])
def test_loopback_is_only_this_machine(host, loop):
    assert is_loopback(host) is loop
    s = Settings(host=host)
    assert s.uploads_locked is not loop and not Settings(host=host, api_key="k").uploads_locked


def test_api_keys_are_split_on_commas_and_blank_is_an_error():
    assert Settings.from_env({"NEWSQA_API_KEY": " a1 ,b2,, "}).api_keys == ("a1", "b2")
    assert Settings.from_env({}).api_keys == ()
    with pytest.raises(ValueError, match="NEWSQA_API_KEY"):
        Settings.from_env({"NEWSQA_API_KEY": " , "})


def test_key_matches_only_a_whole_configured_key():
    keys = ("alpha-key", "beta-key")
    assert key_matches("alpha-key", keys) and key_matches(b"beta-key", keys)
    assert not any(key_matches(k, keys) for k in ["alpha", "alpha-key ", "alpha-keyx", "", None])
    assert not key_matches("alpha-key", ())


@pytest.mark.parametrize(("method", "path", "needs"), [
    ("GET", "/api/health", False), ("HEAD", "/api/health", False), ("POST", "/api/health", True),
    ("GET", "/api/health/../ask", True), ("POST", "/api/ask", True), ("GET", "//api/articles/x", True),
    ("GET", "/V1/models", True), ("GET", "/v1", True), ("GET", "/", False), ("GET", "/config", False),
    ("GET", "/gradio_api/info", False), ("GET", "/apix", False),
])
def test_guarded_paths(method, path, needs):
    assert guarded(method, path) is needs
