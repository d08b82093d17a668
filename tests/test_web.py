"""Every route, status and content type of the service, through Flask's test client, with
each response checked against the served OpenAPI document."""

from __future__ import annotations

import gzip
import io
import json
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder, run_wsgi_app
from werkzeug.wrappers import Response as WerkzeugResponse

from conftest import SEEDS
from segmenter.web import create_app

SEED_002 = (SEEDS / "002_0b1dbd43aa0014da.txt").read_bytes()
STORY = (
    "Harbour council approves new flood barrier\n\n"
    "The harbour council voted on Tuesday to build a flood barrier at the mouth of the estuary, "
    "ending a decade of disputes over its cost and its effect on the fishing fleet.\n"
)
LATIN = "Le conseil a approuvé la construction d'une digue à l'entrée de l'estuaire, après dix ans."
SMART = "The council said the \u201cbarrier\u201d would be done \u2014 at last \u2014 by 2029."


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"max_bytes": 200_000, "batch_limit": 5})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def spec(app: Flask) -> dict[str, Any]:
    return json.loads(app.test_client().get("/openapi.json").data)


def check(spec: dict[str, Any], path: str, method: str, response: Any) -> Any:
    """The response's body validates against the schema the spec gives for its status."""
    op = spec["paths"][path][method]
    entry = op["responses"][str(response.status_code)]
    if "$ref" in entry:
        entry = spec["components"]["responses"][entry["$ref"].rsplit("/", 1)[1]]
    assert response.mimetype in entry["content"], f"{response.mimetype} not documented"
    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    body = json.loads(data)
    schema = dict(entry["content"][response.mimetype]["schema"], components=spec["components"])
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)
    return body


def test_plain_text_seed(client: FlaskClient, spec: dict[str, Any]) -> None:
    r = client.post("/segment", data=SEED_002, content_type="text/plain; charset=utf-8")
    body = check(spec, "/segment", "post", r)
    assert body["title"]["line"] == 3
    assert [p["line"] for p in body["body"]] == list(range(5, 40, 2))
    assert r.headers["X-Request-ID"]


def test_json_document_echoes_id(client: FlaskClient, spec: dict[str, Any]) -> None:
    r = client.post("/segment", json={"id": "doc-1", "text": STORY, "url": "https://x.test/a"})
    body = check(spec, "/segment", "post", r)
    assert body["id"] == "doc-1"
    assert body["title"]["text"] == "Harbour council approves new flood barrier"


def test_html_input(client: FlaskClient, spec: dict[str, Any]) -> None:
    page = (
        "<html><head><title>Flood barrier approved</title></head><body><nav>Home News</nav>"
        "<article><h1>Flood barrier approved</h1><p>The harbour council voted on Tuesday to "
        "build a flood barrier at the mouth of the estuary, ending a decade of disputes over its "
        "cost.</p><p>The barrier will cost an estimated 240 million euros and should be finished "
        "by the end of 2029, according to the council's own planning documents.</p></article>"
        "</body></html>"
    )
    r = client.post("/segment", data=page, content_type="text/html")
    body = check(spec, "/segment", "post", r)
    assert body["source"] == "html"
    assert any("240 million euros" in p["text"] for p in body["body"])
    r = client.post("/segment", json={"html": page})
    assert check(spec, "/segment", "post", r)["source"] == "html"


def test_explain(client: FlaskClient, spec: dict[str, Any]) -> None:
    r = client.post("/segment?explain=1", data=SEED_002, content_type="text/plain")
    body = check(spec, "/segment", "post", r)
    fates = {d["line"]: (d["fate"], d["rule"]) for d in body["explain"]}
    assert fates[1] == ("removed", "skip-link")
    assert fates[41] == ("removed", "ad-slot")
    assert fates[3][0] == "title"


@pytest.mark.parametrize(("encoding", "text"), [("latin-1", LATIN), ("windows-1252", SMART)])
def test_declared_charsets(
    client: FlaskClient, spec: dict[str, Any], encoding: str, text: str
) -> None:
    ctype = f"text/plain; charset={encoding}"
    r = client.post("/segment", data=text.encode(encoding), content_type=ctype)
    body = check(spec, "/segment", "post", r)
    assert body["body"][0]["text"] == text


def test_utf16_with_bom_and_no_charset(client: FlaskClient, spec: dict[str, Any]) -> None:
    data = "\ufeff".encode("utf-16-le") + STORY.encode("utf-16-le")
    body = check(
        spec, "/segment", "post", client.post("/segment", data=data, content_type="text/plain")
    )
    assert body["title"]["text"] == "Harbour council approves new flood barrier"


