#!/usr/bin/env python3
"""Writes the Parquet fixtures of Tests/FileFormatsTests/Fixtures/parquet/ with pyarrow, and the
values pyarrow reads back from each, as the reference Tessera's reader is tested against.

    python3 scripts/make_parquet_fixtures.py      # needs pyarrow (and pandas), e.g. pip install pyarrow pandas

Files Tessera writes are committed too (Fixtures/parquet-tessera), with values pyarrow reads from them:

    TESSERA_WRITE_PARQUET_FIXTURES=1 swift test --filter "regenerate the committed"
    python3 scripts/make_parquet_fixtures.py --expected-for Tests/FileFormatsTests/Fixtures/parquet-tessera

and the fuzz target's seed corpus (with some small fixtures copied next to it):

    python3 scripts/make_parquet_fixtures.py --fuzz-corpus Fuzz/corpus/parquet

Every file <name>.parquet (or dataset directory <name>/) gets <name>.json:

    {"name": ..., "path": <file or directory, relative>, "options": {reader options},
     "columns": [{"name": ..., "type": <Tessera type>, "hex": <binary?>, "values": [<string or null>, ...]}, ...],
     "row_groups": <count>, "error": <substring of the expected error, for unsupported files>}

Values are strings (null for missing): integers in decimal, floats as Python's repr of the
value widened to double ("nan" for NaN), strings as is, binary as lowercase hex, timestamps and
times as integers in their unit, dates as days since 1970-01-01, UUIDs in canonical text form,
decimals as repr(float(value)) (Tessera reads decimals as float64, correctly rounded).
Types are Tessera's ColumnType descriptions (int64, float32, string, datetime64[ns, UTC], ...).
"""
import datetime
import decimal
import json
import os
import shutil
import sys
import uuid

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "FileFormatsTests", "Fixtures", "parquet")
ROWS = 240
rng = np.random.default_rng(20261122)


def with_nulls(values, every=7, offset=0):
    return [None if (i + offset) % every == 0 else v for i, v in enumerate(values)]


def base_table(rows=ROWS, nulls=True):
    """Every primitive type Tessera reads, with nulls in every column when `nulls`."""
    ints = rng.integers(-1000, 1000, size=rows)
    n = (lambda values, k=0: with_nulls(values, 7, k)) if nulls else (lambda values, k=0: list(values))
    utc = datetime.timezone.utc
    base_ts = datetime.datetime(2024, 1, 1, tzinfo=utc)
    cols = {
        "bool": pa.array(n([bool(v % 2) for v in ints], 1), pa.bool_()),
        "int8": pa.array(n([int(v % 128) for v in ints], 2), pa.int8()),
        "int16": pa.array(n([int(v * 30) for v in ints], 3), pa.int16()),
        "int32": pa.array(n([int(v * 100000) for v in ints], 4), pa.int32()),
        "int64": pa.array(n([int(v) * 10**15 + i for i, v in enumerate(ints)], 5), pa.int64()),
        "uint8": pa.array(n([int(abs(v) % 256) for v in ints], 6), pa.uint8()),
        "uint16": pa.array(n([int(abs(v) * 60) for v in ints]), pa.uint16()),
        "uint32": pa.array(n([int(abs(v)) * 4_000_000 for v in ints], 1), pa.uint32()),
        "uint64": pa.array(n([2**64 - 1 - i if i % 3 == 0 else i for i in range(rows)], 2), pa.uint64()),
        "float32": pa.array(n([float(np.float32(v / 7)) for v in ints], 3), pa.float32()),
        "float64": pa.array(n([float(v) / 3 if i % 11 else float("nan") for i, v in enumerate(ints)], 4), pa.float64()),
        "string": pa.array(n([f"s{v}é" * (i % 4) for i, v in enumerate(ints)], 5), pa.string()),
        "large_string": pa.array(n([f"L{v % 13}" for v in ints], 6), pa.large_string()),
        "binary": pa.array(n([bytes([abs(v) % 256, 0, 255]) * (i % 3) for i, v in enumerate(ints)]), pa.binary()),
        "fixed_binary": pa.array(n([bytes([i % 256, 1, 2, abs(v) % 256]) for i, v in enumerate(ints)], 1), pa.binary(4)),
        "date": pa.array(n([datetime.date(2000, 1, 1) + datetime.timedelta(days=int(v) * 9) for v in ints], 2), pa.date32()),
        "time_ms": pa.array(n([int(abs(v)) * 80_000 for v in ints], 3), pa.time32("ms")),
        "time_us": pa.array(n([int(abs(v)) * 80_000_000 for v in ints], 4), pa.time64("us")),
        "time_ns": pa.array(n([int(abs(v)) * 80_000_000_123 for v in ints], 5), pa.time64("ns")),
        "ts_ms": pa.array(n([int(v) * 86_400_123 for v in ints], 6), pa.timestamp("ms")),
        "ts_us": pa.array(n([int(v) * 86_400_123_456 for v in ints]), pa.timestamp("us")),
        "ts_ns": pa.array(n([int(v) * 86_400_123_456_789 for v in ints], 1), pa.timestamp("ns")),
        "ts_us_utc": pa.array(n([base_ts + datetime.timedelta(seconds=int(v) * 1000, microseconds=i) for i, v in enumerate(ints)], 2),
                              pa.timestamp("us", tz="UTC")),
        "ts_ns_paris": pa.array(n([int(v) * 3_600_000_000_123 for v in ints], 3), pa.timestamp("ns", tz="Europe/Paris")),
        "decimal_9_2": pa.array(n([decimal.Decimal(int(v) * 1234) / 100 for v in ints], 4), pa.decimal128(9, 2)),
        "decimal_38_10": pa.array(n([decimal.Decimal(int(v) * 10**20 + i) / 10**10 for i, v in enumerate(ints)], 5), pa.decimal128(38, 10)),
        "float16": pa.array(n([np.float16(v / 16) for v in ints], 6), pa.float16()),
        "uuid": pa.array(n([uuid.UUID(int=(abs(int(v)) << 64) + i).bytes for i, v in enumerate(ints)]), pa.uuid()),
        "category": pa.array(n([f"cat{abs(v) % 5}" for v in ints], 1)).dictionary_encode(),
    }
    return pa.table(cols)


