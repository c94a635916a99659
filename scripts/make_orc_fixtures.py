#!/usr/bin/env python3
"""Writes the ORC fixtures of Tests/FileFormatsTests/Fixtures/orc/ with pyarrow.orc and pyorc, and
the values pyarrow.orc reads back from each, as the reference Tessera's ORC reader is tested against.

    pip install pyarrow pyorc numpy
    python3 scripts/make_orc_fixtures.py
    python3 scripts/make_orc_fixtures.py --fuzz-corpus Fuzz/corpus/orc   # the fuzz target's seeds

Every file <name>.orc gets <name>.json, in the layout of the Parquet fixtures:

    {"name": ..., "path": <file>, "options": {"columns": [...]} , "stripes": <count>,
     "columns": [{"name": ..., "type": <Tessera type>, "hex": <binary?>, "values": [<string or null>, ...]}, ...],
     "error": <substring of the expected error, for unsupported files>}

Values are strings (null for missing): integers in decimal, floats as Python's repr of the value
widened to double, strings as is, binary as lowercase hex, timestamps as integer nanoseconds
(pyarrow's reading: the writer's wall-clock time for TIMESTAMP, UTC for TIMESTAMP_INSTANT),
dates as days since 1970-01-01, decimals as repr(float(value)).
"""
import datetime
import decimal
import json
import os
import shutil
import sys
import zoneinfo

import numpy as np
import pyarrow as pa
import pyarrow.orc as po
import pyorc

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "FileFormatsTests", "Fixtures", "orc")
rng = np.random.default_rng(20261122)


def with_nulls(values, every=7, offset=0):
    return [None if (i + offset) % every == 0 else v for i, v in enumerate(values)]


def base_table(rows):
    """Every ORC primitive type pyarrow writes, with nulls in every column."""
    ints = rng.integers(-1000, 1000, size=rows)
    n = lambda values, k=0: with_nulls(values, 7, k)
    cols = {
        "bool": pa.array(n([bool(v % 2) for v in ints], 1), pa.bool_()),
        "int8": pa.array(n([int(v % 128) for v in ints], 2), pa.int8()),
        "int16": pa.array(n([int(v * 30) for v in ints], 3), pa.int16()),
        "int32": pa.array(n([int(v * 100000) for v in ints], 4), pa.int32()),
        "int64": pa.array(n([int(v) * 10**15 + i for i, v in enumerate(ints)], 5), pa.int64()),
        "seq": pa.array(list(range(rows)), pa.int64()),
        "float32": pa.array(n([float(np.float32(v / 7)) for v in ints], 3), pa.float32()),
        "float64": pa.array(n([float(v) / 3 if i % 11 else float("nan") for i, v in enumerate(ints)], 4), pa.float64()),
        "string": pa.array(n([f"s{v}é" * (i % 4) for i, v in enumerate(ints)], 5), pa.string()),
        "repeated": pa.array(n([f"k{abs(v) % 9}" for v in ints], 6), pa.string()),
        "binary": pa.array(n([bytes([abs(v) % 256, 0, 255]) * (i % 3) for i, v in enumerate(ints)]), pa.binary()),
        "date": pa.array(n([datetime.date(2000, 1, 1) + datetime.timedelta(days=int(v) * 9) for v in ints], 2), pa.date32()),
        "ts": pa.array(n([int(v) * 86_400_123_456_789 + i for i, v in enumerate(ints)], 1), pa.timestamp("ns")),
        "ts_utc": pa.array(n([int(v) * 3_600_000_000_123 for v in ints], 3), pa.timestamp("ns", tz="UTC")),
        "decimal_9_2": pa.array(n([decimal.Decimal(int(v) * 1234) / 100 for v in ints], 4), pa.decimal128(9, 2)),
        "decimal_38_10": pa.array(n([decimal.Decimal(int(v) * 10**20 + i) / 10**10 for i, v in enumerate(ints)], 5),
                                  pa.decimal128(38, 10)),
    }
    return pa.table(cols)


def rle_table(rows=3000):
    """Integer runs chosen to make the writers use every RLE v2 sub-encoding (and long RLE v1 runs)."""
    values = []
    i = 0
    while len(values) < rows:
        kind = i % 5
        if kind == 0:  # SHORT_REPEAT: 3 to 10 equal values
            values += [int(rng.integers(-5000, 5000))] * 5
        elif kind == 1:  # DIRECT: random values
            values += [int(x) for x in rng.integers(-2**40, 2**40, size=40)]
        elif kind == 2:  # PATCHED_BASE: small values with rare large outliers
            block = [int(x) for x in rng.integers(0, 100, size=200)]
            block[17] = 2**50 + 3
            block[130] = 2**45
            values += block
        elif kind == 3:  # DELTA: fixed step, then varying monotone steps
            start = int(rng.integers(-10**6, 10**6))
            values += [start + 7 * k for k in range(100)]
            values += list(np.cumsum(rng.integers(1, 1000, size=80)) + start)
        else:  # long repeats (RLE v1 runs, RLE v2 DELTA with step 0)
            values += [int(rng.integers(-3, 3))] * 300
        i += 1
    values = [int(v) for v in values[:rows]]
    return pa.table({
        "v": pa.array(values, pa.int64()),
        "small": pa.array([v % 100 for v in values], pa.int32()),
        "neg": pa.array([-abs(v) for v in values], pa.int64()),
        "nullable": pa.array(with_nulls(values, 13), pa.int64()),
        "extremes": pa.array([[-2**63, 2**63 - 1, 0, -1, 1][k % 5] if k % 3 else values[k] for k in range(rows)], pa.int64()),
    })


