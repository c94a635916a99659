#!/usr/bin/env python3
"""Writes the JSON reader/writer fixtures of Tessera's FileFormats tests.

Output: Tests/FileFormatsTests/Fixtures/json/
  inputs/<case>.json[l]   small JSON inputs (records arrays and JSON Lines)
  cases.json              for each reader case: the file, the options, and either the expected
                          frame (column names, Tessera dtypes, values) or the expected error
                          (location and a message fragment); also pandas' dtypes for the record
  floats.jsonl            number spellings, one {"x": <number>} per line
  floats-expected.txt     Python's float() of each spelling, as 16 hex digits of the bit pattern
  writer.json             frames (as JSON Lines inputs read with dtypes) and the exact text the
                          writer must produce, records and lines

The expected frames follow pandas' read_json (orient="records" / lines=True) with Tessera's
documented differences (see JSONReader's documentation): integer and boolean columns keep their
type with nulls, float columns stay float64 when integral, strings are never converted, mixed
columns are text. The script checks every expected frame against pandas' own parse value by value
(nulls against NaN/None, numbers numerically, text against str/json.dumps of pandas' objects), so
the fixtures are pandas' answers restated in Tessera's types. The writer's expected text is
Python's json.dumps(..., separators=(",", ":"), ensure_ascii=False) of the same records (floats in
repr form, NaN as null), which is pandas' to_json(orient="records") up to pandas' float rounding
(double_precision=10), its \\u escapes of non-ASCII and its escaped "/"; the script checks that
pandas' output holds the same values.

Run from the repository root: python3 scripts/make_json_fixtures.py
"""

import io
import json
import math
import os
import random
import struct
import warnings

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "FileFormatsTests", "Fixtures", "json")
INPUTS = os.path.join(OUT, "inputs")

CASES = []


def write_input(name, text, lines):
    os.makedirs(INPUTS, exist_ok=True)
    file = name + (".jsonl" if lines else ".json")
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    with open(os.path.join(INPUTS, file), "wb") as handle:
        handle.write(data)
    return file


def encode_value(value, dtype):
    """A value as the fixture stores it: a string (or None for null)."""
    if value is None:
        return None
    if dtype == "bool":
        return "true" if value else "false"
    if dtype == "float64" or dtype == "float32":
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if dtype in ("string", "category"):
        return value
    return str(int(value))


def text_of(value):
    """A value's text in a string column: strings as themselves, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def infer(values):
    """Tessera's inferred dtype and values for one column (None = null / missing)."""
    present = [v for v in values if v is not None]
    kinds = set()
    for v in present:
        if isinstance(v, bool):
            kinds.add("bool")
        elif isinstance(v, int):
            kinds.add("int" if -(2 ** 63) <= v < 2 ** 63 else ("uint" if 0 <= v < 2 ** 64 else "bigint"))
        elif isinstance(v, float):
            kinds.add("float")
        elif isinstance(v, str):
            kinds.add("string")
        else:
            kinds.add("nested")
    if not kinds:
        return "float64", values
    if kinds == {"bool"}:
        return "bool", values
    if kinds == {"int"}:
        return "int64", values
    if kinds <= {"int", "uint"}:
        if "uint" in kinds and any(v < 0 for v in present):
            return "float64", [None if v is None else float(v) for v in values]
        return "uint64", values
    if kinds <= {"int", "uint", "float", "bigint"}:
        return "float64", [None if v is None else float(v) for v in values]
    return "string", [None if v is None else text_of(v) for v in values]


def expected_frame(text, lines, dtypes=None, columns=None):
    """Tessera's expected frame for a valid input, from Python's json module and the rules."""
    if lines:
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        records = json.loads(text)
    names = []
    for record in records:
        for key in record:
            if key not in names:
                names.append(key)
    for key in sorted((dtypes or {}).keys()):
        if key not in names:
            names.append(key)
    result = []
    for name in names:
        values = [record.get(name) for record in records]
        if dtypes and name in dtypes:
            dtype = dtypes[name]
            values = convert_given(values, dtype)
        else:
            dtype, values = infer(values)
        result.append({"name": name, "dtype": dtype, "values": [encode_value(v, dtype) for v in values]})
    if columns is not None:
        by_name = {c["name"]: c for c in result}
        result = [by_name[name] for name in columns]
    return {"rows": len(records), "columns": result}


