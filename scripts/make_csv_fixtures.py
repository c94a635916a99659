#!/usr/bin/env python3
"""Writes the CSV reader/writer fixtures of the FileFormats tests.

For every case it writes a small CSV input into Tests/FileFormatsTests/Fixtures/csv/ and records
pandas' parse of it (pandas.read_csv, C engine, dtype_backend="numpy_nullable" so integer and
boolean columns with missing values keep their type, as Tessera's columns with validity do) in
cases.json: column names, Tessera type names and values (as strings, null for missing). The Swift
tests parse each input with the same options and compare; they do not need Python.

Also written: floats.json (float strings and the bits of Python's float() of each, to check that
parsing is correctly rounded), writer.csv (pandas' to_csv(index=False) of the frame described in
writer.json) and the inputs of the error cases (their expected messages are in the Swift tests).

Run from the repository root: python3 scripts/make_csv_fixtures.py (needs pandas >= 2).
"""

import gzip
import io
import json
import math
import os
import random
import struct

import numpy as np
import pandas as pd

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "FileFormatsTests", "Fixtures", "csv")

# Our options -> pandas keyword arguments.
PANDAS_DTYPES = {
    "int64": "Int64", "int32": "Int32", "int16": "Int16", "int8": "Int8",
    "uint64": "UInt64", "uint32": "UInt32", "uint16": "UInt16", "uint8": "UInt8",
    "float64": "Float64", "float32": "Float32", "bool": "boolean", "string": "string", "category": "category",
}


def pandas_kwargs(options):
    kw = {"dtype_backend": "numpy_nullable"}
    if "separator" in options:
        kw["sep"] = options["separator"]
    if options.get("header", True) is False:
        kw["header"] = None
    elif "names" in options:
        kw["header"] = 0
    if "names" in options:
        kw["names"] = options["names"]
    if "usecols" in options:
        kw["usecols"] = options["usecols"]
    if "dtypes" in options:
        kw["dtype"] = {k: PANDAS_DTYPES[v] for k, v in options["dtypes"].items()}
    if "parseDates" in options:
        kw["parse_dates"] = options["parseDates"]
        kw["date_format"] = "ISO8601"
    if "naValues" in options:
        kw["na_values"] = options["naValues"]
    if "keepDefaultNA" in options:
        kw["keep_default_na"] = options["keepDefaultNA"]
    if "skiprows" in options:
        kw["skiprows"] = options["skiprows"]
    return kw


def tessera_type(series, options):
    """The Tessera ColumnType description for a pandas column."""
    dtype = series.dtype
    name = str(dtype)
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "datetime64[ns, UTC]"
    if name.startswith("datetime64"):
        return "datetime64[ns]"
    if name == "category":
        return "category"
    if name in ("object", "str", "string") or name.startswith("string"):
        return "string"
    mapping = {
        "Int64": "int64", "Int32": "int32", "Int16": "int16", "Int8": "int8",
        "UInt64": "uint64", "UInt32": "uint32", "UInt16": "uint16", "UInt8": "uint8",
        "Float64": "float64", "Float32": "float32", "boolean": "bool",
        "int64": "int64", "int32": "int32", "float64": "float64", "float32": "float32", "bool": "bool",
        "uint64": "uint64",
    }
    result = mapping[name]
    # pandas gives an all-missing column Int64 with nullable dtypes, float64 without; Tessera float64.
    explicit = series.name in options.get("dtypes", {})
    if result == "int64" and not explicit and len(series) > 0 and series.isna().all():
        return "float64"
    return result


def encode_value(value, type_name):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if type_name.startswith("datetime64"):
        ts = pd.Timestamp(value)
        if ts.tzinfo is not None:
            ts = ts.tz_convert("UTC").tz_localize(None)
        return str(ts.as_unit("ns").value)
    if type_name == "bool":
        return "true" if bool(value) else "false"
    if type_name in ("float64", "float32"):
        return repr(float(value))
    if type_name in ("string", "category"):
        return str(value)
    return str(int(value))


