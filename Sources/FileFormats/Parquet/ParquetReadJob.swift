import Backends
import Dispatch
import Foundation
import Synchronization

/// Reads some row groups of some files into one frame: every (row group, column) chunk is
/// decoded in parallel straight into the frame's buffers.
struct ParquetReadJob {
    /// One row group to read, and where its rows go.
    struct Unit: Sendable {
        let file: ParquetFile
        let rowGroup: Int
        let rowStart: Int
        let rowCount: Int
        let keys: [ParquetPartitionKey]
    }

    let units: [Unit]
    /// The columns, in order: file columns or partition keys.
    let columns: [String]
    let options: ParquetReadOptions

    /// Where each column's values come from.
    private enum Source: Sendable {
        case file(descriptors: [ParquetColumnDescriptor], type: ColumnType)
        case key(index: Int, type: ColumnType)
    }

    func run() throws -> DataFrame {
        let totalRows = units.reduce(0) { $0 + $1.rowCount }
        guard let first = units.first else { throw FileFormatError(path: "?", message: "Nothing to read.") }
        // Resolve every column in every file.
        var sources: [Source] = []
        for name in columns {
            if let keyIndex = first.keys.firstIndex(where: { $0.name == name }), first.file.schema.field(name) == nil {
                sources.append(.key(index: keyIndex, type: first.keys[keyIndex].type))
                continue
            }
            var descriptors: [ParquetColumnDescriptor] = []
            var type: ColumnType?
            for unit in units {
                let descriptor = try unit.file.column(name)
                let frameType = unit.file.frameType(of: descriptor, options: options)
                if let type, type != frameType, !(type == .categorical && descriptor.type == .string) {
                    throw FileFormatError(path: unit.file.path,
                                          message: "Column '\(name)' is \(frameType) in this file but \(type) in \(first.file.path); the files of a dataset must agree on column types.")
                }
                type = type ?? frameType
                descriptors.append(descriptor)
            }
            sources.append(.file(descriptors: descriptors, type: type ?? .float64))
        }

        // The pages must confirm every row count before memory is sized by it.
        var bytesNeeded = 0
        for source in sources {
            guard case let .file(descriptors, _) = source else { continue }
            for (unit, descriptor) in zip(units, descriptors) {
                let chunk = unit.file.metadata.rowGroups[unit.rowGroup].columns[descriptor.leafIndex]
                do throws(ParquetFormatError) {
                    try ParquetColumnChunkReader.checkValueCount(bytes: unit.file.bytes, dataEnd: unit.file.dataEnd, chunk: chunk,
                                                                 name: descriptor.name, rowCount: unit.rowCount)
                } catch {
                    throw error.context("row group \(unit.rowGroup)").fileError(path: unit.file.path)
                }
            }
            bytesNeeded += totalRows * max(descriptors[0].kind.outputWidth, 8)
        }
        let memory = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        guard bytesNeeded <= memory else {
            throw FileFormatError(path: first.file.path, message: "Reading \(totalRows) rows of \(columns.count) columns needs about \(bytesNeeded >> 20) MiB, more than this machine's memory; read fewer row groups or columns at a time.")
        }

        // Buffers for fixed-width columns.
        var storages: [ArrayStorage?] = []
        for source in sources {
            if case let .file(descriptors, _) = source, let descriptor = descriptors.first, !descriptor.kind.isString {
                let storage = ArrayStorage(byteCount: max(totalRows * descriptor.kind.outputWidth, 1))
                ParquetFileBytes.adviseHugePages(storage.bytes, count: storage.byteCount)
                storages.append(storage)
            } else {
                storages.append(nil)
            }
        }

        // One task per (column, unit), largest first.
        struct Task: Sendable { let column: Int; let unit: Int; let cost: Int64 }
        var tasks: [Task] = []
        for (columnIndex, source) in sources.enumerated() {
            guard case let .file(descriptors, _) = source else { continue }
            for (unitIndex, unit) in units.enumerated() {
                let chunk = unit.file.metadata.rowGroups[unit.rowGroup].columns[descriptors[unitIndex].leafIndex]
                tasks.append(Task(column: columnIndex, unit: unitIndex, cost: chunk.metaData?.totalUncompressedSize ?? 0))
            }
        }
        tasks.sort { $0.cost > $1.cost }
        let results = ParquetTaskResults<ParquetColumnChunkReader.Output>(count: tasks.count)
        let work: @Sendable (Int) -> Void = { [units, sources, options, storages, tasks] taskIndex in
            let task = tasks[taskIndex]
            let unit = units[task.unit]
            guard case let .file(descriptors, _) = sources[task.column] else { return }
            let descriptor = descriptors[task.unit]
            let chunk = unit.file.metadata.rowGroups[unit.rowGroup].columns[descriptor.leafIndex]
            let target = storages[task.column].map { $0.bytes + unit.rowStart * descriptor.kind.outputWidth }
            do throws(ParquetFormatError) {
                let reader = try ParquetColumnChunkReader(bytes: unit.file.bytes, dataEnd: unit.file.dataEnd, chunk: chunk,
                                                          descriptor: descriptor, rowCount: unit.rowCount, options: options,
                                                          values: target)
                results.set(taskIndex, .success(try reader.read()))
            } catch {
                results.set(taskIndex, .failure(error.context("row group \(unit.rowGroup)").fileError(path: unit.file.path)))
            }
        }
        if options.useThreads, tasks.count > 1 {
            DispatchQueue.concurrentPerform(iterations: tasks.count, execute: work)
        } else {
            for index in tasks.indices { work(index) }
        }
        var outputs = [[ParquetColumnChunkReader.Output?]](repeating: [ParquetColumnChunkReader.Output?](repeating: nil, count: units.count),
                                                           count: sources.count)
        for (index, task) in tasks.enumerated() {
            switch results.get(index) {
            case let .success(output)?: outputs[task.column][task.unit] = output
            case let .failure(error)?: throw error
            case nil: throw FileFormatError(path: units[task.unit].file.path, message: "A column was not decoded.")
            }
        }

        // Assemble the columns.
        var series: [Series] = []
        for (columnIndex, source) in sources.enumerated() {
            let column: Column
            switch source {
            case let .key(keyIndex, type):
                column = keyColumn(keyIndex: keyIndex, type: type, totalRows: totalRows)
            case let .file(descriptors, type):
                let parts = outputs[columnIndex].map { $0! }
                let validity = mergedValidity(parts, totalRows: totalRows)
                if let storage = storages[columnIndex] {
                    let dtype = descriptors[0].type.storageDType ?? .float64
                    let values = NDArray(shape: [totalRows], dtype: dtype, storage: storage)
                    column = Column(unchecked: type, storage: .fixedWidth(values), validity: validity, count: totalRows)
                } else {
                    let (offsets, bytes) = ParquetStringBuilder.concatenate(parts.map { $0.strings ?? ParquetStringBuilder() })
                    if type == .categorical {
                        column = Self.categorical(offsets: offsets, bytes: bytes, validity: validity, count: totalRows)
                    } else {
                        column = Column(unchecked: .string, storage: .strings(StringBuffer(unchecked: offsets, bytes: bytes)),
                                        validity: validity, count: totalRows)
                    }
                }
            }
            series.append(Series(name: columns[columnIndex], column: column))
        }
        return DataFrame(unchecked: series, rowCount: totalRows)
    }

