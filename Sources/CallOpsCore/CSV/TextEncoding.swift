import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The text encoding of an input file: UTF-8, or GB18030 (which contains GBK, what Excel on
/// Chinese Windows saves).
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8, gb18030

    /// Reads the file once, in chunks: UTF-8 when it starts with a UTF-8 BOM or every byte
    /// sequence is valid UTF-8, else GB18030.
    public static func detect(path: String) throws -> TextEncoding {
        try detect(path: path, chunkSize: RawFile.defaultChunkSize)
    }

    /// The encoding of bytes in memory, by the same rule as `detect(path:)`.
    public static func detect(bytes: [UInt8]) -> TextEncoding {
        if bytes.starts(with: utf8BOM) { return .utf8 }
        var validator = UTF8Validator()
        let valid = bytes.withUnsafeBufferPointer { validator.feed($0) }
        return valid && validator.finish() ? .utf8 : .gb18030
    }

    /// `detect(path:)` with the chunk size injectable, so tests can split characters.
    static func detect(path: String, chunkSize: Int) throws -> TextEncoding {
        let file = try RawFile(path: path, chunkSize: chunkSize)
        var validator = UTF8Validator()
        var head: [UInt8] = []
        // The BOM may arrive split over several tiny chunks; three bytes decide it.
        while let chunk = try file.read() {
            if head.count < 3 {
                head += chunk.prefix(3 - head.count)
                if head.count == 3 && head == utf8BOM { return .utf8 }
            }
            if !validator.feed(chunk) { return .gb18030 }
        }
        return validator.finish() ? .utf8 : .gb18030
    }

    /// The encoding as far as the first `limit` bytes tell: GB18030 when they are not UTF-8 (a
    /// character cut at the limit is not held against them), else UTF-8. A file that turns out
    /// otherwise further on is caught by `fingerprint`, which reads it all.
    public static func detect(head path: String, limit: Int = 1 << 16) throws -> TextEncoding {
        let file = try RawFile(path: path, chunkSize: limit)
        guard let chunk = try file.read() else { return .utf8 }
        if chunk.starts(with: utf8BOM) { return .utf8 }
        var validator = UTF8Validator()
        return validator.feed(chunk) ? .utf8 : .gb18030
    }

    /// One read of a file for both its SHA-256 and its encoding (UTF-8, else GB18030): a million-
    /// row lead file is read once for these instead of twice.
    public static func fingerprint(path: String) throws -> (sha256: String, encoding: TextEncoding) {
        let file = try RawFile(path: path, chunkSize: RawFile.defaultChunkSize)
        var hasher = SHA256()
        var validator = UTF8Validator()
        var valid = true
        var head: [UInt8] = []
        while let chunk = try file.read() {
            if head.count < 3 { head += chunk.prefix(3 - head.count) }
            hasher.update(chunk)
            // Once invalid, validating the rest would not change the answer.
            if valid { valid = validator.feed(chunk) }
        }
        let utf8 = head == utf8BOM || (valid && validator.finish())
        return (hasher.hexDigest(), utf8 ? .utf8 : .gb18030)
    }

    static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]
}

/// A strict UTF-8 validator (no overlong forms, no surrogates, nothing past U+10FFFF) that
/// carries a character split between chunks over to the next chunk.
struct UTF8Validator {
    /// Continuation bytes still expected for the current character.
    private var pending = 0
    /// The allowed range of the next continuation byte (narrower after E0, ED, F0, F4).
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF

    /// False as soon as the bytes cannot be UTF-8.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var i = 0
        while i < count {
            if pending == 0 {
                // Lead-file text is mostly ASCII: skip it eight bytes at a time.
                while i + 8 <= count {
                    let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 != 0 { break }
                    i += 8
                }
                guard i < count else { break }
                let byte = base[i]
                i += 1
                switch byte {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: pending = 1; low = 0x80; high = 0xBF
                case 0xE0: pending = 2; low = 0xA0; high = 0xBF
                case 0xE1...0xEC, 0xEE...0xEF: pending = 2; low = 0x80; high = 0xBF
                case 0xED: pending = 2; low = 0x80; high = 0x9F
                case 0xF0: pending = 3; low = 0x90; high = 0xBF
                case 0xF1...0xF3: pending = 3; low = 0x80; high = 0xBF
                case 0xF4: pending = 3; low = 0x80; high = 0x8F
                default: return false
                }
            } else {
                let byte = base[i]
                i += 1
                guard byte >= low && byte <= high else { return false }
                pending -= 1
                low = 0x80
                high = 0xBF
            }
        }
        return true
    }

    /// False when the input ended inside a character.
    func finish() -> Bool { pending == 0 }
}