TESSERA_TYPES = {
    "bool": "bool", "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64", "float": "float32",
    "double": "float64", "string": "string", "binary": "string", "date32[day]": "date32[day]",
    "timestamp[ns]": "datetime64[ns]", "timestamp[ns, tz=UTC]": "datetime64[ns, UTC]",
}


def tessera_type(arrow_type):
    text = str(arrow_type)
    if text in TESSERA_TYPES:
        return TESSERA_TYPES[text]
    if pa.types.is_decimal(arrow_type):
        return "float64"
    raise ValueError(f"no Tessera type for {text}")


def column_values(array):
    arrow_type = array.type
    if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type):
        width = pa.int32() if arrow_type.bit_width == 32 else pa.int64()
        return [None if v is None else str(v) for v in array.view(width).to_pylist()]
    out = []
    for value in array.to_pylist():
        if value is None:
            out.append(None)
        elif pa.types.is_boolean(arrow_type):
            out.append("true" if value else "false")
        elif pa.types.is_floating(arrow_type):
            out.append(repr(float(value)) if value == value else "nan")
        elif pa.types.is_decimal(arrow_type):
            out.append(repr(float(value)))
        elif isinstance(value, bytes):
            out.append(value.hex())
        else:
            out.append(str(value))
    return out


def record(name, path, columns=None, error=None):
    full = os.path.join(OUT, path)
    entry = {"name": name, "path": path, "options": {"columns": columns} if columns else {}}
    if error:
        entry.update({"columns": [], "stripes": 0, "error": error})
    else:
        table = po.read_table(full, columns=columns)
        entry["stripes"] = po.ORCFile(full).nstripes
        entry["columns"] = []
        for field, column in zip(table.schema, table.columns):
            array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
            entry["columns"].append({"name": field.name, "type": tessera_type(field.type),
                                     "hex": pa.types.is_binary(field.type), "values": column_values(array)})
    with open(os.path.join(OUT, name + ".json"), "w") as handle:
        json.dump(entry, handle, sort_keys=True)
        handle.write("\n")


def write_arrow(name, table, columns=None, **kwargs):
    po.write_table(table, os.path.join(OUT, name + ".orc"), **kwargs)
    record(name, name + ".orc", columns)


