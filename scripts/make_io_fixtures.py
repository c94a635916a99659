#!/usr/bin/env python3
"""Writes the fixtures of the dataframe reading tests (Tests/TesseraTests/Fixtures/io/).

sales.csv (pandas' to_csv(index=False)) and sales.jsonl (to_json(orient="records", lines=True))
hold the same 3,000 rows: region (string), store (int64), units (int64), price (float64, some
missing). sales-groupby.json is pandas' answer to

    pd.read_csv("sales.csv").groupby("region").agg(price_mean=("price", "mean"),
        price_sum=("price", "sum"), price_count=("price", "count"), units_sum=("units", "sum"),
        units_min=("units", "min"), units_max=("units", "max"))

plus the column sums of the whole file, which the Swift tests compare with Tessera's groupby over
readCSV and readJSON (several block sizes). Run from the repository root:
python3 scripts/make_io_fixtures.py (needs pandas and numpy).
"""
import json
import os

import numpy as np
import pandas as pd

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "TesseraTests", "Fixtures", "io")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261122)
    n = 3000
    regions = np.array(["north", "south", "east", "west", "centre, old"])
    frame = pd.DataFrame({
        "region": regions[rng.integers(0, len(regions), n)],
        "store": rng.integers(1, 60, n),
        "units": rng.integers(-5, 500, n),
        "price": np.round(rng.normal(20.0, 7.5, n), 3),
    })
    frame.loc[rng.random(n) < 0.05, "price"] = np.nan
    frame.to_csv(os.path.join(OUT, "sales.csv"), index=False)
    frame.to_json(os.path.join(OUT, "sales.jsonl"), orient="records", lines=True)

    read = pd.read_csv(os.path.join(OUT, "sales.csv"))
    grouped = read.groupby("region").agg(
        price_mean=("price", "mean"), price_sum=("price", "sum"), price_count=("price", "count"),
        units_sum=("units", "sum"), units_min=("units", "min"), units_max=("units", "max"))
    expected = {
        "rows": int(len(read)),
        "groupby": {
            region: {column: (None if pd.isna(value) else float(value)) for column, value in row.items()}
            for region, row in grouped.iterrows()
        },
        "sums": {column: float(read[column].sum()) for column in ["store", "units", "price"]},
        "price_nulls": int(read["price"].isna().sum()),
    }
    with open(os.path.join(OUT, "sales-groupby.json"), "w") as out:
        json.dump(expected, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
