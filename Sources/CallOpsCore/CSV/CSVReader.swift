/// One record of a CSV file: its fields and the physical line it starts on.
///
/// The fields live in one byte buffer with their end offsets. The reader fills the same buffer
/// again for the next record when the caller has let go of this one (and a fresh one when it
/// has not), so reading a file allocates almost nothing per record.
public struct CSVRecord: Sendable, Equatable {
    /// 1-based physical line where the record starts (a quoted newline makes a record span lines).
    public let line: Int
    /// The number of fields.
    public let count: Int
    let buffer: FieldBuffer
    /// The first field cut at `FieldSink.fieldByteCap` and the Unicode scalars left out of it.
    let cut: FieldSink.Cut?

    init(line: Int, count: Int, buffer: FieldBuffer, cut: FieldSink.Cut? = nil) {
        self.line = line
        self.count = count
        self.buffer = buffer
        self.cut = cut
    }

    /// A record made from strings (for tests and for callers that build records themselves).
    public init(line: Int, fields: [String]) {
        var sink = FieldSink(FieldBuffer(byteCapacity: 64, endCapacity: max(1, fields.count)))
        for field in fields {
            var field = field
            field.withUTF8 { sink.append($0.baseAddress, $0.count) }
            sink.endField()
        }
        self.init(line: line, count: fields.count, buffer: sink.buffer, cut: sink.cut)
    }

    /// Field `index` as text (invalid UTF-8 reads as U+FFFD); traps when out of range, like an array.
    public subscript(index: Int) -> String {
        withBytes(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Field `index`, or nil past the last field (ragged rows).
    public func field(_ index: Int) -> String? {
        index >= 0 && index < count ? self[index] : nil
    }

    /// Field `index` as UTF-8 bytes (a copy; see `withBytes` to avoid it).
    public func bytes(_ index: Int) -> [UInt8] { withBytes(index) { Array($0) } }

    /// Calls `body` with field `index`'s UTF-8 bytes, without copying them; the pointer is valid
    /// only inside `body`.
    public func withBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < count, "field \(index) of a \(count)-field record")
        let start = index == 0 ? 0 : buffer.ends[index - 1]
        return try withExtendedLifetime(buffer) {
            try body(UnsafeBufferPointer(start: buffer.bytes + start, count: buffer.ends[index] - start))
        }
    }

    /// All fields as text.
    public var fields: [String] { (0..<count).map { self[$0] } }

    /// The first field longer than `limit` characters (`InputRange.maximumFieldCharacters`) and
    /// its length in characters, or nil. Only a field of more than `limit` bytes is counted.
    ///
    /// A field the reader cut at `FieldSink.fieldByteCap` bytes counts its kept characters plus
    /// the Unicode scalars it left out (a scalar is at most one character, so this is never
    /// less than the true length, and exact for text without combining marks).
    public func overlongField(limit: Int = InputRange.maximumFieldCharacters) -> (index: Int, characters: Int)? {
        for index in 0..<count {
            let start = index == 0 ? 0 : buffer.ends[index - 1]
            guard buffer.ends[index] - start > limit || cut?.index == index else { continue }
            let characters = self[index].count + (cut?.index == index ? cut!.scalarsLeftOut : 0)
            if characters > limit { return (index, characters) }
        }
        return nil
    }

    public static func == (a: CSVRecord, b: CSVRecord) -> Bool {
        guard a.line == b.line && a.count == b.count && a.cut == b.cut else { return false }
        for i in 0..<a.count where !a.withBytes(i, { x in b.withBytes(i) { y in x.elementsEqual(y) } }) {
            return false
        }
        return true
    }
}

/// The memory behind records: field bytes and field end offsets. Its pointers never change (a
/// larger record gets a larger buffer), and its contents change only while the reader holds the
/// only reference, so sharing a record between threads is safe.
final class FieldBuffer: @unchecked Sendable {
    let bytes: UnsafeMutablePointer<UInt8>
    let byteCapacity: Int
    let ends: UnsafeMutablePointer<Int>
    let endCapacity: Int

    init(byteCapacity: Int, endCapacity: Int) {
        self.byteCapacity = max(1, byteCapacity)
        self.endCapacity = max(1, endCapacity)
        bytes = .allocate(capacity: self.byteCapacity)
        ends = .allocate(capacity: self.endCapacity)
    }