/// A file read in chunks with POSIX `read` into one reused buffer: memory stays flat whatever
/// the file's size.
final class RawFile {
    static let defaultChunkSize = 1 << 20

    private let fd: Int32
    private let path: String
    /// Allocated on the first `read()`: a `ByteSource` reads into its own buffer instead.
    private var buffer: UnsafeMutablePointer<UInt8>?
    private let chunkSize: Int

    init(path: String, chunkSize: Int = defaultChunkSize) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CSVError(file: path, message: "cannot be opened: \(Self.reason(errno)) (check the path and its permissions)")
        }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw CSVError(file: path, message: "is a directory, not a file")
        }
        self.fd = fd
        self.path = path
        self.chunkSize = max(1, chunkSize)
    }

    deinit {
        close(fd)
        buffer?.deallocate()
    }

    /// The next chunk (valid until the next call), or nil at the end of the file.
    func read() throws -> UnsafeBufferPointer<UInt8>? {
        let target = buffer ?? .allocate(capacity: chunkSize)
        buffer = target
        let n = try read(into: target, count: chunkSize)
        return n == 0 ? nil : UnsafeBufferPointer(start: target, count: n)
    }

    /// Reads up to `count` bytes into `target`; 0 only at the end of the file.
    func read(into target: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        while true {
            #if canImport(Glibc)
                let n = Glibc.read(fd, target, count)
            #else
                let n = Darwin.read(fd, target, count)
            #endif
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw CSVError(file: path, message: "cannot be read: \(Self.reason(errno))")
        }
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// UTF-8 text from a file or from memory, in chunks: GB18030 input is transcoded with iconv,
/// and a leading BOM (UTF-8's, or GB18030's, which iconv turns into UTF-8's) is dropped.
final class ByteSource {
    private enum Input {
        case file(RawFile)
        case memory([UInt8], offset: Int)
    }

    private var input: Input
    private let chunkSize: Int
    /// Raw input; for GB18030 it also holds bytes carried over from the last conversion.
    private let raw: UnsafeMutablePointer<UInt8>
    private let rawCapacity: Int
    private var rawStart = 0
    private var rawEnd = 0
    private var inputEnded = false
    private var converter: GB18030Converter?
    /// Converted text (GB18030 only).
    private var output: UnsafeMutablePointer<UInt8>?
    private let outputCapacity: Int
    /// The first few bytes, gathered when the first chunks are too small to tell a BOM.
    private var head: UnsafeMutableBufferPointer<UInt8>?
    private var atStart = true

    /// Bytes taken from the input so far (before transcoding): for progress.
    private(set) var bytesRead = 0
    /// Input bytes that were not GB18030 and were read as U+FFFD.
    var replacedBytes: Int { converter?.replacedBytes ?? 0 }

    convenience init(path: String, encoding: TextEncoding, chunkSize: Int) throws {
        try self.init(input: .file(try RawFile(path: path)), name: path, encoding: encoding, chunkSize: chunkSize)
    }

    convenience init(bytes: [UInt8], encoding: TextEncoding, chunkSize: Int) throws {
        try self.init(input: .memory(bytes, offset: 0), name: "input", encoding: encoding, chunkSize: chunkSize)
    }

    private init(input: Input, name: String, encoding: TextEncoding, chunkSize: Int) throws {
        self.input = input
        self.chunkSize = max(1, chunkSize)
        // GB18030 keeps up to 3 bytes of an unfinished character in front of the next read.
        self.rawCapacity = self.chunkSize + 8
        self.raw = .allocate(capacity: rawCapacity)
        // A 2-byte character becomes at most 3 bytes of UTF-8, and one bad byte a 3-byte U+FFFD.
        self.outputCapacity = 3 * rawCapacity + 16
        if encoding == .gb18030 {
            converter = try GB18030Converter(file: name)
            output = .allocate(capacity: outputCapacity)
        }
    }

    deinit {
        raw.deallocate()
        output?.deallocate()
        head?.deallocate()
    }

    /// The next chunk of UTF-8 bytes, valid until the next call; nil at the end.
    func next() throws -> UnsafeBufferPointer<UInt8>? {
        guard atStart else { return try produce() }
        atStart = false
        guard let first = try produce() else { return nil }
        if first.count >= 3 {
            return first.starts(with: TextEncoding.utf8BOM) ? UnsafeBufferPointer(rebasing: first[3...]) : first
        }
        // Tiny chunks (tests): gather three bytes before deciding.
        var gathered = Array(first)
        while gathered.count < 3, let more = try produce() { gathered += more }
        if gathered.starts(with: TextEncoding.utf8BOM) { gathered.removeFirst(3) }
        if gathered.isEmpty { return try produce() }
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: gathered.count)
        _ = copy.initialize(from: gathered)
        head = copy
        return UnsafeBufferPointer(copy)
    }

    /// Up to `count` raw bytes into `target`; 0 at the end of the input.
    private func readRaw(into target: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        let n: Int
        switch input {
        case let .file(file):
            n = try file.read(into: target, count: count)
        case let .memory(bytes, offset):
            n = min(count, bytes.count - offset)
            bytes.withUnsafeBufferPointer { source in
                if n > 0 { target.update(from: source.baseAddress! + offset, count: n) }
            }
            input = .memory(bytes, offset: offset + n)
        }
        bytesRead += n
        return n
    }

    private func produce() throws -> UnsafeBufferPointer<UInt8>? {
        guard let converter, let output else {
            let n = try readRaw(into: raw, count: chunkSize)
            return n == 0 ? nil : UnsafeBufferPointer(start: raw, count: n)
        }
        while true {
            // Read more when only an unfinished character (or nothing) is left.
            if !inputEnded && rawEnd - rawStart < 8 {
                let carried = rawEnd - rawStart
                if carried > 0 && rawStart > 0 { raw.update(from: raw + rawStart, count: carried) }
                rawStart = 0
                rawEnd = carried
                let n = try readRaw(into: raw + carried, count: min(chunkSize, rawCapacity - carried))
                if n == 0 { inputEnded = true } else { rawEnd += n }
            }
            if rawStart == rawEnd && inputEnded { return nil }
            let (consumed, produced) = converter.convert(
                UnsafeBufferPointer(start: raw + rawStart, count: rawEnd - rawStart),
                into: UnsafeMutableBufferPointer(start: output, count: outputCapacity), final: inputEnded)
            rawStart += consumed
            if produced > 0 { return UnsafeBufferPointer(start: output, count: produced) }
            if rawStart == rawEnd && inputEnded { return nil }
        }
    }
}