TESSERA_TYPES = {
    "bool": "bool", "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64", "uint8": "uint8",
    "uint16": "uint16", "uint32": "uint32", "uint64": "uint64", "float": "float32", "double": "float64",
    "halffloat": "float32", "string": "string", "large_string": "string", "binary": "string", "date32[day]": "date32[day]",
    "time32[ms]": "int32", "null": "float64", "time64[us]": "int64", "time64[ns]": "int64",
}


def tessera_type(arrow_type):
    text = str(arrow_type)
    if text in TESSERA_TYPES:
        return TESSERA_TYPES[text]
    if pa.types.is_fixed_size_binary(arrow_type) or text.startswith("extension<arrow.uuid"):
        return "string"
    if pa.types.is_decimal(arrow_type):
        return "float64"
    if pa.types.is_dictionary(arrow_type):
        # The Arrow schema pyarrow stores marks dictionaries: Tessera reads them as categoricals.
        return "category"
    if pa.types.is_timestamp(arrow_type):
        unit = arrow_type.unit
        # Parquet has no seconds: pyarrow stores them as milliseconds.
        unit = "ms" if unit == "s" else unit
        if arrow_type.tz is not None:
            # The zone name comes from the Arrow schema (or the pandas metadata).
            return f"datetime64[{unit}, {arrow_type.tz}]"
        return f"datetime64[{unit}]"
    raise ValueError(f"no Tessera type for {text}")


def cell(arrow_type, value):
    if value is None:
        return None
    if pa.types.is_boolean(arrow_type):
        return "true" if value else "false"
    if pa.types.is_floating(arrow_type):
        return repr(float(value)) if value == value else "nan"
    if pa.types.is_decimal(arrow_type):
        return repr(float(value))
    if pa.types.is_binary(arrow_type) or pa.types.is_fixed_size_binary(arrow_type) or pa.types.is_large_binary(arrow_type):
        return value.hex()
    if str(arrow_type).startswith("extension<arrow.uuid"):
        return str(uuid.UUID(bytes=value))
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def column_values(array):
    """The values of an Arrow column as fixture strings."""
    arrow_type = array.type
    if pa.types.is_dictionary(arrow_type):
        array = array.cast(arrow_type.value_type)
        arrow_type = arrow_type.value_type
    if pa.types.is_timestamp(arrow_type) or pa.types.is_time(arrow_type) or pa.types.is_date(arrow_type):
        width = pa.int32() if arrow_type.bit_width == 32 else pa.int64()
        storage = array.view(width)
        return [None if v is None else str(v) for v in storage.to_pylist()]
    if str(arrow_type).startswith("extension<arrow.uuid"):
        return [None if v is None else str(uuid.UUID(bytes=v)) for v in array.storage.to_pylist()]
    return [cell(arrow_type, v) for v in array.to_pylist()]


