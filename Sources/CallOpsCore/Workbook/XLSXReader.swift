import Foundation

/// A streaming reader of one sheet of an xlsx workbook, giving the same records as `CSVReader`
/// (SPEC section 5): the sheet's rows in order, empty rows skipped, each cell in the column its
/// reference (`D7`) names, cells missing at the end of a row empty up to the first non-empty
/// row's width. Shared and inline strings are text, booleans `TRUE`/`FALSE`, numbers their exact
/// decimal digits (`1.38001380000E10` is `13800138000`, never rounded through a Double), and
/// numbers in a date format ISO dates (`2026-11-23`, or `2026-11-23T10:15:00` with a time).
///
/// The sheet's XML is inflated a megabyte at a time into a bounded window (`XMLWindow`) and
/// scanned tag by tag for `<row>` and `<c>` elements (a pull scanner of its own: Foundation's
/// XMLParser calls back per element and builds Strings for every name and attribute). A cell's
/// text streams through a `FieldSink` that keeps `FieldSink.fieldByteCap` bytes and counts the
/// rest, as the CSV reader does, so memory stays bounded whatever the cells hold: an overlong
/// cell comes out cut and marked, for the importers to reject by name, and a row holding more
/// than `maximumRowBytes` is refused naming it. The shared strings live in one byte buffer.
public struct XLSXReader {
    /// The sheets of the workbook, in the workbook's order.
    public let sheetNames: [String]
    /// The sheet being read.
    public let sheetName: String
    private let window: XMLWindow
    private let strings: SharedStrings
    /// Per style index: whether its number format shows a date or a time.
    private let dateStyles: [DateStyle]
    private let date1904: Bool
    private var inSheetData = false
    private var sheetDone = false
    private var rowNumber = 0
    /// The first non-empty row's field count: shorter rows are padded to it.
    private var width = 0
    private var buffer = FieldBuffer(byteCapacity: 1024, endCapacity: 32)
    /// One cell's text as read (capped), and its value as written out (a number's digits).
    private var cell = FieldSink(FieldBuffer(byteCapacity: 256, endCapacity: 1))
    private var scratch: [UInt8] = []
    private let rowLimit: Int

    enum DateStyle { case none, date, dateTime, time }

    /// Opens `path` at its first sheet, or the sheet named `sheet`.
    /// - Throws: `CallOpsError.badFile` naming the file and what is wrong (truncated, corrupt,
    ///   encrypted, no such sheet).
    public init(path: String, sheet: String? = nil) throws {
        try self.init(path: path, sheet: sheet, maximumRowBytes: Self.maximumRowBytes)
    }