/// GB18030 → UTF-8 through the C library's iconv.
final class GB18030Converter {
    private let cd: iconv_t
    private(set) var replacedBytes = 0

    init(file: String) throws {
        let cd = iconv_open("UTF-8", "GB18030")
        guard let cd, cd != iconv_t(bitPattern: -1) else {
            throw CSVError(file: file, message: "cannot be read as GB18030: the system's iconv lacks it (\(RawFile.reason(errno)))")
        }
        self.cd = cd
    }

    deinit { iconv_close(cd) }

    /// Converts as much of `input` as it can. An unfinished last character is left unconsumed
    /// for the next call unless `final`; a byte that is not GB18030 becomes U+FFFD, so one bad
    /// byte never stops a file.
    func convert(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>, final: Bool)
        -> (consumed: Int, produced: Int)
    {
        guard let inBase = input.baseAddress, let outBase = output.baseAddress, input.count > 0 else { return (0, 0) }
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inBase).assumingMemoryBound(to: CChar.self)
        var inLeft = input.count
        var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBase).assumingMemoryBound(to: CChar.self)
        var outLeft = output.count
        while inLeft > 0 {
            if iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1 { break }
            let code = errno
            if code == E2BIG { break }
            if code == EINVAL && !final { break }
            // EILSEQ, or an unfinished character at the very end: one U+FFFD per bad byte.
            guard outLeft >= 3 else { break }
            for byte: UInt8 in [0xEF, 0xBF, 0xBD] {
                outPtr!.pointee = CChar(bitPattern: byte)
                outPtr! += 1
            }
            outLeft -= 3
            inPtr! += 1
            inLeft -= 1
            replacedBytes += 1
        }
        return (input.count - inLeft, output.count - outLeft)
    }
}

extension CSVReader {
    /// Where the file at `path` first stops being UTF-8: the line of the record, the field's
    /// index and the header's name for it (nil when the header itself is the place). It reads the
    /// file again, so only an import already refused for its encoding calls it; nil when every
    /// field is UTF-8.
    public static func firstNonUTF8Field(path: String, delimiter: UInt8) throws -> (line: Int, field: Int, name: String?)? {
        var reader = try CSVReader(path: path, delimiter: delimiter, encoding: .utf8)
        var header: CSVRecord?
        while let record = try reader.next() {
            for index in 0..<record.count {
                var validator = UTF8Validator()
                guard !record.withBytes(index, { validator.feed($0) && validator.finish() }) else { continue }
                return (record.line, index, header.flatMap { $0.field(index) })
            }
            if header == nil { header = record }
        }
        return nil
    }
}
