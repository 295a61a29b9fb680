/// One record of a CSV file: its fields and the physical line it starts on.
public struct CSVRecord: Sendable {
    /// 1-based line where the record starts (a quoted newline makes a record span lines).
    public let line: Int
    public let fields: [String]

    public var count: Int { fields.count }
    public subscript(index: Int) -> String { fields[index] }
}

/// A streaming RFC 4180 reader working on bytes: quoted fields with `""` escapes, delimiters
/// and newlines inside quotes, LF or CRLF, an optional UTF-8 BOM, blank lines skipped. It reads
/// 1 MiB at a time, so memory stays flat whatever the file's size. Malformed quoting is read
/// leniently (a stray quote is kept as text) and never stops the file.
public struct CSVReader {
    private let source: ByteSource
    private let delimiter: UInt8
    private var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    private var line = 1
    private var atStart = true
    private var field: [UInt8] = []

    /// Reads a file.
    public init(path: String, delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8) throws {
        self.source = try ByteSource(path: path, encoding: encoding)
        self.delimiter = delimiter
    }

    /// Reads bytes in memory; `chunkSize` lets tests cut the input anywhere.
    public init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8, chunkSize: Int = 1 << 20) throws {
        self.source = try ByteSource(bytes: bytes, encoding: encoding, chunkSize: chunkSize)
        self.delimiter = delimiter
    }

    private static let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    /// Loads more bytes, keeping those from `keepFrom` on; false at the end of input.
    private mutating func refill(keepFrom: Int) throws -> Bool {
        guard !exhausted else { return false }
        guard let chunk = try source.read() else {
            exhausted = true
            return false
        }
        if keepFrom > 0 { buffer.removeFirst(keepFrom) }
        position -= keepFrom
        buffer.append(contentsOf: chunk)
        if atStart {
            atStart = false
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) {
                buffer.removeFirst(3)
            }
        }
        return true
    }

    /// The next record, or nil at the end of the input.
    public mutating func next() throws -> CSVRecord? {
        while true {
            let start = position
            let startLine = line
            if let (fields, end, lines) = parseRecord(from: start) {
                position = end
                line = startLine + lines
                // A blank line is no record.
                if fields.count == 1 && fields[0].isEmpty { continue }
                return CSVRecord(line: startLine, fields: fields)
            }
            // The record runs past the buffer: load more and parse it again from its start.
            if try refill(keepFrom: start) { continue }
            // End of input: the rest, if any, is the last record.
            guard position < buffer.count else { return nil }
            let (fields, lines) = parseTail(from: position)
            position = buffer.count
            line += lines
            if fields.count == 1 && fields[0].isEmpty { return nil }
            return CSVRecord(line: startLine, fields: fields)
        }
    }

    /// Parses one record ending in a newline; nil when the buffer ends first.
    private mutating func parseRecord(from start: Int) -> (fields: [String], end: Int, lines: Int)? {
        var fields: [String] = []
        var lines = 0
        let count = buffer.count
        let delimiter = self.delimiter
        return buffer.withUnsafeBufferPointer { bytes -> ([String], Int, Int)? in
            var i = start
            while true {
                if i >= count { return nil }
                if bytes[i] == Self.quote {
                    // Quoted field: up to the closing quote, `""` standing for one quote.
                    field.removeAll(keepingCapacity: true)
                    i += 1
                    while true {
                        if i >= count { return nil }
                        let byte = bytes[i]
                        if byte == Self.quote {
                            if i + 1 >= count { return nil }
                            if bytes[i + 1] == Self.quote {
                                field.append(Self.quote)
                                i += 2
                                continue
                            }
                            i += 1
                            break
                        }
                        if byte == Self.lf { lines += 1 }
                        field.append(byte)
                        i += 1
                    }
                    // Text after the closing quote (malformed) is kept, up to the delimiter.
                    while i < count, bytes[i] != delimiter, bytes[i] != Self.lf, bytes[i] != Self.cr {
                        field.append(bytes[i])
                        i += 1
                    }
                    fields.append(String(decoding: field, as: UTF8.self))
                } else {
                    let fieldStart = i
                    while i < count {
                        let byte = bytes[i]
                        if byte == delimiter || byte == Self.lf || byte == Self.cr { break }
                        i += 1
                    }
                    if i >= count { return nil }
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<i]), as: UTF8.self))
                }
                if i >= count { return nil }
                let byte = bytes[i]
                if byte == delimiter {
                    i += 1
                    continue
                }
                if byte == Self.cr {
                    if i + 1 >= count { return nil }
                    i += bytes[i + 1] == Self.lf ? 2 : 1
                    return (fields, i, lines + 1)
                }
                if byte == Self.lf { return (fields, i + 1, lines + 1) }
            }
        }
    }

    /// Parses what is left at the end of input (a last line with no newline, or an unclosed quote).
    private mutating func parseTail(from start: Int) -> (fields: [String], lines: Int) {
        var fields: [String] = []
        var lines = 0
        var i = start
        var current: [UInt8] = []
        var quoted = false
        var fieldStart = true
        while i < buffer.count {
            let byte = buffer[i]
            if fieldStart && byte == Self.quote {
                quoted = true
                fieldStart = false
                i += 1
                continue
            }
            fieldStart = false
            if quoted {
                if byte == Self.quote {
                    if i + 1 < buffer.count && buffer[i + 1] == Self.quote {
                        current.append(Self.quote)
                        i += 2
                        continue
                    }
                    quoted = false
                    i += 1
                    continue
                }
                if byte == Self.lf { lines += 1 }
                current.append(byte)
            } else if byte == delimiter {
                fields.append(String(decoding: current, as: UTF8.self))
                current = []
                fieldStart = true
            } else if byte != Self.cr && byte != Self.lf {
                current.append(byte)
            }
            i += 1
        }
        fields.append(String(decoding: current, as: UTF8.self))
        return (fields, lines + 1)
    }
}
