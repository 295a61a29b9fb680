import Foundation

/// Writes CSV that spreadsheets open safely (SPEC section 3), to a file handle or into a string.
///
/// A field is quoted when it holds the delimiter, a quote, CR or LF, with quotes doubled. A cell
/// that starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'` so Excel or
/// LibreOffice never runs it as a formula (CSV injection). The rule is absolute: a negative
/// number such as `-5` is written `'-5`, and `+8613800138000` `'+8613800138000`, because a
/// writer that guessed which cells are "just numbers" could be fooled (`-2+3+cmd|...`).
/// Lines end in LF. A row of one empty field is written `""`, since an empty line would be
/// skipped as blank on reading.
public final class CSVWriter {
    /// The field separator, `,` unless told otherwise.
    public let delimiter: UInt8
    private let handle: FileHandle?
    private var buffer: [UInt8] = []
    /// Flush to the handle past this many bytes: large enough for few syscalls, small enough
    /// that memory stays flat for a million-row export.
    private static let flushThreshold = 1 << 16

    /// A writer that accumulates text; read it with `text`.
    public init(delimiter: UInt8 = UInt8(ascii: ",")) {
        Self.check(delimiter)
        self.delimiter = delimiter
        self.handle = nil
    }

    /// A writer to `handle` (a file, or `FileHandle.standardOutput`); call `flush()` at the end.
    public init(handle: FileHandle, delimiter: UInt8 = UInt8(ascii: ",")) {
        Self.check(delimiter)
        self.delimiter = delimiter
        self.handle = handle
    }

    deinit {
        // A forgotten flush should not lose the tail of a file; errors have nowhere to go here.
        if let handle, !buffer.isEmpty { try? handle.write(contentsOf: Data(buffer)) }
    }

    private static func check(_ delimiter: UInt8) {
        precondition(delimiter != quote && delimiter != cr && delimiter != lf && delimiter < 0x80,
                     "a CSV delimiter must be an ASCII byte other than a quote or a newline")
    }

    /// Writes one row, newline included.
    public func write(_ fields: [String]) throws {
        Self.appendRow(fields, delimiter: delimiter, to: &buffer)
        if handle != nil && buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Writes buffered rows to the handle (nothing to do for a string writer).
    public func flush() throws {
        guard let handle, !buffer.isEmpty else { return }
        try handle.write(contentsOf: Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Everything written so far (a string writer), or what is not yet flushed (a handle writer).
    public var text: String { String(decoding: buffer, as: UTF8.self) }

    /// One field, neutralised and quoted as needed.
    public static func escape(_ field: String, delimiter: UInt8 = UInt8(ascii: ",")) -> String {
        if !needsPrefix(field) && !needsQuotes(field, delimiter: delimiter) { return field }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(field.utf8.count + 4)
        appendField(field, delimiter: delimiter, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One line of CSV, newline included.
    public static func row(_ fields: [String], delimiter: UInt8 = UInt8(ascii: ",")) -> String {
        var bytes: [UInt8] = []
        appendRow(fields, delimiter: delimiter, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    static func appendRow(_ fields: [String], delimiter: UInt8, to bytes: inout [UInt8]) {
        if fields.count == 1 && fields[0].isEmpty {
            bytes += [quote, quote, lf]
            return
        }
        for (i, field) in fields.enumerated() {
            if i > 0 { bytes.append(delimiter) }
            appendField(field, delimiter: delimiter, to: &bytes)
        }
        bytes.append(lf)
    }

    static func appendField(_ field: String, delimiter: UInt8, to bytes: inout [UInt8]) {
        var field = field
        field.withUTF8 { utf8 in
            let prefix = startsLikeFormula(utf8)
            let quoted = containsSpecial(utf8, delimiter: delimiter)
            if quoted { bytes.append(quote) }
            if prefix { bytes.append(UInt8(ascii: "'")) }
            if quoted {
                for byte in utf8 {
                    if byte == quote { bytes.append(quote) }
                    bytes.append(byte)
                }
                bytes.append(quote)
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
    }

    @inline(__always) private static func startsLikeFormula(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        switch utf8.first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "@"), UInt8(ascii: "\t"), cr: true
        // A plain negative number (`-2`, `-1234.50`) is data, not a formula: CSV is read by
        // programs too (SPEC section 3), and a spreadsheet evaluates nothing in it. Anything else
        // after a minus (`-2+3`, `-A1`, `-1e3`) is neutralised.
        case UInt8(ascii: "-"): !isPlainNegativeNumber(utf8)
        default: false
        }
    }

    /// `-` followed by digits, with at most one `.` between digits.
    private static func isPlainNegativeNumber(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = 0, dot = false, lastWasDigit = false
        for byte in utf8.dropFirst() {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                lastWasDigit = true
            } else if byte == UInt8(ascii: "."), !dot, lastWasDigit {
                dot = true
                lastWasDigit = false
            } else {
                return false
            }
        }
        return digits > 0 && lastWasDigit
    }

    @inline(__always) private static func containsSpecial(_ utf8: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> Bool {
        for byte in utf8 where byte == delimiter || byte == quote || byte == cr || byte == lf { return true }
        return false
    }

    /// Starts like a spreadsheet formula (or with a character that hides one).
    static func needsPrefix(_ field: String) -> Bool {
        var field = field
        return field.withUTF8(startsLikeFormula)
    }

    static func needsQuotes(_ field: String, delimiter: UInt8) -> Bool {
        var field = field
        return field.withUTF8 { containsSpecial($0, delimiter: delimiter) }
    }
}