    /// A partition key's column: each unit's value repeated over its rows.
    private func keyColumn(keyIndex: Int, type: ColumnType, totalRows: Int) -> Column {
        var validity = ValidityBitmap(count: totalRows, allValid: true)
        if type == .int64 {
            var values = [Int64](repeating: 0, count: totalRows)
            for unit in units {
                let key = unit.keys.indices.contains(keyIndex) ? unit.keys[keyIndex].value : .null
                for row in unit.rowStart..<(unit.rowStart + unit.rowCount) {
                    if case let .int(value) = key { values[row] = value } else { validity.set(row, valid: false) }
                }
            }
            let base = Column.numbers(values)
            return Column(unchecked: .int64, storage: base.storage, validity: validity, count: totalRows)
        }
        var buffer = StringBuffer(reservingCapacity: totalRows)
        for unit in units {
            let key = unit.keys.indices.contains(keyIndex) ? unit.keys[keyIndex].value : .null
            for row in unit.rowStart..<(unit.rowStart + unit.rowCount) {
                if case let .string(value) = key { buffer.append(value) } else {
                    buffer.appendEmpty()
                    validity.set(row, valid: false)
                }
            }
        }
        return Column(unchecked: .string, storage: .strings(buffer), validity: validity, count: totalRows)
    }

    /// The validity of all units' rows, `nil` if none is null.
    private func mergedValidity(_ parts: [ParquetColumnChunkReader.Output], totalRows: Int) -> ValidityBitmap? {
        guard parts.contains(where: { $0.validity != nil }) else { return nil }
        var words = [UInt64](repeating: ~0, count: (totalRows + 63) / 64)
        for (unit, part) in zip(units, parts) {
            guard let source = part.validity else { continue }
            for row in 0..<unit.rowCount where source[row >> 6] & (1 << UInt64(row & 63)) == 0 {
                let target = unit.rowStart + row
                words[target >> 6] &= ~(1 << UInt64(target & 63))
            }
        }
        return ValidityBitmap(unchecked: words, count: totalRows)
    }

    /// Strings as a categorical: categories in order of first appearance.
    static func categorical(offsets: [Int64], bytes: [UInt8], validity: ValidityBitmap?, count: Int) -> Column {
        var categories = StringBuffer()
        var codes = [Int32](repeating: 0, count: count)
        var lookup: [ArraySlice<UInt8>: Int32] = [:]
        for row in 0..<count {
            if let validity, !validity.isValid(row) {
                codes[row] = -1
                continue
            }
            let value = bytes[Int(offsets[row])..<Int(offsets[row + 1])]
            if let code = lookup[value] {
                codes[row] = code
            } else {
                let code = Int32(lookup.count)
                lookup[value] = code
                value.withUnsafeBufferPointer { categories.append(utf8: $0) }
                codes[row] = code
            }
        }
        let array = Column.numbers(codes).values!
        return Column(unchecked: .categorical, storage: .dictionary(codes: array, categories: categories), validity: validity, count: count)
    }
}

/// Results of parallel tasks, each slot written by one task.
final class ParquetTaskResults<T: Sendable>: Sendable {
    private let slots: Mutex<[Result<T, FileFormatError>?]>

    init(count: Int) { slots = Mutex([Result<T, FileFormatError>?](repeating: nil, count: count)) }

    func set(_ index: Int, _ result: Result<T, FileFormatError>) { slots.withLock { $0[index] = result } }

    func get(_ index: Int) -> Result<T, FileFormatError>? { slots.withLock { $0[index] } }
}
