"""Segmenting on Dask, for more pages than one machine handles: `pip install 'segmenter[dask]'`.

    import dask.bag as db
    from segmenter.dask import segment_bag, segment_dataframe

    results = segment_bag(db.read_text("s3://bucket/pages-*.jsonl.gz").map(json.loads))
    frame = segment_dataframe(dd.read_parquet("pages/"), text_column="text", id_column="id")

Records are {"text"|"html", "id"?, "url"?, "language"?} as for `segmenter batch`. Each result is
the JSON contract's dict; a record that cannot be segmented gives {"id", "error"} instead, so
one bad page never fails a partition. Each worker process loads the rules once, on first use.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

import dask.bag as db
import dask.dataframe as dd
import pandas as pd

from .errors import SegmenterError
from .io import UserError, bad_record, load_record, open_text, output_line
from .options import Options
from .pipeline import segment_record

# The columns of segment_dataframe's result (lists and objects as JSON text, so that every
# engine, Parquet included, takes them as they are).
RESULT_COLUMNS: dict[str, str] = {
    "id": "string",
    "title": "string",
    "body": "string",
    "teasers": "string",
    "removed": "string",
    "language": "string",
    "language_confidence": "float64",
    "fingerprint": "string",
    "error": "string",
}


def segment_one(record: Any, options: Options | None = None) -> dict[str, Any]:
    """One record to its result dict, or {"id", "error"}."""
    rid = record.get("id") if isinstance(record, dict) else None
    if isinstance(record, dict) and "_error" in record:
        return {"id": rid, "error": record["_error"]}
    try:
        return segment_record(record, options or Options()).to_dict()
    except (ValueError, SegmenterError) as exc:
        return {"id": None if rid is None else str(rid), "error": str(exc)}


def segment_records(records: Iterable[Any], options: Options | None = None) -> list[dict[str, Any]]:
    return [segment_one(r, options) for r in records]


def segment_bag(bag: db.Bag, options: Options | None = None) -> db.Bag:
    """A bag of records to a bag of result dicts, partition by partition, order kept."""
    return bag.map_partitions(segment_records, options)


def _row(result: dict[str, Any]) -> dict[str, Any]:
    if "error" in result:
        return {"id": result.get("id"), "error": result["error"]}
    return {
        "id": result.get("id"),
        "title": (result["title"] or {}).get("text"),
        "body": "\n".join(p["text"] for p in result["body"]),
        "teasers": json.dumps(result["teasers"], ensure_ascii=False),
        "removed": json.dumps(result["removed"], ensure_ascii=False),
        "language": result["language"]["code"],
        "language_confidence": result["language"]["confidence"],
        "fingerprint": result["fingerprint"],
        "error": None,
    }


def _frame(
    part: pd.DataFrame, text_column: str, id_column: str | None, options: Options | None
) -> pd.DataFrame:
    rows = []
    for i, text in enumerate(part[text_column].tolist()):
        rid = part[id_column].iloc[i] if id_column else part.index[i]
        record = {"id": None if rid is None else str(rid), "text": text}
        rows.append(_row(segment_one(record, options)))
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS), index=part.index)
    return frame.astype(RESULT_COLUMNS)


def segment_dataframe(
    frame: dd.DataFrame,
    text_column: str = "text",
    id_column: str | None = "id",
    options: Options | None = None,
) -> dd.DataFrame:
    """A Dask DataFrame column of page texts to a DataFrame of results (RESULT_COLUMNS)."""
    meta = pd.DataFrame({k: pd.Series(dtype=v) for k, v in RESULT_COLUMNS.items()})
    return frame.map_partitions(_frame, text_column, id_column, options, meta=meta)


def _loads(line: str) -> Any:
    try:
        return load_record(line)
    except ValueError as exc:
        return {"_error": str(exc)}


def read_records(path: str) -> db.Bag:
    """JSONL (.gz too) or Parquet, from any filesystem Dask reads, as a bag of records."""
    if _is_parquet(path):
        return dd.read_parquet(path).to_bag(format="dict")
    return db.read_text(path, blocksize=_blocksize(path)).filter(str.strip).map(_loads)


def _is_parquet(path: str) -> bool:
    return path.endswith(".parquet") or path.endswith("/")


def _blocksize(path: str) -> str | None:
    return None if path.endswith(".gz") else "16MiB"


def _placed(path: str) -> db.Bag:
    """Every input position as (source path, record, or None for a blank line): blank lines
    stay in so that positions are the input's line numbers, as in the local engine."""
    if _is_parquet(path):
        return dd.read_parquet(path).to_bag(format="dict").map(lambda r: (path, r))
    lines = db.read_text(path, blocksize=_blocksize(path), include_path=True)
    return lines.map(lambda pair: (pair[1], _loads(pair[0]) if pair[0].strip() else None))


def _segment_placed(
    items: Iterable[tuple[str, Any]], options: Options | None
) -> list[tuple[str, dict[str, Any] | None]]:
    return [(where, None if r is None else segment_one(r, options)) for where, r in items]


def batch(
    path: str, output: str, scheduler: str, options: Options, skip_errors: bool
) -> tuple[int, int]:
    """Segment `path` on Dask and write JSONL to `output` in input order, each line with its
    `index`, as `segmenter batch` does locally; returns (records written, records skipped).
    A bad record is reported as `path:line: error`; without `skip_errors` the first one stops
    the run (UserError). `scheduler` is a scheduler address or "local" (a LocalCluster of
    processes on loopback)."""
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(
            processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    written = skipped = 0
    index = -1
    lines: dict[str, int] = {}  # lines seen so far in each input file (a glob reads several)
    try:
        parts = _placed(path).map_partitions(_segment_placed, options).to_delayed()
        window = max(1, 2 * len(client.scheduler_info().get("workers", {})))
        with open_text(output, "w") as dst:
            for start in range(0, len(parts), window):
                futures = client.compute(parts[start : start + window])
                for future in futures:
                    for source, result in future.result():
                        index += 1
                        lines[source] = lines.get(source, 0) + 1
                        if result is None:
                            continue
                        if "error" in result:
                            message = bad_record(source, lines[source], result["error"])
                            if not skip_errors:
                                raise UserError(message + " (use --skip-errors to go on)")
                            print(message, file=sys.stderr)
                            skipped += 1
                            continue
                        dst.write(output_line(result, index))
                        written += 1
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return written, skipped
