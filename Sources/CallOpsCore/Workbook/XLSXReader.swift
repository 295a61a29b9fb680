import Foundation

/// A streaming reader of one sheet of an xlsx workbook, giving the same records as `CSVReader`
/// (SPEC section 5): the sheet's rows in order, empty rows skipped, each cell in the column its
/// reference (`D7`) names, cells missing at the end of a row empty up to the first non-empty
/// row's width. Shared and inline strings are text, booleans `TRUE`/`FALSE`, numbers their exact
/// decimal digits (`1.38001380000E10` is `13800138000`, never rounded through a Double), and
/// numbers in a date format ISO dates (`2026-11-23`, or `2026-11-23T10:15:00` with a time).
///
/// The sheet's XML is inflated a megabyte at a time and scanned byte by byte for `<row>` and
/// `<c>` elements (a pull scanner of its own: Foundation's XMLParser calls back per element and
/// builds Strings for every name and attribute). The shared strings live in one byte buffer.
public struct XLSXReader {
    /// The sheets of the workbook, in the workbook's order.
    public let sheetNames: [String]
    /// The sheet being read.
    public let sheetName: String
    private let stream: EntryStream
    private let strings: SharedStrings
    /// Per style index: whether its number format shows a date or a time.
    private let dateStyles: [DateStyle]
    private let date1904: Bool
    private var window: UnsafeMutablePointer<UInt8>
    private var capacity = 1 << 20
    private var start = 0
    private var end = 0
    private var inputDone = false
    private var inSheetData = false
    private var sheetDone = false
    private var rowNumber = 0
    /// The first non-empty row's field count: shorter rows are padded to it.
    private var width = 0
    private var buffer = FieldBuffer(byteCapacity: 1024, endCapacity: 32)
    private let keeper: WindowKeeper

    enum DateStyle { case none, date, dateTime, time }