def convert_given(values, dtype):
    out = []
    for v in values:
        if v is None:
            out.append(None)
        elif dtype in ("string", "category"):
            out.append(text_of(v))
        elif dtype.startswith("float"):
            out.append(float(v) if dtype == "float64" else float(np.float32(v)))
        elif dtype == "bool":
            out.append(bool(v))
        elif dtype.startswith("timestamp"):
            unit = dtype.split("[")[1].rstrip("]")
            per = {"s": 1, "ms": 1000, "us": 10 ** 6, "ns": 10 ** 9}[unit]
            if isinstance(v, int):
                out.append(v * per // 1000)
            else:
                stamp = pd.Timestamp(v)
                if stamp.tzinfo is not None:
                    stamp = stamp.tz_convert("UTC").tz_localize(None)
                out.append(int(stamp.as_unit("ns").value) * per // 10 ** 9)
        elif dtype == "date":
            if isinstance(v, int):
                out.append(v // 86_400_000)
            else:
                out.append(int(pd.Timestamp(v).value // (86_400 * 10 ** 9)))
        else:
            out.append(int(v))
    return out


def pandas_check(case, text, lines, expected):
    """Asserts that pandas' parse holds the same values as the expected frame."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    try:
        frame = pd.read_json(io.StringIO(text), lines=lines, orient="records", convert_dates=False, precise_float=True)
    except ValueError as error:
        # pandas' parser rejects some valid JSON (integers beyond 64 bits); Tessera reads them as float64.
        case["pandas_error"] = str(error)
        return
    case["pandas_dtypes"] = {str(k): str(v) for k, v in frame.dtypes.items()}
    if case.get("skip_pandas_check"):
        return
    for column in expected["columns"]:
        name = column["name"]
        if name not in frame.columns:
            assert all(v is None for v in column["values"]), (case["name"], name)
            continue
        for row, (ours, theirs) in enumerate(zip(column["values"], frame[name].tolist())):
            where = (case["name"], name, row, ours, theirs)
            missing = theirs is None or (isinstance(theirs, float) and math.isnan(theirs))
            if ours is None:
                assert missing, where
                continue
            dtype = column["dtype"]
            if dtype == "string":
                if isinstance(theirs, str):
                    assert theirs == ours, where
                else:
                    assert text_of(theirs) == ours or (isinstance(theirs, bool) and ours == json.dumps(theirs)), where
            elif dtype == "bool":
                assert bool(theirs) == (ours == "true"), where
            elif dtype.startswith("float"):
                if ours == "nan":
                    assert missing, where
                else:
                    assert float(theirs) == float(ours), where
            else:
                assert int(theirs) == int(ours), where


def reader_case(name, text, lines, dtypes=None, columns=None, skip_pandas_check=False, expected=None, note=None):
    file = write_input(name, text, lines)
    case = {"name": name, "file": file, "lines": lines}
    if dtypes:
        case["dtypes"] = dtypes
    if columns is not None:
        case["columns"] = columns
    if note:
        case["note"] = note
    if skip_pandas_check:
        case["skip_pandas_check"] = True
    frame = expected if expected is not None else expected_frame(text, lines, dtypes, columns)
    case["expected"] = frame
    pandas_check(case, text, lines, frame)
    case.pop("skip_pandas_check", None)
    CASES.append(case)


def error_case(name, data, lines, location, at, contains, dtypes=None, columns=None):
    """An input that must fail: `location` is "line" or "byteOffset" (or "file"), `at` its value."""
    file = write_input(name, data, lines)
    case = {"name": name, "file": file, "lines": lines,
            "error": {"location": location, "at": at, "contains": contains}}
    if dtypes:
        case["dtypes"] = dtypes
    if columns is not None:
        case["columns"] = columns
    CASES.append(case)


# ---------------------------------------------------------------------------------------------
# Reader cases

BASIC = [
    {"id": 1, "x": 0.5, "flag": True, "name": "alpha"},
    {"id": 2, "x": -1.25, "flag": False, "name": "beta"},
    {"id": -3, "x": 1e-07, "flag": True, "name": ""},
    {"id": 9007199254740993, "x": 12345.678, "flag": False, "name": "delta epsilon"},
]


def records_text(rows):
    return "[" + ",\n ".join(json.dumps(r, ensure_ascii=False) for r in rows) + "]\n"


def lines_text(rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


reader_case("records_basic", records_text(BASIC), False)
reader_case("lines_basic", lines_text(BASIC), True)

NULLS = [
    {"i": 1, "f": 1.5, "b": True, "s": "a", "n": None},
    {"i": None, "f": None, "b": None, "s": None, "n": None},
    {"i": 3, "f": 2.0, "b": False, "s": "c", "n": None},
    {"i": None, "f": -0.0, "b": True, "s": None, "n": None},
]
reader_case("nulls_every_type_records", records_text(NULLS), False)
reader_case("nulls_every_type_lines", lines_text(NULLS), True)

MISSING = [
    {"a": 1, "b": "x"},
    {"b": "y", "c": 2.5},
    {},
    {"c": 3, "a": 4, "d": True},
    {"a": 5},
]
reader_case("missing_keys_records", records_text(MISSING), False)
reader_case("missing_keys_lines", lines_text(MISSING), True)

ESCAPES_TEXT = (
    '{"s": "quote \\" backslash \\\\ slash \\/ b\\b f\\f n\\n r\\r t\\t", "k\\u0065y": 1}\n'
    '{"s": "\\u00e9\\u4e2d\\ud83d\\ude00 and raw é中😀", "key": 2}\n'
    '{"s": "\\u0000nul and \\u001f", "key": 3}\n'
    '{"s": "", "key": 4}\n'
)
reader_case("escapes_lines", ESCAPES_TEXT, True)

NESTED_TEXT = (
    '[{"id": 1, "obj": {"b": [1, 2.50, {"c": null}], "d": "x\\u00e9"}, "arr": [ ]},\n'
    ' {"id": 2, "obj": null, "arr": [true, false, "s", -1e3]},\n'
    ' {"id": 3, "obj": { }, "arr": [[], [[]], {}]}]\n'
)
reader_case(
    "nested_records", NESTED_TEXT, False,
    expected={"rows": 3, "columns": [
        {"name": "id", "dtype": "int64", "values": ["1", "2", "3"]},
        {"name": "obj", "dtype": "string", "values": ['{"b":[1,2.50,{"c":null}],"d":"x\\u00e9"}', None, "{}"]},
        {"name": "arr", "dtype": "string", "values": ["[]", '[true,false,"s",-1e3]', "[[],[[]],{}]"]},
    ]},
    skip_pandas_check=True,
    note="nested values are their JSON text, whitespace removed, strings and numbers as written",
)

MIXED = [
    {"str_num": "a", "bool_num": True, "int_float": 1, "int_uint": 1, "neg_uint": -1, "huge": 1, "obj_str": "s"},
    {"str_num": 1, "bool_num": 2, "int_float": 2.5, "int_uint": 18446744073709551615, "neg_uint": 9223372036854775808,
     "huge": 123456789012345678901234567890, "obj_str": {"k": [1, 2]}},
    {"str_num": 2.5, "bool_num": None, "int_float": None, "int_uint": None, "neg_uint": None, "huge": None, "obj_str": None},
    {"str_num": None, "bool_num": False, "int_float": -3, "int_uint": 9223372036854775807, "neg_uint": 0, "huge": -5, "obj_str": [True]},
]
reader_case("mixed_types", records_text(MIXED), False, skip_pandas_check=True,
            note="mixes become text (pandas: object), except int/uint/float which widen numerically")

reader_case("special_floats", '[{"a": NaN, "b": 1}, {"a": Infinity, "b": 2}, {"a": -Infinity, "b": 3}, {"a": 1.5, "b": null}]',
            False, expected={"rows": 4, "columns": [
                {"name": "a", "dtype": "float64", "values": ["nan", "inf", "-inf", "1.5"]},
                {"name": "b", "dtype": "int64", "values": ["1", "2", "3", None]},
            ]})

reader_case("duplicate_keys", '[{"a": 1, "b": "x", "a": 2}, {"a": null, "a": 3}, {"b": "y", "b": null}]', False,
            expected={"rows": 3, "columns": [
                {"name": "a", "dtype": "int64", "values": ["2", "3", None]},
                {"name": "b", "dtype": "string", "values": ["x", None, None]},
            ]}, note="a repeated key keeps its last value, as Python's json and pandas")

reader_case("blank_lines_crlf", '\n{"a": 1, "b": "x"}\r\n   \n\t\r\n{"a": 2 , "b" : "y" }  \r\n\n', True)

reader_case("empty_records", "[]", False, expected={"rows": 0, "columns": []})
reader_case("blank_lines_only", "\n \n\n", True, expected={"rows": 0, "columns": []})
reader_case("empty_objects", "{}\n{}\n", True, expected={"rows": 2, "columns": []})

reader_case("byte_order_mark", b"\xef\xbb\xbf" + lines_text(BASIC[:2]).encode(), True,
            expected=expected_frame(lines_text(BASIC[:2]), True), skip_pandas_check=True)

DTYPES_ROWS = [
    {"i32": 1, "f32": 0.1, "s": 12, "b": True, "ts": 1577836800001, "iso": "2020-01-01T00:00:00.5Z", "d": "2020-01-02", "c": "x", "u8": 255, "fi": 2.0},
    {"i32": -2147483648, "f32": 2, "s": "text", "b": None, "ts": None, "iso": "2020-01-01 02:30:00+02:00", "d": None, "c": "y", "u8": 0, "fi": -3},
    {"i32": None, "f32": None, "s": None, "b": False, "ts": -1, "iso": "1969-12-31", "d": "1960-05-05", "c": "x", "u8": None, "fi": None},
]
DTYPES = {"i32": "int32", "f32": "float32", "s": "string", "b": "bool", "ts": "timestamp[ms]", "iso": "timestamp[us]",
          "d": "date", "c": "category", "u8": "uint8", "fi": "int64", "absent": "float64"}
reader_case("dtypes_overrides", lines_text(DTYPES_ROWS), True, dtypes=DTYPES, skip_pandas_check=True)

PROJECTION = [
    {"a": 1, "b": "x", "c": 1.5, "d": True},
    {"a": 2, "b": "y", "c": None, "d": False, "e": "ignored"},
]
reader_case("projection", lines_text(PROJECTION), True, columns=["c", "a"])
reader_case("projection_records", records_text(PROJECTION), False, columns=["d", "b"])

# ---------------------------------------------------------------------------------------------
# Bad inputs: (name, data, lines, location, at, message fragment)

error_case("bad_trailing_comma_object", '{"a": 1}\n{"a": 2,}\n', True, "line", 2, "Trailing comma")
error_case("bad_trailing_comma_array", '[{"a": 1}, {"a": 2},]', False, "byteOffset", 20, "Trailing comma")
error_case("bad_trailing_comma_nested", '{"a": [1, 2,]}\n', True, "line", 1, "Trailing comma")
error_case("bad_unclosed_string", '{"a": "x"}\n{"a": "unclosed}\n{"a": "y"}\n', True, "line", 2, "Unterminated string")
error_case("bad_unclosed_string_records", '[{"a": "unclosed}]', False, "byteOffset", 18, "Unterminated string")
error_case("bad_unclosed_object", '[{"a": 1}, {"a": 2', False, "byteOffset", 18, "Expected ',' or '}'")
error_case("bad_unclosed_object_line", '{"a": 1}\n{"a": 2\n{"a": 3}\n', True, "line", 2, "Expected ',' or '}'")
error_case("bad_unclosed_array", '[{"a": 1}', False, "byteOffset", 9, "Expected ',' or ']'")
error_case("bad_literal", '{"a": true}\n{"a": tru}\n', True, "line", 2, "Invalid literal")
error_case("bad_literal_null", '[{"a": nul}]', False, "byteOffset", 7, "Invalid literal")
error_case("bad_literal_word", '{"a": truex}\n', True, "line", 1, "Invalid literal")
error_case("bad_utf8", b'{"a": "ok"}\n{"a": "\xff"}\n', True, "line", 2, "Invalid UTF-8")
error_case("bad_utf8_truncated", b'[{"a": "\xe4\xb8"}]', False, "byteOffset", 8, "Invalid UTF-8")
error_case("bad_utf8_surrogate", b'{"a": "\xed\xa0\x80"}\n', True, "line", 1, "Invalid UTF-8")
error_case("bad_utf8_key", b'{"\xc0\xaf": 1}\n', True, "line", 1, "Invalid UTF-8")
error_case("bad_unpaired_high_surrogate", '{"a": 1}\n{"a": 2}\n{"a": "\\ud83d x"}\n', True, "line", 3, "Unpaired surrogate")
error_case("bad_unpaired_low_surrogate", '[{"a": "\\ude00"}]', False, "byteOffset", 8, "Unpaired surrogate")
error_case("bad_surrogate_then_bmp", '{"a": "\\ud83d\\u0041"}\n', True, "line", 1, "Unpaired surrogate")
error_case("bad_escape", '{"a": "\\x41"}\n', True, "line", 1, "Invalid escape")
error_case("bad_unicode_escape", '{"a": "\\u12g4"}\n', True, "line", 1, "Invalid \\u escape")
error_case("bad_control_character", '{"a": "tab\there"}\n', True, "line", 1, "Unescaped control character")
error_case("bad_leading_zero", '{"a": 1}\n{"a": 01}\n', True, "line", 2, "Invalid number")
error_case("bad_number_dot", '[{"a": 1.}]', False, "byteOffset", 7, "Invalid number")
error_case("bad_number_minus", '{"a": -}\n', True, "line", 1, "Invalid number")
error_case("bad_not_object_line", '{"a": 1}\n[1, 2]\n', True, "line", 2, "Expected a JSON object")
error_case("bad_not_object_record", '[{"a": 1}, 2]', False, "byteOffset", 11, "Expected a JSON object")
error_case("bad_not_array", '{"a": 1}', False, "byteOffset", 0, "Expected '['")
error_case("bad_text_after_array", '[{"a": 1}] x', False, "byteOffset", 11, "after the end of the array")
error_case("bad_text_after_line", '{"a": 1} {"a": 2}\n', True, "line", 1, "end of the line")
error_case("bad_missing_colon", '{"a" 1}\n', True, "line", 1, "Expected ':'")
error_case("bad_key_not_string", '{a: 1}\n', True, "line", 1, "Expected a key")
error_case("bad_record_split_across_lines", '{"a":\n1}\n', True, "line", 1, "Expected a value")
error_case("bad_empty_file", "", True, "file", 0, "empty")
error_case("bad_empty_file_records", "", False, "file", 0, "empty")
error_case("bad_whitespace_only_records", "  \n ", False, "byteOffset", 4, "no JSON value")
error_case("bad_dtype_mismatch", '{"n": 1}\n{"n": 2}\n{"n": "three"}\n', True, "line", 3, "Column 'n'", dtypes={"n": "int64"})
error_case("bad_dtype_range", '[{"n": 1}, {"n": 300}]', False, "byteOffset", 17, "Column 'n'", dtypes={"n": "uint8"})
error_case("bad_dtype_bool", '{"flag": true}\n{"flag": 1}\n', True, "line", 2, "Column 'flag'", dtypes={"flag": "bool"})
error_case("bad_dtype_timestamp", '{"t": "yesterday"}\n', True, "line", 1, "ISO 8601", dtypes={"t": "timestamp[ms]"})
error_case("bad_projection", '{"a": 1}\n', True, "file", 0, "Column 'zzz'", columns=["zzz"])

# ---------------------------------------------------------------------------------------------
# Floats: spellings and Python's correctly rounded value of each

def float_spellings():
    rng = random.Random(20261122)
    out = [
        "0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.2", "0.3", "1.5", "2.5e-3", "1E5", "1e+5", "1e-5",
        "123456789012345678", "1234567890123456789", "12345678901234567890", "98765432109876543210987654321",
        "9007199254740992", "9007199254740993", "9007199254740993.0", "9007199254740995.0",
        "18446744073709551615", "18446744073709551616", "-9223372036854775808", "-9223372036854775809",
        "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "-1e309",
        "2.2250738585072014e-308", "2.2250738585072011e-308", "4.9406564584124654e-324", "5e-324",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400", "-1e-400",
        "0.000000000000000000000000000000000000000001", "1e-0000000000000000000000000001",
        "0.1000000000000000055511151231257827021181583404541015625",
        "0.1000000000000000055511151231257827021181583404541015624",
        "0.1000000000000000055511151231257827021181583404541015626",
        "9007199254740993.000000000000000000001", "2.00000000000000011102230246251565404236316680908203125",
        "2.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203125",
        "3.14159265358979323846264338327950288", "1e22", "1e23", "1e-22", "1e-23", "8.41e21", "5.0e-324",
        "7.2057594037927933e16", "4.35679355e-5", "0.30000000000000004", "100000000000000000000000",
        "1.448997445238699", "2.048442055844888", "0.979632959666575", "0.49715391238464973",
        "123.456e-2", "-0.000123e+4", "6.02214076e23", "1.602176634e-19", "0.00000000000000000000000000000000000001e38",
    ]
    for _ in range(4000):
        kind = rng.randrange(6)
        if kind == 0:
            value = rng.uniform(-1e6, 1e6)
            out.append(repr(value))
        elif kind == 1:
            bits = rng.getrandbits(64)
            value = struct.unpack("<d", struct.pack("<Q", bits))[0]
            if math.isfinite(value):
                out.append(repr(value))
        elif kind == 2:
            digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 25)))
            digits = digits.lstrip("0") or "0"
            exponent = rng.randrange(-340, 300)
            out.append(f"{digits}e{exponent}")
        elif kind == 3:
            whole = str(rng.randrange(0, 10 ** rng.randrange(1, 12)))
            fraction = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 20)))
            out.append(("-" if rng.random() < 0.3 else "") + whole + "." + fraction)
        elif kind == 4:
            value = rng.random()
            out.append(f"{value:.{rng.randrange(1, 18)}g}")
        else:
            # Halfway cases: the exact midpoint between two doubles, and a hair either side.
            value = rng.uniform(1, 2) * 2 ** rng.randrange(-60, 60)
            low = struct.unpack("<Q", struct.pack("<d", value))[0]
            a = struct.unpack("<d", struct.pack("<Q", low))[0]
            b = struct.unpack("<d", struct.pack("<Q", low + 1))[0]
            from decimal import Decimal, getcontext
            getcontext().prec = 80
            mid = (Decimal(a) + Decimal(b)) / 2
            out.append(format(mid, "f") if abs(mid.adjusted()) < 25 else format(mid, "e"))
    valid = []
    for text in out:
        try:
            json.loads(text)
            valid.append(text)
        except ValueError:
            pass
    return valid


def write_floats():
    spellings = float_spellings()
    with open(os.path.join(OUT, "floats.jsonl"), "w") as handle:
        for text in spellings:
            handle.write('{"x": ' + text + "}\n")
    with open(os.path.join(OUT, "floats-expected.txt"), "w") as handle:
        for text in spellings:
            handle.write(struct.pack(">d", float(text)).hex() + "\n")


# ---------------------------------------------------------------------------------------------
# Writer: a JSON Lines input read with dtypes, and the exact text the writer must produce

WRITER_ROWS = [
    {"i": 1, "f": 0.1, "g": 1e16, "h": 1e-5, "b": True, "s": 'quote " back \\ slash / tab \t nl \n cr \r bs \b ff \f nul \u0000 us \u001f del \u007f é 中 😀',
     "t": 1577836800001, "d": "2020-01-01", "c": "x", "u": 18446744073709551615, "f32": 0.1, "n": None},
    {"i": -9223372036854775808, "f": None, "g": 123456789.125, "h": -0.0, "b": False, "s": None,
     "t": -1, "d": "1960-05-05", "c": None, "u": 0, "f32": 16777216.0, "n": None},
    {"i": None, "f": 2.5, "g": 5e-324, "h": 1.7976931348623157e308, "b": None, "s": "",
     "t": None, "d": None, "c": "y", "u": None, "f32": None, "n": None},
]
WRITER_DTYPES = {"t": "timestamp[ms]", "d": "date", "c": "category", "f32": "float32", "u": "uint64", "i": "int64", "n": "float64"}


def python_value(value, dtype):
    if value is None:
        return None
    if dtype == "timestamp[ms]":
        return value
    if dtype == "date":
        return int(pd.Timestamp(value).value // 10 ** 6)
    if dtype == "float32":
        return float(np.float32(value))
    return value


def writer_expected(rows, dtypes):
    names = list(rows[0].keys())
    records = []
    for row in rows:
        record = {}
        for name in names:
            value = python_value(row.get(name), dtypes.get(name))
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            record[name] = value
        records.append(record)

    def dumps(obj):
        text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
        return text

    lines_out = []
    for record in records:
        parts = []
        for name in names:
            value = record[name]
            if dtypes.get(name) == "float32" and value is not None:
                # float32 values are written in float32's own shortest form.
                text = repr(float(np.format_float_positional(np.float32(value), unique=True)))
                parts.append(json.dumps(name, ensure_ascii=False) + ":" + text)
            else:
                parts.append(json.dumps(name, ensure_ascii=False) + ":" + dumps(value))
        lines_out.append("{" + ",".join(parts) + "}")
    return records, "[" + ",".join(lines_out) + "]", "".join(line + "\n" for line in lines_out)


def pandas_writer_check(records):
    frame = pd.DataFrame(records)
    text = frame.to_json(orient="records")
    back = json.loads(text)
    for ours, theirs in zip(records, back):
        for key, value in ours.items():
            other = theirs[key]
            if value is None:
                assert other is None, (key, value, other)
            elif isinstance(value, float):
                # pandas writes 10 significant digits: close, not equal (and the largest double
                # rounds up to 1.797693135e+308, which reads back as infinity).
                assert (other is not None and math.isclose(float(other), value, rel_tol=1e-9, abs_tol=1e-300)) \
                    or (value == 0 and other == 0) or (abs(value) > 1.797693134e308 and math.isinf(float(other))), (key, value, other)
            elif isinstance(value, int) and not isinstance(value, bool):
                # pandas holds an integer column with nulls as floats (10 significant digits written).
                assert math.isclose(float(other), float(value), rel_tol=1e-9), (key, value, other)
            else:
                assert other == value, (key, value, other)


def write_writer_fixture():
    text = lines_text(WRITER_ROWS)
    file = write_input("writer_input", text, True)
    records, records_out, lines_out = writer_expected(WRITER_ROWS, WRITER_DTYPES)
    pandas_writer_check(records)
    # Dates and timestamps: what pandas writes by default (epoch milliseconds).
    check = pd.DataFrame({
        "t": pd.to_datetime([r["t"] for r in WRITER_ROWS], unit="ms"),
        "d": [pd.Timestamp(r["d"]).date() if r["d"] else None for r in WRITER_ROWS],
    })
    theirs = json.loads(check.to_json(orient="records"))
    for ours, other in zip(records, theirs):
        assert ours["t"] == other["t"] and ours["d"] == other["d"], (ours, other)
    empty_lines = pd.DataFrame({"a": []}).to_json(orient="records", lines=True)
    empty_records = pd.DataFrame({"a": []}).to_json(orient="records")
    fixture = {
        "file": file,
        "dtypes": WRITER_DTYPES,
        "records": records_out,
        "lines": lines_out,
        "empty_records": empty_records,
        "empty_lines": empty_lines,
    }
    with open(os.path.join(OUT, "writer.json"), "w") as handle:
        json.dump(fixture, handle, indent=1, ensure_ascii=False)
        handle.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    write_floats()
    write_writer_fixture()
    with open(os.path.join(OUT, "cases.json"), "w") as handle:
        json.dump({"cases": CASES}, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    print(f"wrote {len(CASES)} reader cases, floats and writer fixtures to {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