def expected_columns(data, options, compressed=False):
    source = io.BytesIO(gzip.decompress(data) if compressed else data)
    frame = pd.read_csv(source, **pandas_kwargs(options))
    columns = []
    for name in frame.columns:
        series = frame[name]
        type_name = tessera_type(series, options)
        values = [encode_value(v, type_name) for v in series.astype(object).tolist()]
        columns.append({"name": str(name), "type": type_name, "values": values})
    return columns


CASES = []


def case(name, data, options=None, compressed=False, note=""):
    options = options or {}
    file_name = name + (".csv.gz" if compressed else ".csv")
    payload = gzip.compress(data, mtime=0) if compressed else data
    with open(os.path.join(OUT, file_name), "wb") as f:
        f.write(payload)
    CASES.append({
        "name": name,
        "file": file_name,
        "options": options,
        "note": note,
        "columns": expected_columns(payload, options, compressed),
    })


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))

    # Quoting: separators, doubled quotes and line breaks inside quotes; a quoted empty field is
    # missing; a quote inside an unquoted field is literal; text after a closing quote is kept.
    case("quoting", b'a,b,c\n'
         b'"x,y",1,"p"\n'
         b'"he said ""hi""",2,q\n'
         b'"multi\nline",3,"r\r\ns"\n'
         b'"",4,t\n'
         b'ab"cd,5,u\n'
         b'"ab"cd,6,v\n'
         b'"1",7,"w"\n'
         b',8,""\n')
    # Missing values: pandas' default strings in every kind of column.
    case("na_default", b'i,f,s,b\n'
         b'1,1.5,x,True\n'
         b'NA,N/A,NA,NA\n'
         b'null,NaN,null,null\n'
         b'3,nan,None,False\n'
         b',,,\n'
         b'#N/A,-NaN,<NA>,n/a\n'
         b'5,-nan,1.#IND,True\n')
    case("na_extra", b'i,f,s\n1,1.5,x\n-1,-1,y\n2,2.5,missing\n3,-1.0,z\n',
         {"naValues": ["missing", "-1"]})
    case("na_keep_default_false", b'i,s\n1,NA\n2,\n3,x\n4,null\n',
         {"keepDefaultNA": False, "naValues": ["x"]})
    # Inference: every type.
    case("types", b'int,float,mixed,bool,str,intna,boolna,exp,inf,spaces\n'
         b'1,1.5,1,True,a,1,true,1e5,inf, 7\n'
         b'-2,-0.25,2.5,False,b,,,.5,-inf,8 \n'
         b'3,3.0,3,TRUE,c,3,FALSE,5.,Infinity, 9.5\n'
         b'+4,1e-3,-4,false,d d,4,True,1E+05,-INFINITY,\t10\n'
         b'007,2.5e10,5,true,"e,f",5,False,-2.5e-3,1,11\n')
    case("big_integers", b'u,o,neg,mixed\n'
         b'18446744073709551615,18446744073709551616,-9223372036854775808,9223372036854775808\n'
         b'1,2,-1,1.5\n')
    case("int_overflow_negative", b'a,b\n-9223372036854775809,9223372036854775808\n1,-1\n')
    case("not_numbers", b'a,b,c,d\n1.5.5,e5,1e,-\n0x10,1_000,.,+\n')
    # dtypes overrides.
    case("dtypes", b'a,b,c,d,e,f,g\n1,1,10,x,True,1.5,7\n2,2,-20,y,False,2.5,8\n3,,30,x,,,9\n',
         {"dtypes": {"a": "float64", "b": "string", "c": "int32", "d": "category", "e": "bool",
                     "f": "float32", "g": "uint8"}})
    # parse_dates.
    case("dates", b'd,t,z,o,n\n'
         b'2020-01-01,2020-01-01T10:00:00,2020-01-01T10:00:00Z,2020-01-01T10:00:00+01:00,1\n'
         b'2021-12-31,2021-06-15T23:59:59,2021-06-15T23:59:59Z,2021-06-15T23:59:59+01:00,2\n'
         b',,,,3\n'
         b'1969-07-20,1969-07-20T20:17:40,1969-07-20T20:17:40Z,1969-07-20T20:17:40+01:00,4\n',
         {"parseDates": ["d", "t", "z", "o"]})
    case("dates_fraction", b't\n2020-01-01 10:00:00.123456789\n2020-01-02 00:00:00.5\n',
         {"parseDates": ["t"]})
    # usecols (file order kept), skiprows, header/names.
    case("usecols", b'a,b,c,d\n1,x,2.5,True\n3,y,4.5,False\n', {"usecols": ["d", "b"]})
    case("skiprows", b'comment line\nanother, with "quotes"\na,b\n1,2\n3,4\n', {"skiprows": 2})
    case("no_header_names", b'1,x\n2,y\n3,z\n', {"header": False, "names": ["n", "s"]})
    case("no_header", b'1,x\n2,y\n', {"header": False})
    case("names_replace_header", b'a,b\n1,2\n3,4\n', {"names": ["p", "q"]})
    # Dialects.
    case("semicolon", b'a;b;c\n1,5;x;"q;r"\n2;y;s\n', {"separator": ";"})
    case("tab", b'a\tb\tc\n1\tx y\t2.5\n2\t\t3.5\n', {"separator": "\t"})
    case("bom", b'\xef\xbb\xbfa,b\n1,2\n')
    case("crlf", b'a,b\r\n1,x\r\n2,"y\r\nz"\r\n3,w\r\n')
    case("lone_cr", b'a,b\r1,x\r2,y\r')
    case("blank_lines", b'\n\na,b\n1,2\n\n  \n\t\n3,4\n\n')
    case("short_rows", b'a,b,c\n1,2,3\n4,5\n6\n')
    case("header_names", b'a,a,,b,a.1\n1,2,3,4,5\n')
    case("header_only", b'a,b,c\n')
    case("no_trailing_newline", b'a,b\n1,2\n3,4')
    case("unicode", 'name,city\nJosé,Zürich\n"李, 四",東京\n'.encode())
    case("gzip", b'a,b,c\n1,x,1.5\n2,"y,z",2.5\n3,,\n', compressed=True)

    # A larger file for partitioning: quotes (no line breaks inside them), missing values, every
    # type, CRLF-free. Seeded, so the bytes never change.
    rng = random.Random(20240601)
    lines = ["id,name,score,flag,when,count"]
    for i in range(3000):
        name = rng.choice(["alpha", "beta", "gamma, delta", 'say "hi"', "", "NA", "ünï"])
        name_field = '"' + name.replace('"', '""') + '"' if ("," in name or '"' in name) else name
        score = "" if rng.random() < 0.05 else repr(rng.uniform(-1000, 1000))
        flag = rng.choice(["True", "False", ""])
        when = "" if rng.random() < 0.05 else f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
        count = "" if rng.random() < 0.05 else str(rng.randint(-10**12, 10**12))
        lines.append(f"{i},{name_field},{score},{flag},{when},{count}")
    case("partitions", ("\n".join(lines) + "\n").encode(), {"parseDates": ["when"]})

    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(CASES, f, indent=1, ensure_ascii=False)
        f.write("\n")

    # Floats: correctly rounded parsing, checked against Python's float().
    frng = random.Random(7)
    texts = ["0.1", "0.2", "0.3", "1.7976931348623157e308", "2.2250738585072014e-308",
             "2.2250738585072011e-308", "4.9e-324", "5e-324", "2.4703282292062327e-324",
             "2.4703282292062328e-324", "1e23", "9007199254740993", "9007199254740992.5",
             "8.98846567431158e307", "1e-400", "1e400", "123456789012345678901234567890",
             "0.000000000000000000000000000000001234567890123456789", "3.141592653589793238462643383279",
             "1.00000000000000011102230246251565404236316680908203125",
             "1.00000000000000011102230246251565404236316680908203124",
             "1.00000000000000011102230246251565404236316680908203126",
             "7.2057594037927933e16", "4.35679104e-19", "-0.0", "0e10", "1e-5", "123.456e-7",
             "2.0e-3", "1234567890123456789", "12345678901234567890", "0.1234567890123456789"]
    for _ in range(1500):
        value = struct.unpack("<d", struct.pack("<Q", frng.getrandbits(64)))[0]
        if math.isfinite(value):
            texts.append(repr(value))
    for _ in range(800):
        texts.append(repr(frng.uniform(-1e6, 1e6)))
        texts.append(f"{frng.uniform(0, 1):.{frng.randint(1, 25)}f}")
        texts.append(f"{frng.randint(1, 10**frng.randint(1, 19))}e{frng.randint(-330, 310)}")
    floats = [{"text": t, "bits": str(struct.unpack("<Q", struct.pack("<d", float(t)))[0]), "repr": repr(float(t))}
              for t in texts]
    with open(os.path.join(OUT, "floats.json"), "w") as f:
        json.dump(floats, f, indent=0)
        f.write("\n")

    # Writer: pandas' to_csv of a frame with every kind of value that needs care.
    writer = {
        "columns": [
            {"name": "i", "type": "int64", "values": ["1", None, "-3", "9223372036854775807"]},
            {"name": "f", "type": "float64", "values": ["1.0", None, "1e+16", "0.30000000000000004"]},
            {"name": "g", "type": "float64", "values": ["1000000000000000.0", "1e-05", "0.0001", "-0.0"]},
            {"name": "s, with comma", "type": "string", "values": ['say "hi"', None, "a,b", "line\nbreak"]},
            {"name": "b", "type": "bool", "values": ["true", "false", None, "true"]},
            {"name": "t", "type": "datetime64[ns]", "values": ["1577872800000000000", None, "1577872800500000000", "0"]},
            {"name": "u", "type": "datetime64[ns, UTC]", "values": ["1577872800000000000", None, "1577872800000000000", "-86400000000000"]},
        ]
    }
    data = {}
    for column in writer["columns"]:
        values = column["values"]
        if column["type"] == "int64":
            data[column["name"]] = pd.array([None if v is None else int(v) for v in values], dtype="Int64")
        elif column["type"] == "float64":
            data[column["name"]] = pd.array([np.nan if v is None else float(v) for v in values], dtype="float64")
        elif column["type"] == "string":
            data[column["name"]] = pd.array(values, dtype="object")
        elif column["type"] == "bool":
            data[column["name"]] = pd.array([None if v is None else v == "true" for v in values], dtype="boolean")
        elif column["type"].startswith("datetime64"):
            stamps = pd.to_datetime([None if v is None else int(v) for v in values], unit="ns")
            if "UTC" in column["type"]:
                stamps = stamps.tz_localize("UTC")
            data[column["name"]] = stamps
    text = pd.DataFrame(data).to_csv(index=False, lineterminator="\n")
    with open(os.path.join(OUT, "writer.json"), "w") as f:
        json.dump(writer, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "writer.csv"), "w", newline="") as f:
        f.write(text)

    # Error inputs (messages asserted in the Swift tests).
    errors = {
        "error_too_many_fields.csv": b"a,b\n1,2\n3,4,5\n",
        "error_unclosed_quote.csv": b'a,b\n1,x\n2,"open\n3,y\n',
        "error_invalid_utf8.csv": b"a,b\n1,x\n2,\xff\xfe\n",
        "error_empty.csv": b"",
        "error_blank.csv": b"\n\n  \n",
    }
    for name, data in errors.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    # A type mismatch far from the start: 'n' is all integers in the first 2000 rows.
    rows = ["n,s"] + [f"{i},r{i}" for i in range(2000)] + ["oops,r2000"] + [f"{i},r{i}" for i in range(2001, 2100)]
    with open(os.path.join(OUT, "error_late_mismatch.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    print(f"wrote {len(CASES)} cases, {len(floats)} floats to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
