import Foundation

/// A workbook's shared strings, all in one byte buffer, read from the part through a bounded
/// window: each string keeps at most `FieldSink.fieldByteCap` bytes and counts the Unicode
/// scalars it left out, so a 300 MB string costs no more memory than a 4 KB one and the cell
/// that names it is still refused for its length (`CSVRecord.overlongField`). The table as a
/// whole is bounded too (`Limits`): a part of millions of empty strings (`<si/>` deflates a
/// thousand to one) cost 8 bytes each without end; now 4 each, up to `Limits.count` strings and
/// `Limits.bytes` of kept text, past which the workbook is refused naming the part.
struct SharedStrings {
    /// How much of a shared strings part is read: at most 64 MB of string ends and 256 MB of
    /// text, far more than a sheet of 1,048,576 rows (Excel's most) of names and addresses needs.
    struct Limits {
        var count: Int
        var bytes: Int
        static let standard = Limits(count: 16_000_000, bytes: 256 << 20)
    }

    private var bytes: [UInt8] = []
    /// Where each string ends in `bytes` (32 bits: `Limits.bytes` stays under 4 GB).
    private var ends: [UInt32] = []
    /// The scalars left out of each cut string, by index.
    private var leftOut: [Int: Int] = [:]

    init() {}

    /// Reads the part named `part` from `stream`.
    /// - Throws: `ZipArchive.Damage` for a tag over 4 MB, or a part past `limits`.
    init(stream: EntryStream, part: String, limits: Limits = .standard) throws {
        let maximumBytes = min(limits.bytes, Int(UInt32.max))
        let window = XMLWindow(stream: stream)
        var sink = FieldSink(FieldBuffer(byteCapacity: 256, endCapacity: 1))
        while try window.nextTag() {
            let open = window.start
            guard window.matches("<si", at: open), window.endsName(at: open + 3) else {
                window.start = open + 1
                continue
            }
            // A start tag cut off at the end of the part (`<si ` and nothing after): no text.
            guard let tagEnd = try window.tagEnd("is corrupt (its shared strings have a tag over 4 MB)") else { break }
            let closes = window.selfClosing(tagEnd)
            window.start = tagEnd + 1
            sink.removeAll()
            // A string cut off at the end of the part keeps the text it has.
            if !closes { _ = try window.collectText(until: "</si>", into: &sink) }
            guard ends.count < limits.count else {
                throw ZipArchive.Damage(reason: "has too many shared strings to read: its part \(Quoted.path(part)) holds over \(limits.count) strings; save the sheet as CSV")
            }
            guard bytes.count + sink.written.count <= maximumBytes else {
                throw ZipArchive.Damage(reason: "has too much shared text to read: its part \(Quoted.path(part)) holds over \(XLSXReader.megabytes(maximumBytes)) of strings; save the sheet as CSV")
            }
            bytes.append(contentsOf: sink.written)
            if let cut = sink.cut { leftOut[ends.count] = cut.scalarsLeftOut }
            ends.append(UInt32(bytes.count))
        }
    }

    /// String `index`'s kept bytes and the scalars left out of it, or nil past the last.
    subscript(index: Int) -> (text: ArraySlice<UInt8>, scalarsLeftOut: Int)? {
        guard index >= 0 && index < ends.count else { return nil }
        return (bytes[(index == 0 ? 0 : Int(ends[index - 1]))..<Int(ends[index])], leftOut.isEmpty ? 0 : leftOut[index] ?? 0)
    }

    var count: Int { ends.count }
}

/// Excel's serial dates: days since 1899-12-30 (1900 system, after its phantom 1900-02-29) or
/// since 1904-01-01 (the 1904 system), the fraction the time of day.
enum ExcelDate {
    static func iso(serial: Double, kind: XLSXReader.DateStyle, date1904: Bool) -> String {
        // Past Excel's last day (9999-12-31) or not finite: the number, never a trapping Int(serial).
        guard serial.isFinite, (0...2_958_466).contains(serial) else { return String(serial) }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 { days += 1; seconds -= 86_400 }
        // 1900 system: serial 1 is 1900-01-01 and serial 60 the 29 February 1900 that never was,
        // so from serial 61 on day 0 is 1899-12-30 (25,569 days before 1970-01-01).
        let sinceEpoch = date1904 ? days - 24_107 : days - (days < 61 ? 25_568 : 25_569)
        let (y, m, d) = civil(fromDays: sinceEpoch)
        let date = String(format: "%04d-%02d-%02d", y, m, d)
        let time = String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        switch kind {
        case .date: return seconds == 0 ? date : date + "T" + time
        case .dateTime: return date + "T" + time
        case .time: return days == 0 ? time : date + "T" + time
        case .none: return date
        }
    }

    /// (year, month, day) of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// A number as the sheet's XML writes it, turned into plain decimal digits by moving the point,
/// never through a Double: `1.38001380000E10` → `13800138000`, `2.5E-3` → `0.0025`.
enum ExcelNumber {
    static func appendPlain(_ raw: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        // Most numbers (phones, ages, amounts) are plain integers: nothing to move.
        if !raw.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") }) {
            out.append(contentsOf: raw)
            return
        }
        var negative = false
        var digits: [UInt8] = []
        var pointAt: Int?
        var exponent = 0
        var i = 0
        let n = raw.count
        if i < n && (raw[i] == UInt8(ascii: "-") || raw[i] == UInt8(ascii: "+")) { negative = raw[i] == UInt8(ascii: "-"); i += 1 }
        while i < n {
            let b = raw[i]
            if b >= 48 && b <= 57 { digits.append(b) } else if b == UInt8(ascii: ".") && pointAt == nil { pointAt = digits.count } else { break }
            i += 1
        }
        if i < n && (raw[i] == UInt8(ascii: "E") || raw[i] == UInt8(ascii: "e")) {
            i += 1
            var expNegative = false
            if i < n && (raw[i] == UInt8(ascii: "-") || raw[i] == UInt8(ascii: "+")) { expNegative = raw[i] == UInt8(ascii: "-"); i += 1 }
            var e = 0
            while i < n, raw[i] >= 48, raw[i] <= 57, e < 10_000 { e = e * 10 + Int(raw[i] - 48); i += 1 }
            exponent = expNegative ? -e : e
        }
        // Not a number we understand (or nothing but a plain integer): keep it as written.
        guard i == n, !digits.isEmpty, pointAt != nil || exponent != 0 else {
            out.append(contentsOf: raw)
            return
        }
        var point = (pointAt ?? digits.count) + exponent
        // Drop leading zeros of the integer part, then pad so the point falls inside the digits.
        while digits.count > 1 && digits[0] == 48 && point > 1 { digits.removeFirst(); point -= 1 }
        if point <= 0 {
            digits.insert(contentsOf: repeatElement(48, count: 1 - point), at: 0)
            point = 1
        }
        if point > digits.count { digits.append(contentsOf: repeatElement(48, count: point - digits.count)) }
        var integer = Array(digits[0..<point])
        var fraction = Array(digits[point...])
        while let last = fraction.last, last == 48 { fraction.removeLast() }
        while integer.count > 1 && integer[0] == 48 { integer.removeFirst() }
        let zero = integer.allSatisfy { $0 == 48 } && fraction.isEmpty
        if negative && !zero { out.append(UInt8(ascii: "-")) }
        out.append(contentsOf: integer)
        if !fraction.isEmpty {
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: fraction)
        }
    }
}
