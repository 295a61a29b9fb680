import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The text encoding of an input file. Files saved by Excel on Chinese Windows are GBK, which
/// GB18030 contains; everything else is UTF-8.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8, gb18030

    /// Reads the file once: UTF-8 when every byte sequence is valid UTF-8 (or it starts with a
    /// UTF-8 BOM), else GB18030.
    public static func detect(path: String) throws -> TextEncoding {
        let source = try ByteSource(path: path)
        var validator = UTF8Validator()
        var first = true
        while let chunk = try source.read() {
            if first, chunk.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8 }
            first = false
            if !validator.feed(chunk) { return .gb18030 }
        }
        return validator.finish() ? .utf8 : .gb18030
    }
}

extension TextEncoding {
    /// One read of a file for both its SHA-256 and its encoding (UTF-8, else GB18030): a million-
    /// row lead file is read once for these instead of twice.
    public static func fingerprint(path: String) throws -> (sha256: String, encoding: TextEncoding) {
        let source = try ByteSource(path: path)
        var hasher = SHA256()
        var validator = UTF8Validator()
        var valid = true
        var bom = false
        var first = true
        while let chunk = try source.read() {
            if first { bom = chunk.starts(with: [0xEF, 0xBB, 0xBF]) }
            first = false
            hasher.update(chunk)
            if valid && !bom { valid = validator.feed(chunk) }
        }
        let utf8 = bom || (valid && validator.finish())
        return (hasher.hexDigest(), utf8 ? .utf8 : .gb18030)
    }
}

/// Validates UTF-8 across chunk boundaries.
struct UTF8Validator {
    private var pending = 0

    /// False as soon as the bytes cannot be UTF-8.
    mutating func feed(_ bytes: [UInt8]) -> Bool {
        for byte in bytes {
            if pending > 0 {
                guard byte & 0xC0 == 0x80 else { return false }
                pending -= 1
            } else if byte < 0x80 {
                continue
            } else if byte & 0xE0 == 0xC0 {
                guard byte >= 0xC2 else { return false }
                pending = 1
            } else if byte & 0xF0 == 0xE0 {
                pending = 2
            } else if byte & 0xF8 == 0xF0, byte <= 0xF4 {
                pending = 3
            } else {
                return false
            }
        }
        return true
    }

    /// False when the input ended inside a character.
    func finish() -> Bool { pending == 0 }
}

/// Bytes of a file (or of memory) in chunks, transcoded to UTF-8 when the file is GB18030.
final class ByteSource {
    private let handle: FileHandle?
    private var memory: [UInt8]?
    private var memoryOffset = 0
    private let chunkSize: Int
    private var converter: GB18030Converter?
    private var leftover: [UInt8] = []
    private var finished = false

    init(path: String, encoding: TextEncoding = .utf8, chunkSize: Int = 1 << 20) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CSVError(file: path, message: "cannot be opened for reading (missing, or no permission)")
        }
        self.handle = handle
        self.chunkSize = chunkSize
        if encoding == .gb18030 { converter = try GB18030Converter(file: path) }
    }

    init(bytes: [UInt8], encoding: TextEncoding = .utf8, chunkSize: Int = 1 << 20) throws {
        self.handle = nil
        self.memory = bytes
        self.chunkSize = chunkSize
        if encoding == .gb18030 { converter = try GB18030Converter(file: "input") }
    }

    deinit { try? handle?.close() }

    /// The next chunk of UTF-8 bytes, or nil at the end.
    func read() throws -> [UInt8]? {
        while !finished {
            var raw: [UInt8]
            if let handle {
                let data = try handle.read(upToCount: chunkSize) ?? Data()
                raw = [UInt8](data)
            } else {
                let n = min(chunkSize, memory!.count - memoryOffset)
                raw = Array(memory![memoryOffset..<memoryOffset + n])
                memoryOffset += n
            }
            if raw.isEmpty {
                finished = true
                if let converter {
                    let rest = leftover
                    leftover = []
                    if !rest.isEmpty { return try converter.convert(rest, final: true).output }
                }
                return nil
            }
            guard let converter else { return raw }
            let (output, unconsumed) = try converter.convert(leftover + raw, final: false)
            leftover = unconsumed
            if !output.isEmpty { return output }
        }
        return nil
    }
}

/// GB18030 → UTF-8 through the C library's iconv.
final class GB18030Converter {
    private let cd: iconv_t
    private let file: String

    init(file: String) throws {
        self.file = file
        let cd = iconv_open("UTF-8", "GB18030")
        guard cd != iconv_t(bitPattern: -1) else {
            throw CSVError(file: file, message: "GB18030 is not available from the system's iconv")
        }
        self.cd = cd!
    }

    deinit { iconv_close(cd) }

    /// Converts what it can; returns the bytes of an incomplete last character to feed again.
    func convert(_ input: [UInt8], final: Bool) throws -> (output: [UInt8], unconsumed: [UInt8]) {
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var inCopy = input
        var produced = 0
        var unconsumed: [UInt8] = []
        try inCopy.withUnsafeMutableBufferPointer { inBuffer in
            try output.withUnsafeMutableBufferPointer { outBuffer in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                while inLeft > 0 {
                    if iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) == -1 {
                        if errno == EINVAL && !final {
                            let start = inBuffer.count - inLeft
                            unconsumed = Array(inBuffer[start...])
                            break
                        }
                        let offset = inBuffer.count - inLeft
                        throw CSVError(file: file, message: "byte \(offset) of a chunk is not GB18030 text; try --encoding utf8")
                    }
                }
                produced = outBuffer.count - outLeft
            }
        }
        return (Array(output.prefix(produced)), unconsumed)
    }
}
