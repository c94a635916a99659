import Backends
import Dispatch
import Foundation

/// Reads some stripes of some ORC files into one frame: every (stripe, column) pair is decoded
/// in parallel, fixed-width values straight into the frame's buffers.
struct ORCReadJob {
    /// One stripe to read, and where its rows go.
    struct Unit: Sendable {
        let file: ORCFile
        let stripe: Int
        let rowStart: Int
        let rowCount: Int
    }

    let units: [Unit]
    /// The columns, in order.
    let columns: [String]
    let options: ORCReadOptions

    /// What one (stripe, column) task produced besides the fixed-width values it wrote.
    private struct Output: Sendable {
        /// One 0/1 byte per row, when some row is null.
        var presence: [UInt8]?
        /// For strings: each row's end offset into `bytes`.
        var ends: [Int64] = []
        var bytes: [UInt8] = []
    }

    func run() throws(FileFormatError) -> DataFrame {
        let totalRows = units.reduce(0) { $0 + $1.rowCount }
        guard let first = units.first else { return DataFrame(unchecked: [], rowCount: 0) }
        // Every column in every file, with one type.
        var types: [ColumnType] = []
        var fields: [[ORCField]] = []
        for name in columns {
            var type: ColumnType?
            var perUnit: [ORCField] = []
            for unit in units {
                guard let field = unit.file.field(name) else {
                    throw FileFormatError(path: unit.file.path, message: "There is no column '\(name)' in this file.")
                }
                let frameType: ColumnType
                switch field.frameType {
                case let .success(found): frameType = found
                case let .failure(error): throw error.fileError(path: unit.file.path)
                }
                if let type, type != frameType {
                    throw FileFormatError(path: unit.file.path,
                                          message: "Column '\(name)' is \(frameType) in this file but \(type) in \(first.file.path); the files must agree on column types.")
                }
                type = frameType
                perUnit.append(field)
            }
            types.append(type ?? .float64)
            fields.append(perUnit)
        }
        let needed = totalRows.multipliedReportingOverflow(by: 9 * max(columns.count, 1))
        guard !needed.overflow, needed.partialValue <= Int(clamping: ProcessInfo.processInfo.physicalMemory) else {
            throw FileFormatError(path: first.file.path, message: "Reading \(totalRows) rows of \(columns.count) columns needs more than this machine's memory; read fewer stripes or columns at a time.")
        }
        // Stripe footers, once per stripe.
        var footers: [ORCStripeFooter] = []
        for unit in units {
            do { footers.append(try unit.file.stripeFooter(unit.stripe)) } catch { throw error.fileError(path: unit.file.path) }
        }
        // Buffers for fixed-width columns.
        let storages: [ArrayStorage?] = types.map { type in
            guard type != .string, let dtype = type.storageDType else { return nil }
            let storage = ArrayStorage(byteCount: max(totalRows * dtype.itemSize, 1))
            ParquetFileBytes.adviseHugePages(storage.bytes, count: storage.byteCount)
            return storage
        }
        struct Task: Sendable { let column: Int; let unit: Int }
        var tasks: [Task] = []
        for column in columns.indices {
            for unit in units.indices { tasks.append(Task(column: column, unit: unit)) }
        }
        let results = ParquetTaskResults<Output>(count: tasks.count)
        let work: @Sendable (Int) -> Void = { [units, fields, types, storages, tasks, footers] taskIndex in
            let task = tasks[taskIndex]
            let unit = units[task.unit]
            let field = fields[task.column][task.unit]
            let decoder = ORCColumnDecoder(file: unit.file, footer: footers[task.unit], field: field, rows: unit.rowCount)
            var output = Output()
            var presence = [UInt8](repeating: 1, count: unit.rowCount)
            do throws(ORCFormatError) {
                let hasNulls: Bool
                if let storage = storages[task.column], let dtype = types[task.column].storageDType {
                    hasNulls = try presence.withUnsafeMutableBufferPointer { (buffer) throws(ORCFormatError) -> Bool in
                        try decoder.decodeFixed(into: storage.bytes + unit.rowStart * dtype.itemSize, presence: buffer.baseAddress!)
                    }
                } else {
                    var ends = [Int64](repeating: 0, count: unit.rowCount)
                    var bytes: [UInt8] = []
                    hasNulls = try presence.withUnsafeMutableBufferPointer { (buffer) throws(ORCFormatError) -> Bool in
                        try ends.withUnsafeMutableBufferPointer { (endBuffer) throws(ORCFormatError) -> Bool in
                            try decoder.decodeStrings(presence: buffer.baseAddress!, ends: endBuffer.baseAddress!, bytes: &bytes)
                        }
                    }
                    output.ends = ends
                    output.bytes = bytes
                }
                if hasNulls { output.presence = presence }
                results.set(taskIndex, .success(output))
            } catch {
                results.set(taskIndex, .failure(error.context("stripe \(unit.stripe), column '\(field.name)'").fileError(path: unit.file.path)))
            }
        }
        if options.useThreads, tasks.count > 1 {
            DispatchQueue.concurrentPerform(iterations: tasks.count, execute: work)
        } else {
            for index in tasks.indices { work(index) }
        }
        var outputs = [[Output]](repeating: [], count: columns.count)
        for (index, task) in tasks.enumerated() {
            switch results.get(index) {
            case let .success(output)?: outputs[task.column].append(output)
            case let .failure(error)?: throw error
            case nil: throw FileFormatError(path: units[task.unit].file.path, message: "A column was not decoded.")
            }
        }
        var series: [Series] = []
        for (index, name) in columns.enumerated() {
            let parts = outputs[index]
            let validity = mergedValidity(parts, totalRows: totalRows)
            let column: Column
            if let storage = storages[index], let dtype = types[index].storageDType {
                let values = NDArray(shape: [totalRows], dtype: dtype, storage: storage)
                column = Column(unchecked: types[index], storage: .fixedWidth(values), validity: validity, count: totalRows)
            } else {
                var offsets = [Int64](repeating: 0, count: totalRows + 1)
                var bytes: [UInt8] = []
                bytes.reserveCapacity(parts.reduce(0) { $0 + $1.bytes.count })
                var row = 1
                for part in parts {
                    let base = Int64(bytes.count)
                    for end in part.ends {
                        offsets[row] = base + end
                        row += 1
                    }
                    bytes.append(contentsOf: part.bytes)
                }
                column = Column(unchecked: .string, storage: .strings(StringBuffer(unchecked: offsets, bytes: bytes)),
                                validity: validity, count: totalRows)
            }
            series.append(Series(name: name, column: column))
        }
        return DataFrame(unchecked: series, rowCount: totalRows)
    }

    /// The validity of all units' rows, `nil` if none is null.
    private func mergedValidity(_ parts: [Output], totalRows: Int) -> ValidityBitmap? {
        guard parts.contains(where: { $0.presence != nil }) else { return nil }
        var words = [UInt64](repeating: ~0, count: (totalRows + 63) / 64)
        for (unit, part) in zip(units, parts) {
            guard let presence = part.presence else { continue }
            for row in 0..<unit.rowCount where presence[row] == 0 {
                let target = unit.rowStart + row
                words[target >> 6] &= ~(1 << UInt64(target & 63))
            }
        }
        return ValidityBitmap(unchecked: words, count: totalRows)
    }
}
