import CZlib
import Foundation

/// The entries of a zip archive (an xlsx workbook is one), read from its central directory, and
/// each entry's bytes streamed through zlib's inflate a chunk at a time, so a sheet of hundreds
/// of megabytes never sits in memory whole.
///
/// ZIPFoundation only hands an entry's bytes to a closure (push); the sheet scanner pulls rows,
/// so inflating here keeps the reader a plain pull loop on one thread.
public final class ZipArchive {
    public struct Entry: Sendable {
        public let name: String
        let method: UInt16
        let flags: UInt16
        let crc32: UInt32
        let compressedSize: Int
        public let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    /// What is wrong with an archive, for the caller to name the file.
    public struct Damage: Error, Sendable {
        public let reason: String
    }

    let descriptor: Int32
    let fileSize: Int
    public private(set) var entries: [String: Entry] = [:]

    /// Opens `path` and reads its central directory; throws `Damage` when it is not a whole zip.
    public init(path: String) throws {
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Damage(reason: "cannot be read (missing, or no permission)") }
        var info = stat()
        fstat(descriptor, &info)
        fileSize = Int(info.st_size)
        do {
            try readDirectory()
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit { close(descriptor) }

    func read(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + count <= fileSize else {
            throw Damage(reason: "is truncated (the zip directory points past the end of the file)")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            guard n > 0 else { throw Damage(reason: "cannot be read past byte \(offset + done)") }
            done += n
        }
        return bytes
    }

    private func readDirectory() throws {
        // The end-of-central-directory record: 22 bytes plus a comment of at most 65,535.
        let tailLength = min(fileSize, 22 + 65_535)
        let tail = try read(at: fileSize - tailLength, count: tailLength)
        var end = -1
        var i = tail.count - 22
        while i >= 0 {
            if tail[i] == 0x50 && tail[i + 1] == 0x4B && tail[i + 2] == 5 && tail[i + 3] == 6 { end = i; break }
            i -= 1
        }
        guard end >= 0 else { throw Damage(reason: "is not a complete xlsx workbook (truncated or corrupt: its zip directory is missing)") }
        let count = Int(Self.u16(tail, end + 10))
        let size = Int(Self.u32(tail, end + 12))
        let offset = Int(Self.u32(tail, end + 16))
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            throw Damage(reason: "is a ZIP64 workbook (over 4 GB), which callops does not read; split it or save it as CSV")
        }
        let directory = try read(at: offset, count: size)
        var p = 0
        for _ in 0..<count {
            guard p + 46 <= directory.count, Self.u32(directory, p) == 0x0201_4B50 else {
                throw Damage(reason: "is corrupt (a damaged zip directory)")
            }
            let nameLength = Int(Self.u16(directory, p + 28)), extraLength = Int(Self.u16(directory, p + 30))
            let commentLength = Int(Self.u16(directory, p + 32))
            guard p + 46 + nameLength <= directory.count else { throw Damage(reason: "is corrupt (a damaged zip directory)") }
            let name = String(decoding: directory[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            entries[name] = Entry(
                name: name, method: Self.u16(directory, p + 10), flags: Self.u16(directory, p + 8), crc32: Self.u32(directory, p + 16),
                compressedSize: Int(Self.u32(directory, p + 20)), uncompressedSize: Int(Self.u32(directory, p + 24)),
                localHeaderOffset: Int(Self.u32(directory, p + 42)))
            p += 46 + nameLength + extraLength + commentLength
        }
    }

    func read(at offset: Int, count: Int, into buffer: UnsafeMutablePointer<UInt8>) throws {
        guard offset >= 0, count >= 0, offset + count <= fileSize else {
            throw Damage(reason: "is truncated (the zip directory points past the end of the file)")
        }
        var done = 0
        while done < count {
            let n = pread(descriptor, buffer + done, count - done, off_t(offset + done))
            guard n > 0 else { throw Damage(reason: "cannot be read past byte \(offset + done)") }
            done += n
        }
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }

    /// A pull stream of an entry's bytes.
    public func stream(_ entry: Entry) throws -> EntryStream { try EntryStream(archive: self, entry: entry) }

    /// The most of a small part read whole: a workbook's list of sheets and styles are a few
    /// kilobytes; a larger one is a damaged (or hostile) file, not memory to spend.
    static let maximumPartBytes = 16 << 20

    /// An entry's whole bytes (the small parts of a workbook: its list of sheets, styles).
    public func contents(of entry: Entry) throws -> [UInt8] {
        let stream = try stream(entry)
        var out: [UInt8] = []
        // The directory's size is the file's word, not a fact: a forged 4 GB is not reserved.
        out.reserveCapacity(min(entry.uncompressedSize, 1 << 16))
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
        defer { chunk.deallocate() }
        while true {
            let n = try stream.read(into: chunk, capacity: 1 << 16)
            if n == 0 { break }
            guard out.count + n <= Self.maximumPartBytes else {
                throw Damage(reason: "is corrupt (its part \(entry.name) is over \(Self.maximumPartBytes >> 20) MB)")
            }
            out.append(contentsOf: UnsafeBufferPointer(start: chunk, count: n))
        }
        return out
    }
}

/// An entry's bytes, inflated on demand; checks the CRC-32 at the end, so a damaged sheet is
/// refused rather than read as other data.
public final class EntryStream {
    private let archive: ZipArchive
    private let entry: ZipArchive.Entry
    private let z: UnsafeMutablePointer<z_stream>
    /// Compressed bytes, read a chunk at a time; its address never changes (zlib keeps it).
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity: Int
    private var streamEnded = false
    private var nextInput: Int
    private let inputEnd: Int
    private var crc: UInt = 0
    private var produced = 0
    private var finished = false
    /// Compressed bytes read so far (for progress).
    public private(set) var bytesRead = 0
    /// The entry's size inflated, as the directory gives it (checked at the end).
    var expectedSize: Int { entry.uncompressedSize }
    private static let inputChunk = 1 << 18

    init(archive: ZipArchive, entry: ZipArchive.Entry) throws {
        self.archive = archive
        self.entry = entry
        guard entry.flags & 1 == 0 else {
            throw ZipArchive.Damage(reason: "is encrypted; save it without a password (or as CSV) and import that")
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw ZipArchive.Damage(reason: "uses zip compression method \(entry.method), which callops does not read; save it again from Excel, WPS or LibreOffice")
        }
        let header = try archive.read(at: entry.localHeaderOffset, count: 30)
        guard ZipArchive.u32(header, 0) == 0x0403_4B50 else { throw ZipArchive.Damage(reason: "is corrupt (\(entry.name) has no local header)") }
        nextInput = entry.localHeaderOffset + 30 + Int(ZipArchive.u16(header, 26)) + Int(ZipArchive.u16(header, 28))
        inputEnd = nextInput + entry.compressedSize
        guard inputEnd <= archive.fileSize else { throw ZipArchive.Damage(reason: "is truncated (\(entry.name) runs past the end of the file)") }
        // A part's compressed bytes are read a chunk at a time, no larger than the part.
        inputCapacity = max(1, min(Self.inputChunk, entry.compressedSize))
        input = .allocate(capacity: inputCapacity)
        z = .allocate(capacity: 1)
        z.initialize(to: z_stream())
        if entry.method == 8 {
            guard inflateInit2_(z, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                z.deallocate()
                input.deallocate()
                throw ZipArchive.Damage(reason: "cannot be inflated (zlib refused to start)")
            }
        }
    }

    deinit {
        if entry.method == 8 { inflateEnd(z) }
        z.deallocate()
        input.deallocate()
    }

    /// Fills up to `capacity` bytes; 0 at the end of the entry.
    public func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        if finished { return 0 }
        var n = 0
        if entry.method == 0 {
            n = min(capacity, inputEnd - nextInput)
            if n == 0 { return try finish() }
            let bytes = try archive.read(at: nextInput, count: n)
            bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: n) }
            nextInput += n
            bytesRead += n
        } else {
            if streamEnded { return try finish() }
            z.pointee.next_out = buffer
            z.pointee.avail_out = UInt32(capacity)
            while z.pointee.avail_out > 0 {
                if z.pointee.avail_in == 0 {
                    let count = min(inputCapacity, inputEnd - nextInput)
                    guard count > 0 else {
                        throw ZipArchive.Damage(reason: "is truncated or corrupt (\(entry.name) ends before its data does)")
                    }
                    try archive.read(at: nextInput, count: count, into: input)
                    nextInput += count
                    bytesRead += count
                    z.pointee.next_in = input
                    z.pointee.avail_in = UInt32(count)
                }
                let status = inflate(z, Z_NO_FLUSH)
                if status == Z_STREAM_END {
                    streamEnded = true
                    break
                }
                guard status == Z_OK || status == Z_BUF_ERROR else {
                    throw ZipArchive.Damage(reason: "is corrupt (\(entry.name): zlib error \(status))")
                }
            }
            n = capacity - Int(z.pointee.avail_out)
            if n == 0 { return try finish() }
        }
        crc = crc32(crc, buffer, UInt32(n))
        produced += n
        return n
    }

    private func finish() throws -> Int {
        finished = true
        guard UInt32(truncatingIfNeeded: crc) == entry.crc32, produced == entry.uncompressedSize else {
            throw ZipArchive.Damage(reason: "is corrupt (\(entry.name) fails its CRC check)")
        }
        return 0
    }
}
