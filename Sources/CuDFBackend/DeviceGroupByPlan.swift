import Backends
import CuPyBackend

/// One piece of per-group state, named as the "pandas" backend names its state columns
/// (`__<component>__<column>`), so that the host's combine and finalize steps read a device
/// partial state as their own.
enum DeviceStateComponent: String, CaseIterable {
    case count, sum, sumFloat32 = "sum_f32", fsum, m2, min, max
}

/// The value columns of a groupby the device computes, and the state each needs; `nil` when a
/// spec is one the device does not compute (first, last, nunique, non-numeric values), which
/// then runs on the host.
struct DeviceGroupByPlan {
    struct Value {
        let name: String
        let column: CuColumn
        var components: [DeviceStateComponent]
    }

    let keys: [String]
    let values: [Value]

    init?(frame: CuDataFrame, keys: [String], specs: [AggregationSpec]) {
        guard Set(keys).count == keys.count, keys.allSatisfy({ frame.names.contains($0) }) else { return nil }
        var needs: [String: Set<DeviceStateComponent>] = [:]
        var order: [String] = []
        for spec in specs {
            guard let column = try? frame.column(spec.column) else { return nil }
            if needs[spec.column] == nil {
                needs[spec.column] = []
                order.append(spec.column)
            }
            if spec.aggregation == .size { continue }
            guard let dtype = column.type.numericDType, dtype != .bool else { return nil }
            let isFloat = dtype.isFloatingPoint
            let floatSum: DeviceStateComponent = dtype == .float32 ? .sumFloat32 : .sum
            let wanted: [DeviceStateComponent]
            switch spec.aggregation {
            case .count: wanted = [.count]
            case .sum: wanted = [.count, isFloat ? floatSum : .sum]
            case .mean: wanted = [.count, isFloat ? floatSum : .fsum]
            case .std, .var: wanted = [.count, isFloat ? floatSum : .fsum, .m2]
            case .min: wanted = [.count, .min]
            case .max: wanted = [.count, .max]
            case .size, .first, .last, .nunique: return nil
            }
            needs[spec.column, default: []].formUnion(wanted)
        }
        self.keys = keys
        values = order.compactMap { name in
            guard let column = try? frame.column(name) else { return nil }
            return Value(name: name, column: column, components: DeviceStateComponent.allCases.filter { needs[name]?.contains($0) ?? false })
        }
    }
}

/// Each row's group and the groups' first rows.
struct DeviceGroups {
    /// `int64` group number per row, -1 for rows left out (a null key with `dropna`).
    let groupOfRow: CuArray
    /// The number of groups.
    let count: Int
    /// The first row of each group (`int64`), in group order; `nil` without keys.
    let leaders: CuArray?
}