def test_windows_1252_detected_without_charset(client: FlaskClient, spec: dict[str, Any]) -> None:
    text = SMART + " The fleet would keep its channel open all year, the harbour master said."
    r = client.post("/segment", data=text.encode("windows-1252"), content_type="text/plain")
    body = check(spec, "/segment", "post", r)
    assert "\u201cbarrier\u201d" in body["body"][0]["text"]


def test_gzip_request_and_response(client: FlaskClient, spec: dict[str, Any]) -> None:
    r = client.post(
        "/segment",
        data=gzip.compress(SEED_002),
        content_type="text/plain",
        headers={"Content-Encoding": "gzip", "Accept-Encoding": "gzip"},
    )
    assert r.headers["Content-Encoding"] == "gzip"
    assert check(spec, "/segment", "post", r)["title"]["line"] == 3


def test_malformed_gzip_is_400(client: FlaskClient, spec: dict[str, Any]) -> None:
    headers = {"Content-Encoding": "gzip"}
    r = client.post("/segment", data=b"not gzip", content_type="text/plain", headers=headers)
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    check(spec, "/segment", "post", r)


def test_gzip_bomb_is_413(client: FlaskClient, spec: dict[str, Any]) -> None:
    bomb = gzip.compress(b"a" * 5_000_000)
    headers = {"Content-Encoding": "gzip"}
    r = client.post("/segment", data=bomb, content_type="text/plain", headers=headers)
    assert r.status_code == 413
    check(spec, "/segment", "post", r)


def test_too_many_lines_is_413_and_the_service_goes_on(
    client: FlaskClient, spec: dict[str, Any]
) -> None:
    r = client.post("/segment", data="word\n" * 20_000, content_type="text/plain")
    assert r.status_code == 413
    assert "20001 lines; the limit is 20000" in r.get_json()["detail"]
    check(spec, "/segment", "post", r)
    assert client.post("/segment", data=STORY, content_type="text/plain").status_code == 200


def test_line_limit_comes_from_the_settings() -> None:
    client = create_app({"max_lines": 3}).test_client()
    r = client.post("/segment", json={"text": "a\nb\nc\nd"})
    assert r.status_code == 413
    assert "4 lines; the limit is 3" in r.get_json()["detail"]


def test_too_large_is_refused_from_its_length_and_drained_not_kept(
    app: Flask, spec: dict[str, Any]
) -> None:
    class Counting(io.BytesIO):
        """A body stream that records how much was asked of it in one read."""

        largest = 0

        def read(self, size: int | None = -1, /) -> bytes:
            Counting.largest = max(Counting.largest, size if size is not None else -1)
            return super().read(size)

        def readinto(self, buffer: Any, /) -> int:
            Counting.largest = max(Counting.largest, len(buffer))
            return super().readinto(buffer)

    env = {"CONTENT_LENGTH": "300000", "wsgi.input": Counting(b"x" * 300_000)}
    r = app.test_client().post("/segment", content_type="text/plain", environ_overrides=env)
    assert r.status_code == 413
    check(spec, "/segment", "post", r)
    # Read in small pieces and dropped (so that the client can read its 413), never whole.
    assert 0 < Counting.largest <= 1 << 16


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": b"{not json", "content_type": "application/json"}, 400),
        ({"data": b"[" * 10_000 + b"]" * 10_000, "content_type": "application/json"}, 400),
        ({"json": {"id": "x"}}, 400),
        ({"json": {"text": 5}}, 400),
        ({"json": {"text": "ok text", "language": 3}}, 400),
        ({"json": ["a list"]}, 400),
        ({"data": b"x", "content_type": "application/xml"}, 415),
        ({"data": b"x"}, 415),
        ({"data": b"   \n\n  \r\n", "content_type": "text/plain"}, 422),
        ({"json": {"text": ""}}, 422),
    ],
)
def test_client_errors_are_problems(
    client: FlaskClient, spec: dict[str, Any], kwargs: dict[str, Any], status: int
) -> None:
    r = client.post("/segment", **kwargs)
    assert r.status_code == status
    assert r.mimetype == "application/problem+json"
    assert check(spec, "/segment", "post", r)["status"] == status


