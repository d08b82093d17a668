"""The HTTP service: `create_app()` and thin views over the library API.

Every error a client can cause is an RFC 9457 problem (application/problem+json); an
unexpected exception is logged with the request id and answered 500 in the same form.
"""

from __future__ import annotations

import gc
import gzip
import json
import logging
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from typing import Any

import orjson
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from . import accesslog, metrics
from .config import Settings
from .errors import BudgetError, DecodeError, EmptyInputError, InputError, TooLargeError
from .normalize import count_lines
from .options import Options
from .pipeline import segment, segment_html, warm_up
from .types import Result
from .ui import bp as ui_blueprint

log = logging.getLogger("segmenter.web")

PROBLEM_JSON = "application/problem+json"
_GZIP_MIN_BYTES = 1024
# A problem type is an identifier, not a page: a URN needs no web site kept alive for it.
_TYPE_BASE = "urn:segmenter:problem:"
# What a 413 reads of a body it refuses before answering, so that the client, still sending,
# reads the answer instead of a reset (a client such as urllib reads nothing before it has sent
# everything): as nginx's lingering close, bounded in time as well as in bytes
# (SEGMENTER_DRAIN_BYTES). 11 MiB from urllib on loopback: its 413 in 0.012-0.019 s, drain
# included.
_DRAIN_SECONDS = 5.0
_DRAIN_CHUNK = 1 << 16


class Problem(Exception):
    """An error answer: status, a short title, and a detail for this occurrence."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        kind: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.kind = kind or title.lower().replace(" ", "-")
        self.headers = dict(headers or {})

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": _TYPE_BASE + self.kind,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }


def _from_input_error(exc: InputError) -> Problem:
    if isinstance(exc, TooLargeError):
        return Problem(413, "Content Too Large", str(exc))
    if isinstance(exc, DecodeError):
        return Problem(422, "Undecodable Text", str(exc))
    if isinstance(exc, EmptyInputError):
        return Problem(422, "No Text", str(exc))
    return Problem(422, "Unprocessable Text", str(exc))


def _problem_response(p: Problem) -> Response:
    body = dict(p.to_dict(), instance=request.path)
    rid = g.get("request_id")
    if rid:
        body["request_id"] = rid
    return Response(
        json.dumps(body), status=p.status, mimetype=PROBLEM_JSON, headers=p.headers or None
    )


def _drain(limit: int) -> None:
    """Read and drop what the client still sends, up to `limit` bytes or _DRAIN_SECONDS."""
    deadline = time.monotonic() + _DRAIN_SECONDS
    drained = 0
    try:
        while drained < limit and time.monotonic() < deadline:
            chunk = request.stream.read(min(_DRAIN_CHUNK, limit - drained))
            if not chunk:
                return
            drained += len(chunk)
    except (OSError, ValueError):
        return  # the client went away or broke off: nothing left to deliver the 413 to


def _too_large(settings: Settings, detail: str) -> Problem:
    _drain(settings.drain_bytes)
    return Problem(413, "Content Too Large", detail)


def _read_body(settings: Settings) -> bytes:
    """The request body, gunzipped, refusing anything over the limit without keeping it."""
    limit = settings.max_bytes
    declared = request.content_length
    if declared is not None and declared > limit:
        raise _too_large(settings, f"the body is over the {limit}-byte limit")
    try:
        data = request.stream.read(limit + 1)
    except TimeoutError as exc:  # a server whose reads have a deadline: the client stalled
        raise Problem(
            408, "Request Timeout", "the request body stopped arriving before it was complete"
        ) from exc
    if len(data) > limit:
        raise _too_large(settings, f"the body is over the {limit}-byte limit")
    if declared is not None and len(data) < declared:
        # The client closed its end early: segmenting the part that came would answer for a
        # text nobody sent.
        raise Problem(
            400, "Bad Request", f"the body ended after {len(data)} of its {declared} bytes"
        )
    if declared is None and not data and _is_chunked(request.headers.get("Transfer-Encoding")):
        # granian (2.8) ends a chunked body at its first framing error and tells the app
        # nothing: the bytes before the fault read as the whole body. A fault in the first
        # chunk-size line reads as an empty body, and so does "0\r\n\r\n"; neither carries a
        # document, so both are this 400 rather than a 422 for an empty text. A fault after
        # the first chunk cannot be seen here (docs/service.md).
        raise Problem(
            400,
            "Bad Request",
            "the chunked body carried no data: it was empty, or its chunk framing was "
            "malformed before any data",
            kind="malformed-chunked-body",
        )
    encoding = (request.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding == "gzip":
        return _gunzip(data, limit)
    if encoding != "identity":
        raise Problem(415, "Unsupported Media Type", f"unsupported Content-Encoding {encoding!r}")
    return data


def _is_chunked(transfer_encoding: str | None) -> bool:
    """Whether the request's framing is chunked (the last coding, RFC 9112 6.1)."""
    if not transfer_encoding:
        return False
    return transfer_encoding.rsplit(",", 1)[-1].strip().lower() == "chunked"