    /// `maximumRowBytes` and `sharedStrings` let tests refuse a row or a shared strings part
    /// without writing 16 MB or millions of strings.
    init(path: String, sheet: String? = nil, maximumRowBytes: Int, sharedStrings limits: SharedStrings.Limits = .standard) throws {
        rowLimit = maximumRowBytes
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
            strings = try entry(sharedPath).map { try SharedStrings(stream: archive.stream($0), part: sharedPath, limits: limits) } ?? SharedStrings()
            let stylesPath = targets.values.first { $0.type.hasSuffix("/styles") }?.target ?? "xl/styles.xml"
            dateStyles = try entry(stylesPath).map { Self.dateStyles(xml: try archive.contents(of: $0)) } ?? []
            window = XMLWindow(stream: try archive.stream(sheetEntry))
        } catch let damage as ZipArchive.Damage {
            throw CallOpsError.badFile(file: file, message: damage.reason)
        }
        self.file = file
    }

    private let file: String

    /// `xl/worksheets/sheet1.xml` from a relationship's target (relative to `xl/`, or absolute).
    static func resolve(_ target: String) -> String {
        target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }

    /// Compressed bytes read so far, for progress.
    public var bytesRead: Int { window.bytesRead }

    /// The next non-empty row, or nil at the end of the sheet.
    public mutating func next() throws -> CSVRecord? {
        do {
            while let line = try openRow() {
                if !isKnownUniquelyReferenced(&buffer) {
                    buffer = FieldBuffer(byteCapacity: min(buffer.byteCapacity, 1 << 16), endCapacity: buffer.endCapacity)
                }
                var sink = FieldSink(buffer)
                try readCells(line: line, into: &sink)
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

    private static let slash = UInt8(ascii: "/"), quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'")

    /// The most cell text one row may hold (its cells cut at `FieldSink.fieldByteCap` each): far
    /// more than any real row, far less than memory. 16,384 cells of the cap would be 64 MB.
    static let maximumRowBytes = 16 << 20

    /// Reads to the start tag of the next row with content, past it; its number, or nil at the
    /// end of the sheet.
    private mutating func openRow() throws -> Int? {
        if sheetDone { return nil }
        while try window.nextTag() {
            let open = window.start
            if !inSheetData {
                if window.matches("<sheetData", at: open) {
                    inSheetData = true
                } else if window.matches("</worksheet", at: open) {
                    sheetDone = true
                    return nil
                }
                window.start = open + 1
                continue
            }
            if window.matches("</sheetData", at: open) {
                sheetDone = true
                return nil
            }
            guard window.matches("<row", at: open), window.endsName(at: open + 4) else {
                window.start = open + 1
                continue
            }
            guard let tagEnd = try window.tagEnd("is corrupt (a row's start tag after row \(rowNumber) is over 4 MB)") else {
                throw ZipArchive.Damage(reason: "is truncated (its sheet ends inside a row)")
            }
            let start = window.start
            let attribute = rowAttribute(from: start + 4, to: tagEnd)
            // Rows are numbered 1 to 1,048,576, in order (the fuzzer's `r="0"` gave a line 0):
            // anything else is a damaged sheet, not a line number to put in a message; it is
            // named as written (`r="-5"` was read as 5, `r="99999999999"` as 999999999).
            guard let number = attribute.map({ $0.number }) ?? rowNumber + 1, number > rowNumber, number <= 1_048_576 else {
                throw ZipArchive.Damage(reason: "is corrupt (row number \(Self.shown(attribute?.written ?? "")) after row \(rowNumber); rows go from 1 to 1,048,576 in order)")
            }
            rowNumber = number
            let closes = window.selfClosing(tagEnd)
            window.start = tagEnd + 1
            if !closes { return number }
        }
        return nil
    }

    /// The row's `r` attribute: nil without one, else its value as written and the number when
    /// it is plain digits from 1 to 1,048,576 (`-5`, `0` and `99999999999` are not).
    private func rowAttribute(from: Int, to: Int) -> (written: String, number: Int?)? {
        let w = window.bytes
        var i = from
        while i + 3 < to {
            if (w[i] == 32 || w[i] == 9 || w[i] == 10 || w[i] == 13) && w[i + 1] == UInt8(ascii: "r")
                && w[i + 2] == UInt8(ascii: "=") && (w[i + 3] == Self.quote || w[i + 3] == Self.apostrophe) {
                let quote = w[i + 3]
                var j = i + 4
                while j < to, w[j] != quote { j += 1 }
                let written = String(decoding: UnsafeBufferPointer(start: w + i + 4, count: j - i - 4), as: UTF8.self)
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

    /// Excel's columns: A to XFD.
    private static let maximumColumns = 16_384
    /// More cell styles than any workbook holds (Excel's limit is 64,000).
    private static let maximumStyles = 1_000_000

    /// Reads the cells of the row just opened, to its end tag, into `sink`, each in its column.
    private mutating func readCells(line: Int, into sink: inout FieldSink) throws {
        var column = -1
        while true {
            guard try window.nextTag() else { throw ZipArchive.Damage(reason: "is truncated (its sheet ends inside row \(line))") }
            let open = window.start
            if window.matches("</row", at: open) {
                window.start = open + 5
                return
            }
            guard window.matches("<c", at: open), window.endsName(at: open + 2) else {
                window.start = open + 1
                continue
            }
            guard let tagEnd = try window.tagEnd("is corrupt (row \(line) has a cell tag over 4 MB)") else {
                throw ZipArchive.Damage(reason: "is corrupt (row \(line) has a broken cell)")
            }
            let cellStart = window.start
            var reference: Int?
            var type = UInt8(ascii: "n"), typeSecond: UInt8 = 0
            var style = 0
            // Columns run from A to XFD (16,384) and style indexes are small: the fuzzer's
            // `CUUUUUUU1` padded a row to billions of fields, and longer ones overflowed.
            var outOfRange = false
            XMLScan.attributes(UnsafeBufferPointer(start: window.bytes + cellStart + 2, count: tagEnd - cellStart - 2)) { name, value in
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
            let cellColumn = reference ?? column + 1
            // Cells without a reference count on from the last: past XFD too, or 300 MB of
            // `<c/>` would pad a row to 75 million fields.
            if cellColumn >= Self.maximumColumns { outOfRange = true }
            if outOfRange {
                throw ZipArchive.Damage(reason: "is corrupt (row \(line) has a cell past column XFD or with a style index out of range)")
            }
            guard cellColumn > column else { throw ZipArchive.Damage(reason: "is corrupt (row \(line) has its cells out of order)") }
            column = cellColumn
            let closes = window.selfClosing(tagEnd)
            window.start = tagEnd + 1
            if closes { continue }
            let isInline = type == UInt8(ascii: "i")
            cell.removeAll()
            // The cell's content runs to `</c>`: an inline string's `<t>` texts, else its first `<v>`.
            if isInline {
                guard try window.collectText(until: "</c>", into: &cell) else {
                    throw ZipArchive.Damage(reason: "is corrupt (row \(line) has an unclosed cell)")
                }
            } else {
                var sawValue = false
                while true {
                    guard try window.nextTag(), !window.matches("</row", at: window.start) else {
                        throw ZipArchive.Damage(reason: "is corrupt (row \(line) has an unclosed cell)")
                    }
                    let at = window.start
                    if window.matches("</c>", at: at) {
                        window.start = at + 4
                        break
                    }
                    window.start = at + 1
                    if !sawValue && window.matches("<v", at: at) && window.endsName(at: at + 2) {
                        sawValue = true
                        guard let valueTag = try window.tagEnd("is corrupt (row \(line) has a value tag over 4 MB)") else { continue }
                        if window.selfClosing(valueTag) { continue }
                        window.start = valueTag + 1
                        try window.text(into: &cell)
                        // Most cells are `<v>...</v></c>`: past the end tag at once.
                        if window.matches("</v>", at: window.start) { window.start += 4 }
                    }
                }
                if !sawValue { continue }
            }
            let value = cell.written
            let leftOut = cell.cut?.scalarsLeftOut ?? 0
            scratch.removeAll(keepingCapacity: true)
            switch (isInline, type, typeSecond) {
            case (false, UInt8(ascii: "s"), 0):
                // Plain digits only: `-1` was read as string 1, and a 20-digit index was
                // reported as 2147483647; both are named as written.
                let written = String(decoding: value, as: UTF8.self)
                guard let index = Self.wholeNumber(written, upTo: Int(Int32.max)), let shared = strings[index] else {
                    throw ZipArchive.Damage(reason: "is corrupt (row \(line) names shared string \(Self.shown(written)), which is missing)")
                }
                try shared.text.withUnsafeBufferPointer { try self.put($0, leftOut: shared.scalarsLeftOut, column: cellColumn, line: line, into: &sink) }
            case (false, UInt8(ascii: "b"), _):
                try (value.first == UInt8(ascii: "1") ? Self.trueText : Self.falseText).withUnsafeBufferPointer {
                    try self.put($0, leftOut: 0, column: cellColumn, line: line, into: &sink)
                }
            case (false, UInt8(ascii: "n"), _):
                let kind = style < dateStyles.count ? dateStyles[style] : .none
                // A date serial beyond Excel's last day (9999-12-31, 2,958,465) or not finite
                // stays the number written: Int(serial) would trap on 1e300.
                if kind != .none, leftOut == 0, let serial = Double(String(decoding: value, as: UTF8.self)), serial.isFinite,
                   (0...2_958_466).contains(serial) {
                    scratch.append(contentsOf: ExcelDate.iso(serial: serial, kind: kind, date1904: date1904).utf8)
                } else {
                    ExcelNumber.appendPlain(value, to: &scratch)
                }
                try scratch.withUnsafeBufferPointer { try self.put($0, leftOut: leftOut, column: cellColumn, line: line, into: &sink) }
            default:
                // Inline strings, `str` (a formula's text), `e` (an error such as #N/A), `d` (an
                // ISO date): the text as written.
                try put(value, leftOut: leftOut, column: cellColumn, line: line, into: &sink)
            }
        }
    }

    /// `bytes` for a message: whole megabytes, or bytes below one.
    static func megabytes(_ bytes: Int) -> String { bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(bytes) bytes" }

    private static let trueText = Array("TRUE".utf8), falseText = Array("FALSE".utf8)

    /// Writes one cell's text (and the scalars left out of it) into its column; an empty cell
    /// is no field. Refuses the row once it holds more than `maximumRowBytes`.
    private func put(_ text: UnsafeBufferPointer<UInt8>, leftOut: Int, column: Int, line: Int, into sink: inout FieldSink) throws {
        if text.isEmpty && leftOut == 0 { return }
        while sink.endCount < column { sink.endField() }
        sink.append(text.baseAddress, text.count)
        sink.noteLeftOut(scalars: leftOut)
        sink.endField()
        if sink.byteCount > rowLimit {
            throw ZipArchive.Damage(reason: "has a row too large to read: row \(line) holds over \(Self.megabytes(rowLimit)) of text by column \(column + 1); split its cells or save the sheet as CSV")
        }
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