def write_pyorc(name, schema, rows, columns=None, error=None, **kwargs):
    with open(os.path.join(OUT, name + ".orc"), "wb") as handle:
        writer = pyorc.Writer(handle, schema, **kwargs)
        for row in rows:
            writer.write(row)
        writer.close()
    record(name, name + ".orc", columns, error)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    table = base_table(1000)
    # Every codec, several stripes (small stripes), several compression chunks per stream.
    for codec in ["uncompressed", "zlib", "snappy", "zstd", "lz4"]:
        write_arrow(f"types_{codec}", table, compression=codec, stripe_size=8 * 1024, batch_size=100)
    # ORC 0.11: RLE v1 integers, direct strings; dictionary strings in 0.12.
    write_arrow("types_v0_11", table, file_version="0.11", stripe_size=16 * 1024, batch_size=100)
    write_arrow("types_dictionary", table, dictionary_key_size_threshold=1.0, compression="zlib")
    write_arrow("projection", table, columns=["string", "int32", "ts"], compression="snappy")
    write_arrow("rle_v2", rle_table(), compression="uncompressed")
    write_arrow("rle_v1", rle_table(), file_version="0.11", compression="uncompressed")
    write_arrow("empty", base_table(0))
    write_arrow("all_null", pa.table({"a": pa.array([None] * 50, pa.int64()), "b": pa.array([None] * 50, pa.string()),
                                      "c": pa.array([None] * 50, pa.float64()), "d": pa.array([None] * 50, pa.bool_())}))

    # Time zones: TIMESTAMP keeps the writer's wall clock (with DST), TIMESTAMP_INSTANT is UTC.
    utc = datetime.timezone.utc
    instants = [datetime.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=utc),
                datetime.datetime(1900, 1, 1, 0, 0, 0, 1, tzinfo=utc),
                datetime.datetime(2015, 1, 1, tzinfo=utc), datetime.datetime(2015, 3, 29, 1, 30, tzinfo=utc),
                datetime.datetime(2015, 7, 1, 12, tzinfo=utc), datetime.datetime(2021, 10, 31, 0, 59, 59, 999999, tzinfo=utc),
                datetime.datetime(2038, 1, 19, 3, 14, 8, tzinfo=utc), datetime.datetime(1950, 6, 15, 8, 30, 0, 123456, tzinfo=utc),
                # After the zone files' last transitions (2037): the files' POSIX rules apply.
                datetime.datetime(2040, 7, 1, 12, tzinfo=utc), datetime.datetime(2050, 1, 15, 6, 30, tzinfo=utc),
                datetime.datetime(2100, 10, 3, 15, 45, tzinfo=utc), datetime.datetime(2222, 3, 31, 23, 59, 59, 999999, tzinfo=utc)]
    instants += [datetime.datetime(2000, 1, 1, tzinfo=utc) + datetime.timedelta(hours=int(h), microseconds=int(u))
                 for h, u in zip(rng.integers(-300000, 300000, size=200), rng.integers(0, 10**6, size=200))]
    rows = [(t, t) if k % 9 else (None, t) for k, t in enumerate(instants)]
    for zone in ["UTC", "America/Los_Angeles", "Europe/Paris", "Asia/Kolkata", "Australia/Lord_Howe"]:
        label = zone.replace("/", "_").lower()
        write_pyorc(f"tz_{label}", "struct<ts:timestamp,instant:timestamp with local time zone>", rows,
                    timezone=zoneinfo.ZoneInfo(zone), compression=pyorc.CompressionKind.ZLIB)

    # pyorc types: char/varchar, wide and negative decimals, dictionary strings, small compression chunks.
    words = ["alpha", "beta", "", "gamma delta", "é€😀", None]
    typed = [(words[k % 6], (words[(k * 5) % 6] or "")[:3] if k % 4 else None, (words[k % 5] or "x"),
              decimal.Decimal(k * 7919 - 400000) / 1000 if k % 6 else None,
              decimal.Decimal((-1) ** k * (10**25 + k * 10**19 + k)) / 10**5,
              decimal.Decimal(-k * 3), k * 2**33 if k % 5 else None, bool(k % 3) if k % 7 else None)
             for k in range(500)]
    schema = ("struct<s:string,v:varchar(3),c:char(6),d:decimal(12,3),wide:decimal(38,5),whole:decimal(9,0),"
              "big:bigint,flag:boolean>")
    write_pyorc("pyorc_types", schema, typed, dict_key_size_threshold=0.9, compression=pyorc.CompressionKind.SNAPPY,
                compression_block_size=1024, memory_block_size=1024)
    write_pyorc("pyorc_types_zstd", schema, typed, compression=pyorc.CompressionKind.ZSTD, stripe_size=4096, row_index_stride=100, batch_size=50)

    # Nested columns: unsupported, with an error naming the column; the other columns project.
    nested = [(k, (k, str(k)), [k, k + 1]) for k in range(20)]
    write_pyorc("nested", "struct<id:int,point:struct<x:int,y:string>,items:array<int>>", nested, error="point")
    record("nested_projected", "nested.orc", columns=["id"])

    # Tessera's own tests (Tests/TesseraTests/Fixtures/orc): sorted ids over several stripes.
    tessera = os.path.join(OUT, "..", "..", "..", "TesseraTests", "Fixtures", "orc")
    os.makedirs(tessera, exist_ok=True)
    ids = list(range(2000))
    po.write_table(pa.table({"id": pa.array(ids, pa.int64()),
                             "x": pa.array([None if i % 7 == 3 else i * 0.5 for i in ids], pa.float64()),
                             "name": pa.array([None if i % 5 == 0 else f"n{i % 6}" for i in ids], pa.string())}),
                   os.path.join(tessera, "stripes.orc"), stripe_size=4096, batch_size=100, compression="uncompressed")
    print("stripes.orc:", po.ORCFile(os.path.join(tessera, "stripes.orc")).nstripes, "stripes")

    if "--fuzz-corpus" in sys.argv:
        target = sys.argv[sys.argv.index("--fuzz-corpus") + 1]
        os.makedirs(target, exist_ok=True)
        for name in ["rle_v1", "tz_europe_paris", "pyorc_types", "all_null", "empty", "nested"]:
            shutil.copy(os.path.join(OUT, name + ".orc"), os.path.join(target, name + ".orc"))
        small = base_table(60)
        for codec in ["uncompressed", "zlib", "snappy", "zstd", "lz4"]:
            po.write_table(small, os.path.join(target, f"small_{codec}.orc"), compression=codec)
        po.write_table(small, os.path.join(target, "small_dictionary.orc"), dictionary_key_size_threshold=1.0)


if __name__ == "__main__":
    main()
