import Foundation

/// A bounded window over one part of a workbook (a sheet, the shared strings), inflated a
/// megabyte at a time and scanned in place, tag by tag. Text between tags is streamed out of
/// the window (into a `FieldSink`, which keeps at most its field cap and counts the rest) or
/// skipped, never gathered, so a 300 MB cell costs what a 4 KB one does. Only a single tag must
/// fit, and the window grows to hold one up to `maximumCapacity`; a longer tag is refused.
///
/// Positions are indexes into `bytes`; `refill` moves the unread bytes (from `start`) to the
/// front, so a caller keeps what it still needs at or after `start` and reads positions again
/// after any call that may refill.
final class XMLWindow {
    private let stream: EntryStream
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private var capacity = 1 << 20
    /// The unread bytes are `start..<end`.
    var start = 0
    private(set) var end = 0
    private(set) var inputDone = false
    /// The most the window grows to hold one tag (a real workbook's longest are a few hundred bytes).
    static let maximumCapacity = 4 << 20
    private var unescaped: [UInt8] = []

    init(stream: EntryStream) {
        self.stream = stream
        // A small part (most shared strings) gets a small window; the size is the archive's
        // word, checked against what inflates when the part ends.
        capacity = max(4096, min(capacity, stream.expectedSize + 16))
        bytes = .allocate(capacity: capacity)
    }

    deinit { bytes.deallocate() }

    /// Compressed bytes read so far, for progress.
    var bytesRead: Int { stream.bytesRead }

    static let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), slash = UInt8(ascii: "/"), amp = UInt8(ascii: "&")

    /// Reads more of the part after the unread bytes; false at its end. Throws `tooLong` when the
    /// window is full of unread bytes at its largest (one tag longer than `maximumCapacity`).
    func refill(_ tooLong: @autoclosure () -> String) throws -> Bool {
        if inputDone { return false }
        if start > 0 {
            bytes.update(from: bytes + start, count: end - start)
            end -= start
            start = 0
        }
        if end == capacity {
            guard capacity < Self.maximumCapacity else { throw ZipArchive.Damage(reason: tooLong()) }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: bytes, count: end)
            bytes.deallocate()
            bytes = larger
            capacity *= 2
        }
        let n = try stream.read(into: bytes + end, capacity: capacity - end)
        if n == 0 {
            inputDone = true
            return false
        }
        end += n
        return true
    }

    /// Index of the first `byte` in `from..<end`, or nil.
    @inline(__always) func find(_ byte: UInt8, from: Int) -> Int? {
        guard from < end, let hit = memchr(bytes + from, Int32(byte), end - from) else { return nil }
        return bytes.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    @inline(__always) func matches(_ text: StaticString, at i: Int) -> Bool {
        let n = text.utf8CodeUnitCount
        guard i >= 0, i + n <= end else { return false }
        return memcmp(bytes + i, text.utf8Start, n) == 0
    }

    /// Whether the byte at `i` ends an element's name (`<c r=...`, `<c>`, `<c/>`); false past the end.
    @inline(__always) func endsName(at i: Int) -> Bool {
        guard i < end else { return false }
        let byte = bytes[i]
        return byte == Self.gt || byte == 32 || byte == Self.slash || byte == 9 || byte == 10 || byte == 13
    }

    /// Moves `start` to the next `<`, skipping the text before it, with at least 16 bytes of the
    /// tag in the window (names are short); false at the end of the part.
    func nextTag() throws -> Bool {
        while true {
            guard let open = find(Self.lt, from: start) else {
                start = end
                if try !refill("") { return false }
                continue
            }
            start = open
            if open + 16 > end && !inputDone {
                _ = try refill("")
            }
            return true
        }
    }

    /// The index of the `>` ending the tag at `start`, reading on as needed; nil when the part
    /// ends first. `what` names the tag for the message when it is longer than the window allows.
    func tagEnd(_ what: @autoclosure () -> String) throws -> Int? {
        var from = start
        while true {
            if let close = find(Self.gt, from: from) { return close }
            from = end - start
            if try !refill(what()) { return nil }
        }
    }

    /// Whether the tag ending at `tagEnd` closes itself (`<t/>`).
    @inline(__always) func selfClosing(_ tagEnd: Int) -> Bool { tagEnd > start && bytes[tagEnd - 1] == Self.slash }

    /// Streams the text from `start` to the next `<` (or the end of the part) into `sink`, its
    /// entities replaced, and leaves `start` at that `<`.
    func text(into sink: inout FieldSink) throws {
        while true {
            if let lt = find(Self.lt, from: start) {
                feed(start, lt, into: &sink)
                start = lt
                return
            }
            // An entity cut off at the window's end waits for the rest of it.
            var upTo = end
            var i = end - 1
            while i >= start && i >= end - 12 {
                if bytes[i] == UInt8(ascii: ";") { break }
                if bytes[i] == Self.amp { upTo = i; break }
                i -= 1
            }
            feed(start, upTo, into: &sink)
            start = upTo
            if try !refill("") {
                feed(start, end, into: &sink)
                start = end
                return
            }
        }
    }

    private func feed(_ from: Int, _ to: Int, into sink: inout FieldSink) {
        guard to > from else { return }
        if memchr(bytes + from, Int32(Self.amp), to - from) == nil {
            sink.append(bytes + from, to - from)
            return
        }
        unescaped.removeAll(keepingCapacity: true)
        XMLScan.unescape(UnsafeBufferPointer(start: bytes + from, count: to - from), into: &unescaped)
        unescaped.withUnsafeBufferPointer { sink.append($0.baseAddress, $0.count) }
    }

    /// Skips from `start` past the next `</NAME` whose start `close` gives (`</rPh`); false when
    /// the part ends first.
    func skip(to close: StaticString) throws -> Bool {
        while try nextTag() {
            if matches(close, at: start) {
                start += close.utf8CodeUnitCount
                return true
            }
            start += 1
        }
        return false
    }

    /// The text of the `<t>` elements from `start` up to the end tag `close` (`</si`, `</c>`),
    /// phonetic runs (`<rPh>...</rPh>`) left out, into `sink`; `start` is left after `close`.
    /// False when the part ends first, or a row ends first (`start` left at its `</row`), so a
    /// cell left open never runs on into the next row.
    func collectText(until close: StaticString, into sink: inout FieldSink) throws -> Bool {
        while try nextTag() {
            let open = start
            if matches(close, at: open) {
                start = open + close.utf8CodeUnitCount
                return true
            }
            if matches("</row", at: open) { return false }
            if matches("<t", at: open) && endsName(at: open + 2) {
                guard let tagEnd = try tagEnd("has a text tag over 4 MB") else { return false }
                let closes = selfClosing(tagEnd)
                start = tagEnd + 1
                if !closes { try text(into: &sink) }
            } else if matches("<rPh", at: open) && endsName(at: open + 4) {
                if try !skip(to: "</rPh") { return false }
            } else {
                start = open + 1
            }
        }
        return false
    }
}