def _gunzip(data: bytes, limit: int) -> bytes:
    """Every member of a gzip body (RFC 1952 allows several, and gzip(1) reads them all),
    inflated up to `limit` bytes in all: a gzip bomb stops there instead of filling memory."""
    parts: list[bytes] = []
    size = 0
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            part = inflater.decompress(data, limit + 1 - size)
        except zlib.error as exc:
            raise Problem(400, "Bad Request", f"malformed gzip body: {exc}") from exc
        size += len(part)
        if size > limit or inflater.unconsumed_tail:
            raise Problem(413, "Content Too Large", f"the body inflates past {limit} bytes")
        if not inflater.eof:
            raise Problem(400, "Bad Request", "truncated gzip body")
        parts.append(part)
        data = inflater.unused_data
    return b"".join(parts)


def _json_body(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise Problem(400, "Bad Request", f"malformed JSON: {str(exc)[:200]}") from exc


def _options(hint: Any, base: Options) -> Options:
    if hint is not None and not isinstance(hint, str):
        raise Problem(400, "Bad Request", "'language' must be a string")
    return replace(base, language_hint=hint or None)


def _optional_str(doc: Mapping[str, Any], name: str, integer_ok: bool = False) -> str | None:
    value = doc.get(name)
    if value is None:
        return None
    kinds = (str, int) if integer_ok else (str,)
    if not isinstance(value, kinds) or isinstance(value, bool):
        raise Problem(400, "Bad Request", f"'{name}' must be a string")
    return str(value)


def _check_text(doc: Mapping[str, Any]) -> None:
    """JSON can spell a lone surrogate ("\\ud800"), which is no character: no UTF-8 answer
    can hold it, so the document is refused, naming the field and where."""
    for name in ("text", "html", "id", "url", "language"):
        value = doc.get(name)
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise Problem(
                    400,
                    "Bad Request",
                    f"'{name}' holds a lone surrogate (U+{ord(value[exc.start]):04X}) at "
                    f"character {exc.start}: not text",
                    kind="lone-surrogate",
                ) from exc


def _segment_document(doc: Any, base: Options) -> Result:
    """One JSON document ({"text"|"html", "id"?, "url"?, "language"?}) to a Result."""
    if not isinstance(doc, dict):
        raise Problem(400, "Bad Request", "the JSON body must be an object")
    _check_text(doc)
    rid = _optional_str(doc, "id", integer_ok=True)
    url = _optional_str(doc, "url")
    opts = _options(doc.get("language"), base)
    text, markup = doc.get("text"), doc.get("html")
    if "text" in doc and "html" in doc:
        raise Problem(400, "Bad Request", "give 'text' or 'html', not both")
    try:
        if isinstance(text, str):
            return segment(text, opts, id=rid, url=url)
        if isinstance(markup, str):
            return segment_html(markup, opts, id=rid, url=url)
    except InputError as exc:
        raise _from_input_error(exc) from exc
    if text is not None or markup is not None:
        raise Problem(400, "Bad Request", "'text' and 'html' must be strings")
    raise Problem(400, "Bad Request", "the document needs a 'text' or an 'html' field")


def _lines_of(doc: Any) -> int:
    """Lines of a batch document's text or markup as sent (what it will cost, roughly)."""
    if not isinstance(doc, dict):
        return 0
    value = doc.get("text", doc.get("html"))
    return count_lines(value) if isinstance(value, str) else 0


def _printable(value: str) -> str:
    """`value` with any lone surrogate replaced, so that an error can echo it."""
    return value.encode("utf-8", "replace").decode("utf-8")


def _flag(value: str, name: str) -> bool:
    if value in ("1", "true", "yes"):
        return True
    if value in ("", "0", "false", "no"):
        return False
    raise Problem(400, "Bad Request", f"'{name}' must be 1, true, yes, 0, false or no")


def _count_removed(result: Result) -> None:
    # One labelled increment per reason, not per line: labels() is a dict look-up under a lock.
    for reason, count in Counter(r.reason.value for r in result.removed).items():
        metrics.REMOVED.labels(reason).inc(count)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The WSGI app. `config` overrides settings (keys as in Settings); the rest comes from
    SEGMENTER_* variables. Rules and language profiles load here, before the first request."""
    settings = Settings.from_env()
    if config:
        settings = replace(settings, **config)
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    options = Options(max_lines=settings.max_lines)
    app.config["MAX_CONTENT_LENGTH"] = None  # _read_body enforces the limit itself
    logging.basicConfig(level=settings.log_level.upper(), format="%(message)s")
    accesslog.configure(settings.access_log)

    warm_up()
    # What start-up loaded lives as long as the process: keep the collector from rescanning it
    # (and, in forked workers, from touching its pages).
    gc.collect()
    gc.freeze()
    openapi = resources.files("segmenter").joinpath("openapi.json").read_bytes()
    app.config["READY"] = True
    app.register_blueprint(ui_blueprint)  # GET /: the page (segmenter/ui.py)

    @app.before_request
    def start() -> None:
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        g.started = time.perf_counter()
        # CPU time of this thread, not wall time: on a busy machine a request waits for the
        # CPU without spending its budget.
        g.deadline = time.thread_time() + settings.budget if settings.budget else None

    @app.after_request
    def finish(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        metrics.REQUESTS.labels(route, str(response.status_code)).inc()
        metrics.LATENCY.labels(route).observe(elapsed)
        response.headers["X-Request-ID"] = g.get("request_id", "")
        _maybe_gzip(response)
        accesslog.write(
            request.remote_addr,
            request.method,
            request.path,
            response.status_code,
            response.content_length,
            elapsed,
            g.get("request_id"),
        )
        return response

    @app.errorhandler(Problem)
    def on_problem(p: Problem) -> Response:
        return _problem_response(p)

    @app.errorhandler(BudgetError)
    def on_budget(exc: BudgetError) -> Response:
        return _problem_response(
            Problem(
                503,
                "Over Budget",
                f"the request needed more than the {settings.budget} s of CPU time one request "
                "may use; send smaller documents or fewer at a time",
                # As long as the request just held a thread: a retry at once would meet the
                # same busy worker, and the same document the same 503.
                headers={"Retry-After": str(settings.budget)},
            )
        )

    @app.errorhandler(HTTPException)
    def on_http(exc: HTTPException) -> Response:
        code = exc.code or 500
        response = _problem_response(Problem(code, exc.name, exc.description or exc.name))
        for name, value in exc.get_headers():  # e.g. Allow on a 405, as RFC 9110 wants
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def on_unexpected(exc: Exception) -> Response:
        log.exception(
            json.dumps(
                {"event": "unhandled", "request_id": g.get("request_id"), "error": repr(exc)}
            )
        )
        return _problem_response(
            Problem(
                500, "Internal Server Error", "unexpected error; see the log for this request id"
            )
        )

    @app.post("/segment")
    def segment_one() -> Response:
        data = _read_body(settings)
        mimetype = request.mimetype
        explain = _flag(request.args.get("explain", ""), "explain")
        opts = replace(options, explain=explain, deadline=g.deadline)
        charset = request.mimetype_params.get("charset")
        try:
            if mimetype == "application/json":
                result = _segment_document(_json_body(data), opts)
            elif mimetype == "text/plain":
                result = segment(data, opts, charset=charset)
            elif mimetype == "text/html":
                result = segment_html(data, opts, charset=charset)
            else:
                raise Problem(
                    415,
                    "Unsupported Media Type",
                    f"send text/plain, text/html or application/json, not {mimetype or 'nothing'}",
                )
        except InputError as exc:
            raise _from_input_error(exc) from exc
        metrics.DOC_BYTES.observe(len(data))
        _count_removed(result)
        return _json(result.to_dict())

    @app.post("/segment/batch")
    def segment_batch() -> Response:
        if request.mimetype != "application/json":
            raise Problem(415, "Unsupported Media Type", "send application/json")
        body = _json_body(_read_body(settings))
        docs = body.get("documents") if isinstance(body, dict) else None
        if not isinstance(docs, list):
            raise Problem(400, "Bad Request", "the body needs a 'documents' list")
        if len(docs) > settings.batch_limit:
            raise Problem(
                413,
                "Content Too Large",
                f"{len(docs)} documents; the limit is {settings.batch_limit} a request",
            )
        lines = sum(_lines_of(doc) for doc in docs)
        if lines > settings.batch_max_lines:
            raise Problem(
                413,
                "Content Too Large",
                f"the documents have {lines} lines in all; the limit is "
                f"{settings.batch_max_lines} a request",
            )
        opts = replace(options, deadline=g.deadline)
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for index, doc in enumerate(docs):
            try:
                result = _segment_document(doc, opts)
            except Problem as p:
                err = dict(p.to_dict(), index=index)
                if isinstance(doc, dict) and isinstance(doc.get("id"), (str, int)):
                    err["id"] = _printable(str(doc["id"]))
                errors.append(err)
                continue
            _count_removed(result)
            results.append(dict(result.to_dict(), index=index))
        return _json({"results": results, "errors": errors})

    @app.get("/healthz")
    def healthz() -> Response:
        return _json({"status": "ok"})

    @app.get("/readyz")
    def readyz() -> Response:
        if not app.config.get("READY"):
            return _problem_response(Problem(503, "Service Unavailable", "still loading"))
        return _json({"status": "ready"})

    @app.get("/openapi.json")
    def openapi_doc() -> Response:
        return Response(openapi, mimetype="application/json")

    @app.get("/metrics")
    def metrics_view() -> Response:
        payload, content_type = metrics.render()
        return Response(payload, content_type=content_type)

    return app


def _json(obj: Any) -> Response:
    # orjson: an eighth of json.dumps's time on a page's result (3 against 26 us), UTF-8 out.
    return Response(orjson.dumps(obj), mimetype="application/json")


def _maybe_gzip(response: Response) -> None:
    accepted = request.headers.get("Accept-Encoding", "")
    if (
        "gzip" not in accepted.lower()
        or response.direct_passthrough
        or response.status_code < 200
        or "Content-Encoding" in response.headers
    ):
        return
    data = response.get_data()
    if len(data) < _GZIP_MIN_BYTES:
        return
    response.set_data(gzip.compress(data, compresslevel=5))
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