    /// Opens `path` at its first sheet, or the sheet named `sheet`.
    /// - Throws: `CallOpsError.badFile` naming the file and what is wrong (truncated, corrupt,
    ///   encrypted, no such sheet).
    public init(path: String, sheet: String? = nil) throws {
        let file = (path as NSString).lastPathComponent
        do {
            let archive = try ZipArchive(path: path)
            func entry(_ name: String) -> ZipArchive.Entry? { archive.entries[name] }
            guard let workbookEntry = entry("xl/workbook.xml") else {
                throw ZipArchive.Damage(reason: "is a zip file but not an xlsx workbook (no xl/workbook.xml)")
            }
            let workbook = try archive.contents(of: workbookEntry)
            let relations = try entry("xl/_rels/workbook.xml.rels").map { try archive.contents(of: $0) } ?? []
            var targets: [String: (type: String, target: String)] = [:]
            for tag in XMLScan.tags(named: "Relationship", in: relations) {
                if let id = tag["Id"], let target = tag["Target"] { targets[id] = (tag["Type"] ?? "", Self.resolve(target)) }
            }
            var sheets: [(name: String, path: String)] = []
            for tag in XMLScan.tags(named: "sheet", in: workbook) {
                guard let name = tag["name"], let id = tag.value(suffix: ":id"), let target = targets[id] else { continue }
                sheets.append((name, target.target))
            }
            date1904 = XMLScan.tags(named: "workbookPr", in: workbook).first.map { ["1", "true"].contains($0["date1904"] ?? "") } ?? false
            sheetNames = sheets.map(\.name)
            let chosen: (name: String, path: String)
            if let sheet {
                guard let found = sheets.first(where: { $0.name == sheet }) else {
                    throw CallOpsError.badFile(file: file, message: "has no sheet \"\(sheet)\"; its sheets are \(sheetNames.map { "\"\($0)\"" }.joined(separator: ", "))")
                }
                chosen = found
            } else {
                guard let first = sheets.first else { throw ZipArchive.Damage(reason: "has no sheets") }
                chosen = first
            }
            sheetName = chosen.name
            guard let sheetEntry = entry(chosen.path) else { throw ZipArchive.Damage(reason: "is corrupt (sheet \"\(chosen.name)\" is missing)") }
            let sharedPath = targets.values.first { $0.type.hasSuffix("/sharedStrings") }?.target ?? "xl/sharedStrings.xml"
            strings = try entry(sharedPath).map { SharedStrings(xml: try archive.contents(of: $0)) } ?? SharedStrings(xml: [])
            let stylesPath = targets.values.first { $0.type.hasSuffix("/styles") }?.target ?? "xl/styles.xml"
            dateStyles = try entry(stylesPath).map { Self.dateStyles(xml: try archive.contents(of: $0)) } ?? []
            stream = try archive.stream(sheetEntry)
        } catch let damage as ZipArchive.Damage {
            throw CallOpsError.badFile(file: file, message: damage.reason)
        }
        window = .allocate(capacity: capacity)
        keeper = WindowKeeper()
        keeper.pointer = window
        self.file = file
    }

    private let file: String

    /// `xl/worksheets/sheet1.xml` from a relationship's target (relative to `xl/`, or absolute).
    static func resolve(_ target: String) -> String {
        target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }

    /// Compressed bytes read so far, for progress.
    public var bytesRead: Int { stream.bytesRead }

    /// The next non-empty row, or nil at the end of the sheet.
    public mutating func next() throws -> CSVRecord? {
        do {
            while let (rowStart, rowEnd, line) = try nextRow() {
                if !isKnownUniquelyReferenced(&buffer) {
                    buffer = FieldBuffer(byteCapacity: buffer.byteCapacity, endCapacity: buffer.endCapacity)
                }
                var sink = FieldSink(buffer)
                try parseCells(from: rowStart, to: rowEnd, line: line, into: &sink)
                buffer = sink.buffer
                if sink.endCount == 0 { continue }
                if width == 0 { width = sink.endCount }
                while sink.endCount < width { sink.endField() }
                buffer = sink.buffer
                return CSVRecord(line: line, count: sink.endCount, buffer: sink.buffer, cut: sink.cut)
            }
            return nil
        } catch let damage as ZipArchive.Damage {
            throw CallOpsError.badFile(file: file, message: damage.reason)
        }
    }

    // MARK: - The sheet's rows

    private static let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), slash = UInt8(ascii: "/"), quote = UInt8(ascii: "\""),
        apostrophe = UInt8(ascii: "'")

    /// Reads more of the sheet, keeping the unparsed bytes from `start`; false at the end.
    private mutating func refill() throws -> Bool {
        if inputDone { return false }
        if start > 0 {
            (window).update(from: window + start, count: end - start)
            end -= start
            start = 0
        }
        if end == capacity {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: window, count: end)
            window.deallocate()
            window = larger
            keeper.pointer = larger
            capacity *= 2
        }
        let n = try stream.read(into: window + end, capacity: capacity - end)
        if n == 0 {
            inputDone = true
            return false
        }
        end += n
        return true
    }

    /// Index of the first `byte` in `from..<end`, or nil.
    @inline(__always) private func find(_ byte: UInt8, from: Int) -> Int? {
        guard from < end, let hit = memchr(window + from, Int32(byte), end - from) else { return nil }
        return window.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    @inline(__always) private func matches(_ text: StaticString, at i: Int) -> Bool {
        let n = text.utf8CodeUnitCount
        guard i + n <= end else { return false }
        return memcmp(window + i, text.utf8Start, n) == 0
    }

    /// Finds the next `<row>...</row>` whole in the window: its content's span and number.
    private mutating func nextRow() throws -> (Int, Int, Int)? {
        if sheetDone { return nil }
        while true {
            guard let open = find(Self.lt, from: start) else {
                start = end
                if try !refill() { return nil }
                continue
            }
            // Names are short: make sure the tag's head is in the window.
            if open + 16 > end && !inputDone {
                start = open
                if try refill() { continue }
            }
            if !inSheetData {
                if matches("<sheetData", at: open) {
                    inSheetData = true
                } else if matches("</worksheet", at: open) {
                    sheetDone = true
                    return nil
                }
                start = open + 1
                continue
            }
            if matches("</sheetData", at: open) {
                sheetDone = true
                return nil
            }
            guard matches("<row", at: open), open + 4 < end, Self.endsName(window[open + 4]) else {
                start = open + 1
                continue
            }
            // The whole row must be in the window: its end tag, or a self-closing start tag.
            guard let tagEnd = find(Self.gt, from: open) else {
                start = open
                if try !refill() { throw ZipArchive.Damage(reason: "is truncated (its sheet ends inside a row)") }
                continue
            }
            let attribute = rowAttribute(from: open + 4, to: tagEnd)
            // Rows are numbered 1 to 1,048,576, in order (the fuzzer's `r="0"` gave a line 0):
            // anything else is a damaged sheet, not a line number to put in a message; it is
            // named as written (`r="-5"` was read as 5, `r="99999999999"` as 999999999).
            guard let number = attribute.map({ $0.number }) ?? rowNumber + 1, number > rowNumber, number <= 1_048_576 else {
                throw ZipArchive.Damage(reason: "is corrupt (row number \(Self.shown(attribute?.written ?? "")) after row \(rowNumber); rows go from 1 to 1,048,576 in order)")
            }
            if window[tagEnd - 1] == Self.slash {
                rowNumber = number
                start = tagEnd + 1
                continue
            }
            if let close = findRowEnd(from: tagEnd + 1) {
                rowNumber = number
                start = close + 6
                return (tagEnd + 1, close, number)
            }
            // The row runs past the window: read on and look at it again from its start.
            start = open
            if try !refill() { throw ZipArchive.Damage(reason: "is truncated (its sheet ends inside row \(number))") }
        }
    }

    /// Whether `byte` ends an element's name (`<c r=...`, `<c>`, `<c/>`).
    @inline(__always) private static func endsName(_ byte: UInt8) -> Bool {
        byte == gt || byte == 32 || byte == slash || byte == 9 || byte == 10 || byte == 13
    }

    /// The `r` attribute of a row's start tag (its number), read in place.
    /// The row's `r` attribute: nil without one, else its value as written and the number when
    /// it is plain digits from 1 to 1,048,576 (`-5`, `0` and `99999999999` are not).
    private func rowAttribute(from: Int, to: Int) -> (written: String, number: Int?)? {
        var i = from
        while i + 3 < to {
            if (window[i] == 32 || window[i] == 9 || window[i] == 10 || window[i] == 13) && window[i + 1] == UInt8(ascii: "r")
                && window[i + 2] == UInt8(ascii: "=") && (window[i + 3] == Self.quote || window[i + 3] == Self.apostrophe) {
                let quote = window[i + 3]
                var j = i + 4
                while j < to, window[j] != quote { j += 1 }
                let written = String(decoding: UnsafeBufferPointer(start: window + i + 4, count: j - i - 4), as: UTF8.self)
                return (written, Self.wholeNumber(written, upTo: 1_048_576))
            }
            i += 1
        }
        return nil
    }

    /// `text` as a whole number from 0 to `maximum` when it is nothing but ASCII digits.
    static func wholeNumber(_ text: String, upTo maximum: Int) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(text), value <= maximum else { return nil }
        return value
    }

    /// A value from the sheet for a message: as written, cut to 40 characters.
    static func shown(_ text: String) -> String {
        text.count > 40 ? "\"" + text.prefix(40) + "…\"" : "\"" + text + "\""
    }

    private func findRowEnd(from: Int) -> Int? {
        var i = from
        while let open = find(Self.lt, from: i) {
            if matches("</row>", at: open) { return open }
            i = open + 1
        }
        return nil
    }

    /// Excel's columns: A to XFD.
    private static let maximumColumns = 16_384
    /// More cell styles than any workbook holds (Excel's limit is 64,000).
    private static let maximumStyles = 1_000_000

    /// Writes the cells of the row's content `from..<to` into `sink`, each in its column.
    private func parseCells(from: Int, to: Int, line: Int, into sink: inout FieldSink) throws {
        var i = from
        var column = -1
        var scratch: [UInt8] = []
        while i < to, let open = find(Self.lt, from: i), open + 2 < to {
            let next = window[open + 1]
            guard next == UInt8(ascii: "c"), Self.endsName(window[open + 2]) else {
                i = open + 1
                continue
            }
            guard let tagEnd = find(Self.gt, from: open), tagEnd < to else { throw ZipArchive.Damage(reason: "is corrupt (row \(line) has a broken cell)") }
            var reference: Int?
            var type = UInt8(ascii: "n"), typeSecond: UInt8 = 0
            var style = 0
            // Columns run from A to XFD (16,384) and style indexes are small: the fuzzer's
            // `CUUUUUUU1` padded a row to billions of fields, and longer ones overflowed.
            var outOfRange = false
            XMLScan.attributes(UnsafeBufferPointer(start: window + open + 2, count: tagEnd - open - 2)) { name, value in
                if name.count == 1 && name[0] == UInt8(ascii: "r") {
                    var col = 0
                    for b in value {
                        guard b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") else { break }
                        col = col * 26 + Int(b - UInt8(ascii: "A")) + 1
                        if col > Self.maximumColumns { outOfRange = true; break }
                    }
                    if col > 0 { reference = col - 1 }
                } else if name.count == 1 && name[0] == UInt8(ascii: "t") {
                    type = value.first ?? UInt8(ascii: "n")
                    typeSecond = value.count > 1 ? value[1] : 0
                } else if name.count == 1 && name[0] == UInt8(ascii: "s") {
                    var s = 0
                    for b in value where b >= 48 && b <= 57 {
                        s = s * 10 + Int(b - 48)
                        if s > Self.maximumStyles { outOfRange = true; break }
                    }
                    style = s
                }
            }
            if outOfRange {
                throw ZipArchive.Damage(reason: "is corrupt (row \(line) has a cell past column XFD or with a style index out of range)")
            }
            let cellColumn = reference ?? column + 1
            guard cellColumn > column else { throw ZipArchive.Damage(reason: "is corrupt (row \(line) has its cells out of order)") }
            column = cellColumn
            if window[tagEnd - 1] == Self.slash {
                i = tagEnd + 1
                continue
            }
            // The cell's content runs to `</c>`.
            var close = tagEnd + 1
            while true {
                guard let lt = find(Self.lt, from: close), lt < to else { throw ZipArchive.Damage(reason: "is corrupt (row \(line) has an unclosed cell)") }
                if matches("</c>", at: lt) { close = lt; break }
                close = lt + 1
            }
            i = close + 4
            scratch.removeAll(keepingCapacity: true)
            let isInline = type == UInt8(ascii: "i")
            if isInline {
                collectText(from: tagEnd + 1, to: close, into: &scratch)
            } else if let value = elementText("<v", from: tagEnd + 1, to: close) {
                switch (type, typeSecond) {
                case (UInt8(ascii: "s"), 0):
                    // Plain digits only: `-1` was read as string 1, and a 20-digit index was
                    // reported as 2147483647; both are named as written.
                    let written = String(decoding: UnsafeBufferPointer(start: window + value.lowerBound, count: value.count), as: UTF8.self)
                    guard let index = Self.wholeNumber(written, upTo: Int(Int32.max)), let text = strings[index] else {
                        throw ZipArchive.Damage(reason: "is corrupt (row \(line) names shared string \(Self.shown(written)), which is missing)")
                    }
                    scratch.append(contentsOf: text)
                case (UInt8(ascii: "b"), _):
                    scratch.append(contentsOf: window[value.lowerBound] == UInt8(ascii: "1") ? Array("TRUE".utf8) : Array("FALSE".utf8))
                case (UInt8(ascii: "n"), _):
                    let raw = UnsafeBufferPointer(start: window + value.lowerBound, count: value.count)
                    let kind = style < dateStyles.count ? dateStyles[style] : .none
                    // A date serial beyond Excel's last day (9999-12-31, 2,958,465) or not finite
                    // stays the number written: Int(serial) would trap on 1e300.
                    if kind != .none, let serial = Double(String(decoding: raw, as: UTF8.self)), serial.isFinite, (0...2_958_466).contains(serial) {
                        scratch.append(contentsOf: ExcelDate.iso(serial: serial, kind: kind, date1904: date1904).utf8)
                    } else {
                        ExcelNumber.appendPlain(raw, to: &scratch)
                    }
                default:
                    // `str` (a formula's text), `e` (an error such as #N/A), `d` (an ISO date).
                    XMLScan.unescape(UnsafeBufferPointer(start: window + value.lowerBound, count: value.count), into: &scratch)
                }
            }
            if scratch.isEmpty { continue }
            while sink.endCount < cellColumn { sink.endField() }
            scratch.withUnsafeBufferPointer { sink.append($0.baseAddress, $0.count) }
            sink.endField()
        }
    }

    /// The text span of the first `<v>` (or other element named `tag`) in `from..<to`.
    private func elementText(_ tag: StaticString, from: Int, to: Int) -> Range<Int>? {
        var i = from
        while let open = find(Self.lt, from: i), open < to {
            if matches(tag, at: open), let tagEnd = find(Self.gt, from: open), tagEnd < to {
                let after = window[open + tag.utf8CodeUnitCount]
                if after == Self.gt || after == UInt8(ascii: " ") || after == Self.slash {
                    if window[tagEnd - 1] == Self.slash { return nil }
                    guard let close = find(Self.lt, from: tagEnd + 1), close <= to else { return nil }
                    return (tagEnd + 1)..<close
                }
            }
            i = open + 1
        }
        return nil
    }

    /// The concatenated `<t>` texts of an inline string, phonetic runs (`<rPh>`) left out.
    private func collectText(from: Int, to: Int, into out: inout [UInt8]) {
        XMLScan.collectText(UnsafeBufferPointer(start: window + from, count: to - from), into: &out)
    }

    // MARK: - Styles

    /// Which cell styles show dates: the built-in date formats and custom ones with d, m, y, h or s.
    static func dateStyles(xml: [UInt8]) -> [DateStyle] {
        var custom: [Int: DateStyle] = [:]
        for tag in XMLScan.tags(named: "numFmt", in: xml) {
            if let id = tag["numFmtId"].flatMap({ Int($0) }), let code = tag["formatCode"] { custom[id] = classify(code) }
        }
        // Only the `<xf>` inside `<cellXfs>` number the cells' `s` attribute.
        guard let section = XMLScan.section("cellXfs", in: xml) else { return [] }
        return XMLScan.tags(named: "xf", in: Array(section)).map { tag in
            let id = tag["numFmtId"].flatMap { Int($0) } ?? 0
            if let kind = custom[id] { return kind }
            switch id {
            case 14...17, 27...31, 34...36, 50...58: return .date
            case 22: return .dateTime
            case 18...21, 32, 33, 45...47: return .time
            default: return .none
            }
        }
    }

    /// A custom number format's kind: text in quotes, `[...]` and escaped characters ignored.
    static func classify(_ code: String) -> DateStyle {
        var plain = ""
        var inQuotes = false, inBrackets = false, escaped = false
        for ch in code {
            if escaped { escaped = false; continue }
            switch ch {
            case "\\": escaped = true
            case "\"": inQuotes.toggle()
            case "[" where !inQuotes: inBrackets = true
            case "]" where !inQuotes: inBrackets = false
            default: if !inQuotes && !inBrackets { plain.append(ch) }
            }
        }
        let lower = plain.lowercased()
        if lower == "general" { return .none }
        let hasDate = lower.contains("y") || lower.contains("d") || (lower.contains("m") && !lower.contains("h") && !lower.contains("s"))
        let hasTime = lower.contains("h") || lower.contains("s")
        switch (hasDate, hasTime) {
        case (true, true): return .dateTime
        case (true, false): return .date
        case (false, true): return .time
        default: return .none
        }
    }
}

/// Frees the sheet's window when the last copy of a reader goes.
final class WindowKeeper {
    var pointer: UnsafeMutablePointer<UInt8>?
    deinit { pointer?.deallocate() }
}