    deinit {
        bytes.deallocate()
        ends.deallocate()
    }
}

/// Appends to a `FieldBuffer` through pointers held in a local value, so the parsing loop
/// keeps them in registers.
///
/// A field keeps at most `fieldByteCap` bytes: the rest is counted, not stored, so a file with
/// a 300 MB cell costs no more memory than one with a 4 KB cell (SPEC 11/12: peak under 200 MB),
/// and the row is still refused for its length by `CSVRecord.overlongField`.
struct FieldSink {
    /// 4 bytes per character of `InputRange.maximumFieldCharacters`: the longest UTF-8 scalar,
    /// so no field within the limit of one-scalar characters is ever cut.
    static let fieldByteCap = 4 * InputRange.maximumFieldCharacters

    /// The first field that was cut and how many Unicode scalars were left out of it.
    struct Cut: Sendable, Equatable {
        var index: Int
        var scalarsLeftOut: Int
    }

    private(set) var buffer: FieldBuffer
    private(set) var cut: Cut?
    /// Where the field being written starts in the buffer.
    private var fieldStart = 0
    /// The field being written was cut: its further bytes are only counted.
    private var cutting = false
    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCapacity: Int
    private(set) var byteCount = 0
    private var ends: UnsafeMutablePointer<Int>
    private var endCapacity: Int
    private(set) var endCount = 0

    init(_ buffer: FieldBuffer) {
        self.buffer = buffer
        bytes = buffer.bytes
        byteCapacity = buffer.byteCapacity
        ends = buffer.ends
        endCapacity = buffer.endCapacity
    }

    @inline(__always) mutating func append(_ source: UnsafePointer<UInt8>?, _ count: Int) {
        guard count > 0, let source else { return }
        if cutting || byteCount - fieldStart + count > Self.fieldByteCap { return appendCut(source, count) }
        if byteCount + count > byteCapacity { grow(bytes: byteCount + count) }
        (bytes + byteCount).update(from: source, count: count)
        byteCount += count
    }

    @inline(__always) mutating func append(_ byte: UInt8) {
        if cutting || byteCount - fieldStart >= Self.fieldByteCap { return withUnsafePointer(to: byte) { appendCut($0, 1) } }
        if byteCount == byteCapacity { grow(bytes: byteCount + 1) }
        bytes[byteCount] = byte
        byteCount += 1
    }

    @inline(__always) mutating func endField() {
        if endCount == endCapacity { grow(bytes: 0) }
        ends[endCount] = byteCount
        endCount += 1
        fieldStart = byteCount
        cutting = false
    }

    /// Empties the sink to fill it again (for a scratch sink whose buffer no record shares).
    mutating func removeAll() {
        byteCount = 0
        endCount = 0
        fieldStart = 0
        cutting = false
        cut = nil
    }

