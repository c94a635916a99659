import ExampleBackend
import Tessera

// Tessera's main demo: arrays on the default backend, a scoped backend switch, a custom backend.

print("== Configuration")
print("array.backend =", Config.get("array.backend")?.stringValue ?? "?")
print("scheduler     =", Config.get("scheduler")?.stringValue ?? "?",
      "with", Config.get("num-workers")?.intValue ?? 0, "workers")

print("\n== Arrays on the default backend")
let a = try ChunkedArray.ones(shape: [4_000, 4_000], chunks: [1_000, 1_000])
print(a)
let rng = try ChunkedArray.random.defaultRNG(seed: 42)
let n = try rng.standardNormal(shape: [4_000, 4_000], chunks: [1_000, 1_000])
let b = try (a + 1) * n - a / 2
print("b =", b)
let total: Double = try b.sum().item()
print("sum(b)            =", total)
let mean: Double = try n.mean().item()
let std: Double = try n.std().item()
print("mean, std of n    =", mean, std, "(≈ 0 and 1)")
let small = try ChunkedArray.arange(start: 0, stop: 12, step: 1, chunks: [5])
print("arange(12)        =", try small.toHost())
print("column means      =", try b[0..<4, 0..<4].mean(axis: 0).toHost())

print("\n== Dataframes on the default backend (\"pandas\")")
let df = try ChunkedDataFrame.fromDict([
    "key": [1, 2, 1, 3, 2, 1],
    "x": [0.5, 1.5, 2.5, nil, 4.0, 5.5],
    "name": ["a", "b", "c", "d", "e", "f"],
], npartitions: 2)
print(df)
let kept = try df[df["x"] > 1.0]
let grouped = try kept.assign("y", kept["x"] * 2).groupby("key").agg(["x": .mean, "y": .sum])
print("df[df.x > 1].assign(y=x*2).groupby(key).agg(x=mean, y=sum):")
print(try grouped.toHost())
print("df.x.sum() =", try df["x"].sum().compute())
do {
    _ = try Config.set(["dataframe.backend": "cudf"]) { try ChunkedDataFrame.fromDict(["a": [1]]) }
} catch {
    print("cudf:", error)
}

print("\n== A backend switch, scoped to a closure")
do {
    _ = try Config.set(["array.backend": "cupy"]) {
        try ChunkedArray.ones(shape: [10], chunks: [5])
    }
} catch {
    print("cupy:", error)
}
print("after the scope, array.backend =", Config.get("array.backend")?.stringValue ?? "?")

print("\n== A custom backend")
ExampleArrayBackend.register()
print("labels:", ChunkedArray.backends.labels)
print("implemented by example-swift:", try ChunkedArray.implementedFunctions(of: ExampleArrayBackend.label))
try Config.set(["array.backend": "example-swift"]) {
    let x = try ChunkedArray.arange(start: 0.0, stop: 6.0, step: 1.5, chunks: [2])
    print(x)
    print("x * 2 =", try (x * 2).toHost())
    do {
        _ = try ChunkedArray.zeros(shape: [4], chunks: [2])
    } catch {
        print("zeros:", error)
    }
}
print("\n== The task graph of a small reduction (Graphviz DOT)")
print(try ChunkedArray.ones(shape: [4], chunks: [2]).sum().visualize(layers: true))
