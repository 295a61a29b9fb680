import Foundation

/// A file of rows, CSV or xlsx, told apart by content rather than by name (SPEC section 5): a
/// zip archive is a workbook, an OLE compound file is a password-protected (or legacy .xls)
/// workbook and refused, anything else is CSV.
public enum TabularKind: Sendable, Equatable {
    case csv, xlsx

    /// Looks at the first bytes of `path`.
    /// - Throws: `CallOpsError.badFile` for an encrypted or legacy workbook.
    public static func of(path: String) throws -> TabularKind {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CallOpsError.badFile(file: (path as NSString).lastPathComponent, message: "cannot be read (missing, or no permission)")
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .xlsx }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw CallOpsError.badFile(
                file: (path as NSString).lastPathComponent,
                message: "is a password-protected workbook (or an old .xls file), which callops cannot read; remove the password and save it as .xlsx, or save it as CSV")
        }
        return .csv
    }
}

/// Something that gives records one at a time: the CSV reader or a sheet of a workbook.
public protocol RecordReader {
    mutating func next() throws -> CSVRecord?
    /// Input bytes read so far, for progress.
    var bytesRead: Int { get }
}

extension CSVReader: RecordReader {}
extension XLSXReader: RecordReader {}

/// The records of a CSV file or an xlsx sheet, whichever the file is (for the roster, calls and
/// do-not-call imports, which read small files; the lead import picks its reader itself).
public struct TabularReader: RecordReader {
    private var csv: CSVReader?
    private var xlsx: XLSXReader?

    /// Opens `path`: a workbook at `sheet` (or its first sheet), else CSV in the encoding found.
    public init(path: String, sheet: String? = nil) throws {
        switch try TabularKind.of(path: path) {
        case .xlsx: xlsx = try XLSXReader(path: path, sheet: sheet)
        case .csv: csv = try CSVReader(path: path, encoding: try TextEncoding.detect(path: path))
        }
    }

    public mutating func next() throws -> CSVRecord? {
        if xlsx != nil { return try xlsx!.next() }
        return try csv!.next()
    }

    public var bytesRead: Int { xlsx?.bytesRead ?? csv?.bytesRead ?? 0 }
}
