import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import CallOpsCore

/// `text` encoded as GB18030 by the system's iconv: test data from an independent encoder.
func encodeGB18030(_ text: String) throws -> [UInt8] {
    let cd = try #require(iconv_open("GB18030", "UTF-8"), "iconv_open")
    try #require(cd != iconv_t(bitPattern: -1), "the system's iconv has no GB18030")
    defer { iconv_close(cd) }
    var input = Array(text.utf8)
    var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
    let produced = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer -> Int in
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var inLeft = inBuffer.count
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var outLeft = outBuffer.count
            guard iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1 else { return -1 }
            return outBuffer.count - outLeft
        }
    }
    try #require(produced >= 0, "iconv could not encode \(text.debugDescription)")
    return Array(output.prefix(produced))
}

/// A temporary folder removed when the test ends.
struct CSVTemporaryFolder: ~Copyable {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("callops-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

@Suite struct TextEncodingTests {
    let sample = "姓名,手机号\n张三,13800138000\n"
    /// The same text in GB18030, byte by byte.
    let sampleGB: [UInt8] = [0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xCA, 0xD6, 0xBB, 0xFA, 0xBA, 0xC5, 0x0A, 0xD5, 0xC5, 0xC8, 0xFD, 0x2C]
        + Array("13800138000\n".utf8)

    @Test func theHandWrittenBytesAreWhatIconvWrites() throws {
        #expect(try encodeGB18030(sample) == sampleGB)
        // And they are not UTF-8, so `auto` would pick GB18030.
        #expect(TextEncoding.detect(bytes: sampleGB) == .gb18030)
    }

    @Test func gb18030IsTranscodedAcrossChunkBoundaries() throws {
        let expected = [CSVRow(1, ["姓名", "手机号"]), CSVRow(2, ["张三", "13800138000"])]
        for chunk in [1, 2, 3, 4, 5, 6, 7, 1 << 20] {
            #expect(try parseCSV(sampleGB, chunk: chunk, encoding: .gb18030) == expected, "chunk \(chunk)")
        }
    }

    /// Four-byte GB18030 sequences (characters outside GBK), a quoted field and GB18030's own
    /// BOM, split by every chunk size from 1 to 9.
    @Test func fourByteCharactersAndTheGB18030ByteOrderMark() throws {
        let text = "\u{FEFF}名字,备注\r\n\"王𠀀\",\"😀 a,b\n€ é\"\r\n"
        let bytes = try encodeGB18030(text)
        #expect(bytes.starts(with: [0x84, 0x31, 0x95, 0x33]))  // U+FEFF in GB18030
        #expect(try encodeGB18030("😀").count == 4 && encodeGB18030("𠀀").count == 4)
        let expected = [CSVRow(1, ["名字", "备注"]), CSVRow(2, ["王𠀀", "😀 a,b\n€ é"])]
        for chunk in [1, 2, 3, 4, 5, 6, 7, 8, 9, 1 << 20] {
            #expect(try parseCSV(bytes, chunk: chunk, encoding: .gb18030) == expected, "chunk \(chunk)")
        }
    }

    @Test func bytesThatAreNotGB18030BecomeReplacementCharacters() throws {
        // 0xFF is never GB18030; a lead byte at the very end has no second byte.
        for chunk in [1, 2, 3, 1 << 20] {
            var reader = try CSVReader(bytes: [0x61, 0xFF, 0x2C, 0xD5, 0xC5, 0x0A, 0x62, 0xD5], encoding: .gb18030, chunkSize: chunk)
            #expect(try reader.next()?.fields == ["a\u{FFFD}", "张"])
            #expect(try reader.next()?.fields == ["b\u{FFFD}"])
            #expect(try reader.next() == nil)
            #expect(reader.replacedBytes == 2)
        }
    }

    @Test func aGB18030FileIsReadByPath() throws {
        let folder = try CSVTemporaryFolder()
        let path = try folder.file("gb.csv", sampleGB)
        #expect(try TextEncoding.detect(path: path) == .gb18030)
        for chunk in [1, 3, 1 << 20] {
            var reader = try CSVReader(path: path, encoding: .gb18030, chunkSize: chunk)
            #expect(try reader.next()?.fields == ["姓名", "手机号"])
            #expect(try reader.next()?.fields == ["张三", "13800138000"])
            #expect(try reader.next() == nil)
            #expect(reader.bytesRead == sampleGB.count)
        }
        // Read as UTF-8 by mistake, GB18030 bytes come out as U+FFFD instead of failing.
        var wrong = try CSVReader(path: path)
        #expect(try wrong.next()?[0].contains("\u{FFFD}") == true)
    }

    @Test func detectTellsUTF8FromGB18030() throws {
        let folder = try CSVTemporaryFolder()
        let cases: [(String, [UInt8], TextEncoding)] = [
            ("utf8.csv", Array(sample.utf8), .utf8),
            ("gb.csv", sampleGB, .gb18030),
            ("ascii.csv", Array("phone\n13800138000\n".utf8), .utf8),
            ("empty.csv", [], .utf8),
            // A BOM says UTF-8 even if a stray byte follows.
            ("bom.csv", [0xEF, 0xBB, 0xBF, 0x61, 0xFF], .utf8),
            ("emoji.csv", Array("😀,é,€\n".utf8), .utf8),
            // Not UTF-8: overlong, surrogate, past U+10FFFF, a character cut off at the end.
            ("overlong.csv", [0x61, 0xC0, 0x80], .gb18030),
            ("surrogate.csv", [0xED, 0xA0, 0x80], .gb18030),
            ("toolarge.csv", [0xF4, 0x90, 0x80, 0x80], .gb18030),
            ("cutoff.csv", Array(Array("张".utf8).dropLast()), .gb18030),
        ]
        for (name, bytes, encoding) in cases {
            let path = try folder.file(name, bytes)
            #expect(TextEncoding.detect(bytes: bytes) == encoding, "\(name) in memory")
            #expect(try TextEncoding.detect(path: path) == encoding, "\(name)")
            // Characters split between chunks (here of 1 to 7 bytes) are carried over.
            for chunk in 1...7 {
                #expect(try TextEncoding.detect(path: path, chunkSize: chunk) == encoding, "\(name), chunk \(chunk)")
            }
        }
    }

    /// The validator agrees with the standard library's UTF-8 decoder on random bytes.
    @Test func validatorMatchesTheStandardLibrary() throws {
        var random = CSVTestRandom(seed: 8)
        let alphabet: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF,
                                 0xF0, 0xF3, 0xF4, 0xF5, 0xFF]
        var utf8 = 0
        for _ in 0..<20_000 {
            let bytes = (0..<random.below(12)).map { _ in random.pick(alphabet) }
            let expected: TextEncoding = String(validating: bytes, as: UTF8.self) != nil ? .utf8 : .gb18030
            if expected == .utf8 { utf8 += 1 }
            // A leading BOM would short-circuit; none of these start with EF BB BF.
            #expect(TextEncoding.detect(bytes: bytes) == expected, "\(bytes)")
        }
        #expect(utf8 > 100)  // the sample holds both kinds
    }

    @Test func fingerprintHashesAndDetectsInOneRead() throws {
        let folder = try CSVTemporaryFolder()
        let abc = try folder.file("abc.csv", Array("abc".utf8))
        let gb = try folder.file("gb.csv", sampleGB)
        let bom = try folder.file("bom.csv", [0xEF, 0xBB, 0xBF, 0xFF])
        let u = try TextEncoding.fingerprint(path: abc)
        #expect(u.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" && u.encoding == .utf8)
        #expect(try TextEncoding.fingerprint(path: gb).encoding == .gb18030)
        #expect(try TextEncoding.fingerprint(path: bom).encoding == .utf8)
        #expect(throws: CSVError.self) { try TextEncoding.fingerprint(path: folder.url.appendingPathComponent("missing").path) }
    }
}
