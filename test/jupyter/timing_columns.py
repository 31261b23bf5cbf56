"""A row per task from a report's metadata.timing, which stores its tasks as columns.

The Python twin of src/concurrency/model/task-columns.ts (fromColumns): a column is one value every
task shares, or a list with one entry per task; a string column may instead be
{"values": [...], "index": [...]}, each task an index into the distinct values.
"""

FIELDS = ["where", "status", "queued_ms", "start_ms", "end_ms", "cpu_ms", "startup_ms"]


def value_at(column, i):
    if isinstance(column, list):
        return column[i]
    if isinstance(column, dict):
        return column["values"][column["index"][i]]
    return column


def task_rows(timing):
    """[{"i": 0, "where": ..., "status": ..., ...}, ...] for a timing's tasks, in task order."""
    columns = timing["tasks"]
    return [{"i": i, **{field: value_at(columns[field], i) for field in FIELDS}} for i in range(columns["count"])]


def to_columns(rows):
    """The inverse, for made-up notebooks in self-tests: every column stored as a list."""
    return {"count": len(rows), **{field: [row[field] for row in rows] for field in FIELDS}}