    /// The bytes written so far.
    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: bytes, count: byteCount) }

    /// The field being written was cut before it came here (an xlsx cell copied from a cut
    /// shared string): counts the `scalars` left out as if they had been appended.
    mutating func noteLeftOut(scalars: Int) {
        guard scalars > 0 else { return }
        cutting = true
        if cut == nil { cut = Cut(index: endCount, scalarsLeftOut: 0) }
        if cut!.index == endCount { cut!.scalarsLeftOut += scalars }
    }

    /// Keeps what fits under the cap (whole scalars only) and counts the scalars of the rest.
    @inline(never) private mutating func appendCut(_ source: UnsafePointer<UInt8>, _ count: Int) {
        var kept = 0
        if !cutting {
            kept = min(count, max(0, Self.fieldByteCap - (byteCount - fieldStart)))
            // Never split a scalar: back off to the start of the one that would be cut.
            while kept > 0 && kept < count && source[kept] & 0xC0 == 0x80 { kept -= 1 }
            if kept > 0 {
                if byteCount + kept > byteCapacity { grow(bytes: byteCount + kept) }
                (bytes + byteCount).update(from: source, count: kept)
                byteCount += kept
            }
            cutting = true
        }
        // Scalars are the bytes that are not continuation bytes (10xxxxxx), counted eight at a
        // time: a 300 MB field is counted in a fraction of a second.
        var continuation = 0, i = kept
        while i + 8 <= count {
            let word = UnsafeRawPointer(source + i).loadUnaligned(as: UInt64.self)
            continuation += (word & ~(word << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
            i += 8
        }
        while i < count {
            if source[i] & 0xC0 == 0x80 { continuation += 1 }
            i += 1
        }
        let scalars = count - kept - continuation
        if cut == nil { cut = Cut(index: endCount, scalarsLeftOut: 0) }
        if cut!.index == endCount { cut!.scalarsLeftOut += scalars }
    }

    /// A larger buffer holding what was written so far.
    @inline(never) private mutating func grow(bytes needed: Int) {
        let larger = FieldBuffer(byteCapacity: needed > byteCapacity ? max(needed, byteCapacity * 2) : byteCapacity,
                                 endCapacity: endCount == endCapacity ? endCapacity * 2 : endCapacity)
        larger.bytes.update(from: bytes, count: byteCount)
        larger.ends.update(from: ends, count: endCount)
        buffer = larger
        bytes = larger.bytes
        byteCapacity = larger.byteCapacity
        ends = larger.ends
        endCapacity = larger.endCapacity
    }
}

/// A streaming RFC 4180 reader working on bytes.
///
/// It reads 1 MiB at a time (transcoding GB18030 to UTF-8 first when told to), so memory stays
/// flat whatever the file's size, and parses with a state machine that resumes across chunk
/// boundaries, so no byte is looked at twice. It understands quoted fields with `""` escapes,
/// delimiters and newlines (LF, CRLF or CR) inside quotes, LF, CRLF or CR line ends, an optional
/// BOM, and a last line with or without a newline; empty lines are skipped. Malformed quoting
/// is read leniently and never stops the file: a quote inside an unquoted field is kept as text,
/// text after a closing quote is appended to the field, and an unclosed quote runs to the end
/// of the input.
public struct CSVReader {
    private let source: ByteSource
    private let delimiter: UInt8
    /// The current chunk, owned by `source` and valid until the next refill.
    private var chunk = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var position = 0
    /// The physical line of the next unread byte.
    private var line = 1
    /// The last record ended in CR: an LF right after it belongs to that line end.
    private var skipLF = false
    /// Reused for the next record unless the caller still holds the last one.
    private var buffer = FieldBuffer(byteCapacity: 1024, endCapacity: 32)

    private enum State {
        /// At the start of a field (start of a record, or just after a delimiter).
        case fieldStart
        case unquoted
        case quoted
        /// Inside quotes, just after a CR: an LF here is part of the same newline.
        case quotedAfterCR
        /// Inside quotes, just after a quote: `""` or the closing quote.
        case quotedAfterQuote
    }

    private static let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    /// The index of the first of bytes `start..<end` equal to `a`, `b` or `c`, or `end`. Fields
    /// are looked at eight bytes at a time, which pays off on long ones (addresses, comments).
    @inline(__always) private static func scan(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, for a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let wordA = ones &* UInt64(a), wordB = ones &* UInt64(b), wordC = ones &* UInt64(c)
        var i = start
        while i + 8 <= end {
            // Little-endian, so the first byte in memory is the lowest one.
            let word = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            let xa = word ^ wordA, xb = word ^ wordB, xc = word ^ wordC
            // A byte of x is zero where the byte matched; this marks those bytes (exact up to the
            // first match, which is all that is needed).
            let found = ((xa &- ones) & ~xa | (xb &- ones) & ~xb | (xc &- ones) & ~xc) & highs
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end {
            let byte = p[i]
            if byte == a || byte == b || byte == c { return i }
            i += 1
        }
        return end
    }

    /// Reads the file at `path`; throws `CSVError` naming the path and the reason when it cannot be opened.
    public init(path: String, delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8) throws {
        try self.init(path: path, delimiter: delimiter, encoding: encoding, chunkSize: RawFile.defaultChunkSize)
    }

    /// Reads bytes in memory.
    public init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8) throws {
        try self.init(bytes: bytes, delimiter: delimiter, encoding: encoding, chunkSize: RawFile.defaultChunkSize)
    }

    /// `chunkSize` lets tests cut the input anywhere.
    init(path: String, delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8, chunkSize: Int) throws {
        Self.check(delimiter)
        self.source = try ByteSource(path: path, encoding: encoding, chunkSize: chunkSize)
        self.delimiter = delimiter
    }

    /// `chunkSize` lets tests cut the input anywhere.
    init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8, chunkSize: Int) throws {
        Self.check(delimiter)
        self.source = try ByteSource(bytes: bytes, encoding: encoding, chunkSize: chunkSize)
        self.delimiter = delimiter
    }

    private static func check(_ delimiter: UInt8) {
        precondition(delimiter != quote && delimiter != cr && delimiter != lf && delimiter < 0x80,
                     "a CSV delimiter must be an ASCII byte other than a quote or a newline")
    }

    /// Input bytes read so far (before transcoding), in whole chunks: for a progress bar.
    public var bytesRead: Int { source.bytesRead }

    /// Bytes so far that were not GB18030 and were read as U+FFFD (always 0 for UTF-8 input,
    /// where invalid bytes become U+FFFD when a field is turned into a String).
    public var replacedBytes: Int { source.replacedBytes }

    /// The next record, or nil at the end of the input.
    public mutating func next() throws -> CSVRecord? {
        if !isKnownUniquelyReferenced(&buffer) {
            buffer = FieldBuffer(byteCapacity: buffer.byteCapacity, endCapacity: buffer.endCapacity)
        }
        var sink = FieldSink(buffer)
        defer { buffer = sink.buffer }
        let delimiter = self.delimiter
        let quote = Self.quote, cr = Self.cr, lf = Self.lf
        // The scanning state lives in locals (registers) and is stored back on the way out.
        var bytes = chunk.baseAddress
        var count = chunk.count
        var position = self.position
        var line = self.line
        var startLine = line
        var state = State.fieldStart
        defer {
            self.position = position
            self.line = line
        }
        while true {
            if position >= count {
                if let next = try source.next() {
                    chunk = next
                    bytes = next.baseAddress
                    count = next.count
                    position = 0
                    continue
                }
                // End of input: whatever was started is the last record.
                if state == .fieldStart && sink.endCount == 0 { return nil }
                sink.endField()
                line += 1
                return CSVRecord(line: startLine, count: sink.endCount, buffer: sink.buffer, cut: sink.cut)
            }
            let p = bytes.unsafelyUnwrapped
            switch state {
            case .fieldStart:
                let byte = p[position]
                if skipLF {
                    skipLF = false
                    if byte == lf {
                        position += 1
                        continue
                    }
                }
                if byte == quote {
                    state = .quoted
                    position += 1
                } else if byte == delimiter {
                    sink.endField()
                    position += 1
                } else if byte == lf || byte == cr {
                    position += 1
                    line += 1
                    skipLF = byte == cr
                    if sink.endCount == 0 {
                        // An empty line is no record.
                        startLine = line
                        continue
                    }
                    sink.endField()
                    return CSVRecord(line: startLine, count: sink.endCount, buffer: sink.buffer, cut: sink.cut)
                } else {
                    state = .unquoted
                }
            case .unquoted:
                let i = Self.scan(p, from: position, to: count, for: delimiter, lf, cr)
                sink.append(p + position, i - position)
                position = i
                if i == count { continue }
                let byte = p[i]
                position += 1
                sink.endField()
                if byte == delimiter {
                    state = .fieldStart
                    continue
                }
                line += 1
                skipLF = byte == cr
                return CSVRecord(line: startLine, count: sink.endCount, buffer: sink.buffer, cut: sink.cut)
            case .quoted:
                let i = Self.scan(p, from: position, to: count, for: quote, lf, cr)
                sink.append(p + position, i - position)
                position = i
                if i == count { continue }
                let byte = p[i]
                position += 1
                if byte == quote {
                    state = .quotedAfterQuote
                } else {
                    sink.append(byte)
                    line += 1
                    if byte == cr { state = .quotedAfterCR }
                }
            case .quotedAfterCR:
                if p[position] == lf {
                    sink.append(lf)
                    position += 1
                }
                state = .quoted
            case .quotedAfterQuote:
                let byte = p[position]
                if byte == quote {
                    sink.append(quote)
                    position += 1
                    state = .quoted
                } else if byte == delimiter {
                    sink.endField()
                    position += 1
                    state = .fieldStart
                } else if byte == lf || byte == cr {
                    sink.endField()
                    position += 1
                    line += 1
                    skipLF = byte == cr
                    return CSVRecord(line: startLine, count: sink.endCount, buffer: sink.buffer, cut: sink.cut)
                } else {
                    // Text after the closing quote (malformed): kept, up to the delimiter.
                    state = .unquoted
                }
            }
        }
    }
}