def expected(name, path, table, row_groups, options=None, types=None):
    columns = []
    for field, column in zip(table.schema, table.columns):
        array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        binary = pa.types.is_binary(field.type) or pa.types.is_fixed_size_binary(field.type) or pa.types.is_large_binary(field.type)
        columns.append({
            "name": field.name,
            "type": (types or {}).get(field.name) or tessera_type(field.type),
            "hex": binary,
            "values": column_values(array),
        })
    record = {"name": name, "path": path, "options": options or {}, "columns": columns, "row_groups": row_groups}
    with open(os.path.join(OUT, name + ".json"), "w") as handle:
        json.dump(record, handle, indent=None, sort_keys=True)
        handle.write("\n")


def write(name, table, types=None, options=None, **kwargs):
    path = os.path.join(OUT, name + ".parquet")
    pq.write_table(table, path, **kwargs)
    readback = pq.read_table(path)
    assert readback.num_rows == table.num_rows
    expected(name, name + ".parquet", readback, pq.ParquetFile(path).num_row_groups, options=options, types=types)


def error_case(name, table, message, options=None, **kwargs):
    path = os.path.join(OUT, name + ".parquet")
    pq.write_table(table, path, **kwargs)
    record = {"name": name, "path": name + ".parquet", "options": options or {}, "columns": [], "row_groups": 0, "error": message}
    with open(os.path.join(OUT, name + ".json"), "w") as handle:
        json.dump(record, handle, sort_keys=True)
        handle.write("\n")


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)

    table = base_table()
    # Every codec, dictionary encoding on (pyarrow's default), several row groups and pages.
    for codec in ["none", "snappy", "gzip", "zstd", "lz4", "brotli"]:
        write(f"types_{codec}", table, compression=codec, row_group_size=100, data_page_size=512)
    # Data page v2, every codec pyarrow and Tessera share.
    for codec in ["none", "snappy", "zstd"]:
        write(f"types_v2_{codec}", table, compression=codec, data_page_version="2.0", row_group_size=100, data_page_size=512)
    # PLAIN only (no dictionary), page checksums.
    write("types_plain_checksum", table, use_dictionary=False, write_page_checksum=True, compression="snappy", data_page_size=300)
    # Decimals stored as INT32/INT64.
    decimals = pa.table({
        "d32": pa.array(with_nulls([decimal.Decimal(i * 7 - 500) / 100 for i in range(ROWS)]), pa.decimal128(9, 2)),
        "d64": pa.array(with_nulls([decimal.Decimal(i * 10**9 + 3) / 10**4 for i in range(ROWS)], offset=3), pa.decimal128(18, 4)),
    })
    write("decimal_integers", decimals, store_decimal_as_integer=True)
    # Required (non-nullable) columns: no definition levels.
    required = base_table(nulls=False)
    required = required.cast(pa.schema([f.with_nullable(False) for f in required.schema]))
    write("required", required, compression="zstd", row_group_size=64)

    # Explicit encodings, without dictionaries, pages v1 and v2.
    n = ROWS * 4
    ints = rng.integers(-2**40, 2**40, size=n)
    enc = pa.table({
        "i32_delta": pa.array(with_nulls([int(v % 2**31) - (i % 5) * 1000 for i, v in enumerate(ints)]), pa.int32()),
        "i64_delta": pa.array(with_nulls([int(v) * (i % 3) for i, v in enumerate(ints)], offset=2), pa.int64()),
        "i64_sorted": pa.array([i * 1000 + int(v % 7) for i, v in enumerate(ints)], pa.int64()),
        "str_delta_length": pa.array(with_nulls([f"value-{v % 997}" * (i % 3) for i, v in enumerate(ints)]), pa.string()),
        "str_delta": pa.array(with_nulls([f"prefix/shared/{i // 7:06d}/{v % 10}" for i, v in enumerate(ints)], offset=4), pa.string()),
        "f32_split": pa.array(with_nulls([float(np.float32(v / 3e9)) for v in ints]), pa.float32()),
        "f64_split": pa.array(with_nulls([float(v) / 7e3 for v in ints], offset=1), pa.float64()),
        "i32_split": pa.array(with_nulls([int(v % 100000) for v in ints], offset=5), pa.int32()),
        "i64_split": pa.array(with_nulls([int(v) for v in ints], offset=6), pa.int64()),
        "flba_split": pa.array(with_nulls([int(v % 2**32).to_bytes(4, "little") for v in ints]), pa.binary(4)),
        "bool_rle": pa.array(with_nulls([bool(v % 3) for v in ints], offset=2), pa.bool_()),
    })
    encodings = {
        "i32_delta": "DELTA_BINARY_PACKED", "i64_delta": "DELTA_BINARY_PACKED", "i64_sorted": "DELTA_BINARY_PACKED",
        "str_delta_length": "DELTA_LENGTH_BYTE_ARRAY", "str_delta": "DELTA_BYTE_ARRAY",
        "f32_split": "BYTE_STREAM_SPLIT", "f64_split": "BYTE_STREAM_SPLIT", "i32_split": "BYTE_STREAM_SPLIT",
        "i64_split": "BYTE_STREAM_SPLIT", "flba_split": "BYTE_STREAM_SPLIT", "bool_rle": "RLE",
    }
    for version in ["1.0", "2.0"]:
        label = version[0]
        write(f"encodings_v{label}", enc, use_dictionary=False, column_encoding=encodings, data_page_version=version,
              compression="snappy", data_page_size=700, row_group_size=500)
    # Dictionaries that overflow and fall back to PLAIN in the middle of a column chunk.
    many = pa.table({
        "s": pa.array(with_nulls([f"k{int(v) % 3000}" for v in ints]), pa.string()),
        "x": pa.array(with_nulls([int(v) % 5000 for v in ints], offset=1), pa.int64()),
        "f": pa.array(with_nulls([float(int(v) % 4000) / 8 for v in ints], offset=2), pa.float64()),
    })
    write("dictionary_fallback", many, dictionary_pagesize_limit=1024, data_page_size=256, compression="snappy", row_group_size=400)
    # A column of nulls only, and an empty file.
    write("all_null", pa.table({"a": pa.array([None] * 50, pa.int64()), "b": pa.array([None] * 50, pa.string()),
                                "c": pa.nulls(50)}))
    write("empty", pa.table({"a": pa.array([], pa.int64()), "b": pa.array([], pa.string())}))
    # Legacy INT96 timestamps.
    legacy = pa.table({"t": pa.array(with_nulls([i * 86_400_000_000_123 for i in range(100)]), pa.timestamp("ns"))})
    write("int96", legacy, use_deprecated_int96_timestamps=True)

    # Written by pandas: categorical, tz-aware timestamps (pandas metadata), a stored index.
    frame = pd.DataFrame({
        "cat": pd.Categorical(["a", "b", None, "a", "c"] * 20),
        "when": pd.date_range("2024-03-30", periods=100, freq="h", tz="Europe/Paris"),
        "x": np.arange(100, dtype="float64"),
    }, index=pd.Index(np.arange(100) * 2, name="idx"))
    path = os.path.join(OUT, "pandas.parquet")
    frame.to_parquet(path, engine="pyarrow")
    readback = pq.read_table(path, columns=["cat", "when", "x"])
    expected("pandas", "pandas.parquet", readback, 1,
             types={"cat": "category", "when": f"datetime64[{readback.schema.field('when').type.unit}, Europe/Paris]"})

    # Nested columns: a clear error, and the flat columns still readable.
    nested = pa.table({
        "id": pa.array(range(10), pa.int64()),
        "tags": pa.array([[i, i + 1] for i in range(10)], pa.list_(pa.int32())),
        "point": pa.array([{"x": i, "y": -i} for i in range(10)], pa.struct([("x", pa.int32()), ("y", pa.int32())])),
    })
    error_case("nested", nested, "column 'tags' is a list")
    write("nested_flat_part", nested.select(["id"]))
    shutil.copy(os.path.join(OUT, "nested.parquet"), os.path.join(OUT, "nested_flat_part.parquet"))
    rec = json.load(open(os.path.join(OUT, "nested_flat_part.json")))
    rec["options"] = {"columns": ["id"]}
    json.dump(rec, open(os.path.join(OUT, "nested_flat_part.json"), "w"), sort_keys=True)

    # A hive-partitioned dataset.
    hive = pa.table({
        "year": pa.array([2023, 2023, 2024, 2024, 2024, 2025] * 10, pa.int64()),
        "city": pa.array(["Paris", "Oslo", "Paris", "Lima", "Oslo", "Lima"] * 10),
        "v": pa.array(range(60), pa.int64()),
    })
    hive_dir = os.path.join(OUT, "hive")
    pq.write_to_dataset(hive, hive_dir, partition_cols=["year", "city"])
    readback = pq.read_table(hive_dir)
    # pyarrow reads keys as dictionaries, in directory order (which is Tessera's natural order).
    readback = pa.table({name: (col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col)
                         for name, col in zip(readback.column_names, readback.columns)})
    expected("hive", "hive", readback, 0, types={"year": "int64", "city": "string"})

    # A Dask-style dataset: part files and a _metadata summary.
    ds_dir = os.path.join(OUT, "dataset")
    os.makedirs(ds_dir)
    collector = []
    part = pa.table({"id": pa.array(range(90), pa.int64()), "name": pa.array([f"n{i % 9}" for i in range(90)])})
    for index in range(3):
        piece = part.slice(index * 30, 30)
        pq.write_table(piece, os.path.join(ds_dir, f"part.{index}.parquet"), row_group_size=16, metadata_collector=collector)
        collector[-1].set_file_path(f"part.{index}.parquet")
    pq.write_metadata(part.schema, os.path.join(ds_dir, "_metadata"), metadata_collector=collector)
    pq.write_metadata(part.schema, os.path.join(ds_dir, "_common_metadata"))
    expected("dataset", "dataset", part, 6)


