#!/usr/bin/env python3
"""Reads Parquet files (or dataset directories) with pyarrow and prints, as JSON, what pyarrow
and pandas see: for each path, the Arrow schema, the pandas dtypes, the row-group count and every
column's values in the fixture convention of make_parquet_fixtures.py.

    python3 scripts/read_parquet_with_pyarrow.py FILE_OR_DIR ...

Tessera's writer tests run this on the files Tessera writes (when python3 with pyarrow is
importable) to check that pyarrow reads them back identically.
"""
import json
import os
import sys

import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_parquet_fixtures import column_values  # noqa: E402


def describe(path):
    if os.path.isdir(path):
        table = pq.read_table(path)
        summary = pq.read_metadata(os.path.join(path, "_metadata")) if os.path.exists(os.path.join(path, "_metadata")) else None
        row_groups = summary.num_row_groups if summary else None
        files = sorted({summary.row_group(i).column(0).file_path for i in range(summary.num_row_groups)}) if summary else []
    else:
        table = pq.read_table(path)
        row_groups = pq.ParquetFile(path).num_row_groups
        files = []
    frame = table.to_pandas()
    columns = []
    for field, column in zip(table.schema, table.columns):
        array = column.combine_chunks()
        columns.append({
            "name": field.name,
            "arrow_type": str(field.type),
            "pandas_dtype": str(frame[field.name].dtype) if field.name in frame.columns else None,
            "values": column_values(array),
        })
    return {"path": path, "num_rows": table.num_rows, "row_groups": row_groups, "files": files, "columns": columns}


if __name__ == "__main__":
    print(json.dumps([describe(path) for path in sys.argv[1:]]))