def test_charset_that_lies_still_gives_text(client: FlaskClient, spec: dict[str, Any]) -> None:
    data = LATIN.encode("latin-1")
    r = client.post("/segment", data=data, content_type="text/plain; charset=utf-8")
    body = check(spec, "/segment", "post", r)
    assert body["body"][0]["text"] == LATIN


def test_unknown_route_and_method(client: FlaskClient) -> None:
    r = client.get("/nope")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    r = client.get("/segment")
    assert r.status_code == 405 and r.mimetype == "application/problem+json"
    assert set(r.headers["Allow"].split(", ")) >= {"POST"}
    assert json.loads(r.data)["status"] == 405


def test_unexpected_error_is_a_500_problem(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    import segmenter.web as web

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(web, "segment", boom)
    r = app.test_client().post("/segment", data=b"Some text here.", content_type="text/plain")
    assert r.status_code == 500 and r.mimetype == "application/problem+json"
    assert "Traceback" not in r.get_data(as_text=True)
    assert json.loads(r.data)["request_id"] == r.headers["X-Request-ID"]


def test_batch_keeps_order_and_isolates_errors(client: FlaskClient, spec: dict[str, Any]) -> None:
    docs = [
        {"id": "a", "text": STORY},
        {"id": "b", "text": "   "},
        {"id": "c"},
        {"id": "d", "text": SEED_002.decode()},
        "not an object",
    ]
    r = client.post("/segment/batch", json={"documents": docs})
    body = check(spec, "/segment/batch", "post", r)
    assert [x["id"] for x in body["results"]] == ["a", "d"]
    assert [x["index"] for x in body["results"]] == [0, 3]
    assert [(e.get("id"), e["index"], e["status"]) for e in body["errors"]] == [
        ("b", 1, 422),
        ("c", 2, 400),
        (None, 4, 400),
    ]


def test_batch_limits(client: FlaskClient, spec: dict[str, Any]) -> None:
    r = client.post("/segment/batch", json={"documents": [{"text": STORY}] * 6})
    assert r.status_code == 413
    check(spec, "/segment/batch", "post", r)
    assert client.post("/segment/batch", json={"docs": []}).status_code == 400
    r = client.post("/segment/batch", data="x", content_type="text/plain")
    assert r.status_code == 415


def test_probes_openapi_and_metrics(client: FlaskClient, spec: dict[str, Any]) -> None:
    assert check(spec, "/healthz", "get", client.get("/healthz")) == {"status": "ok"}
    assert check(spec, "/readyz", "get", client.get("/readyz")) == {"status": "ready"}
    client.post("/segment", data=SEED_002, content_type="text/plain")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'segmenter_requests_total{route="/segment",status="200"}' in text
    assert 'segmenter_removed_lines_total{reason="advert"}' in text
    assert "segmenter_request_seconds_bucket" in text


def test_removed_lines_are_counted_by_reason(client: FlaskClient) -> None:
    def count(reason: str) -> float:
        text = client.get("/metrics").get_data(as_text=True)
        name = f'segmenter_removed_lines_total{{reason="{reason}"}} '
        return sum(float(x[len(name) :]) for x in text.splitlines() if x.startswith(name))

    before = count("navigation"), count("advert")
    client.post("/segment", data=SEED_002, content_type="text/plain")  # lines 1, 2; line 41
    assert (count("navigation"), count("advert")) == (before[0] + 2, before[1] + 1)


def test_spec_documents_every_route(app: Flask, spec: dict[str, Any]) -> None:
    routes = {r.rule for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert routes == set(spec["paths"])


class _StalledStream(io.BytesIO):
    """A request body whose client stopped sending: every socket read times out."""

    def read(self, *args: Any) -> bytes:
        raise TimeoutError("timed out")

    read1 = read

    def readinto(self, *args: Any) -> int:
        raise TimeoutError("timed out")


def test_a_stalled_body_is_a_408_problem(app: Flask, spec: dict[str, Any]) -> None:
    environ = EnvironBuilder(
        method="POST", path="/segment", content_type="text/plain"
    ).get_environ()
    # As gunicorn hands it over: its own body reader, which stops at the end of the body.
    environ.update(
        {"wsgi.input": _StalledStream(), "wsgi.input_terminated": True, "CONTENT_LENGTH": "1000"}
    )
    body, status, headers = run_wsgi_app(app, environ, buffered=True)
    r = WerkzeugResponse(b"".join(body), status=status, headers=headers)
    assert r.status_code == 408
    assert "stopped arriving" in check(spec, "/segment", "post", r)["detail"]