def expected_for_tessera_files(directory):
    """Expected values, read by pyarrow, for the files Tessera wrote into `directory` (see
    ParquetWriterTests' regeneration test): what Tessera's reader must read back."""
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".parquet"):
            continue
        path = os.path.join(directory, name)
        table = pq.read_table(path)
        pandas_meta = json.loads((table.schema.metadata or {}).get(b"pandas", b"{}"))
        types = {}
        for column in pandas_meta.get("columns", []):
            field = table.schema.field(column["field_name"]) if column.get("field_name") in table.schema.names else None
            if column.get("pandas_type") == "categorical":
                types[column["field_name"]] = "category"
            elif column.get("pandas_type") == "datetimetz" and field is not None:
                types[column["field_name"]] = f"datetime64[{field.type.unit}, {column['metadata']['timezone']}]"
        global OUT
        OUT = directory
        expected(name[:-len(".parquet")], name, table, pq.ParquetFile(path).num_row_groups, types=types)


def fuzz_corpus(directory):
    """Tiny files (a few rows) for the fuzz target's seed corpus: every encoding, codec and page
    version, so that mutations start from each decoder's input."""
    os.makedirs(directory, exist_ok=True)
    small = base_table(rows=12)
    for codec in ["none", "snappy", "gzip", "zstd", "lz4", "brotli"]:
        pq.write_table(small, os.path.join(directory, f"types_{codec}.parquet"), compression=codec, data_page_size=64)
    pq.write_table(small, os.path.join(directory, "types_v2.parquet"), data_page_version="2.0", compression="snappy")
    pq.write_table(small, os.path.join(directory, "types_plain_crc.parquet"), use_dictionary=False, write_page_checksum=True)
    ints = list(range(-20, 20, 3))
    enc = pa.table({
        "d32": pa.array(with_nulls(ints), pa.int32()), "d64": pa.array([i * 10**12 for i in ints], pa.int64()),
        "dl": pa.array(with_nulls([f"v{i}" * (i % 3) for i in ints]), pa.string()),
        "db": pa.array([f"shared/{i // 3}" for i in ints], pa.string()),
        "sf": pa.array([float(i) / 3 for i in ints], pa.float64()), "sb": pa.array([bytes([i % 256, 1]) for i in ints], pa.binary(2)),
        "rb": pa.array([i % 2 == 0 for i in ints], pa.bool_()),
    })
    encodings = {"d32": "DELTA_BINARY_PACKED", "d64": "DELTA_BINARY_PACKED", "dl": "DELTA_LENGTH_BYTE_ARRAY",
                 "db": "DELTA_BYTE_ARRAY", "sf": "BYTE_STREAM_SPLIT", "sb": "BYTE_STREAM_SPLIT", "rb": "RLE"}
    for version in ["1.0", "2.0"]:
        pq.write_table(enc, os.path.join(directory, f"encodings_v{version[0]}.parquet"), use_dictionary=False,
                       column_encoding=encodings, data_page_version=version, compression="none")
    pq.write_table(pa.table({"t": pa.array([1, None, 3], pa.timestamp("ns"))}), os.path.join(directory, "int96.parquet"),
                   use_deprecated_int96_timestamps=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--fuzz-corpus":
        fuzz_corpus(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "--expected-for":
        expected_for_tessera_files(sys.argv[2])
    else:
        main()
