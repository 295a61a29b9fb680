import Foundation

/// A minimal xlsx workbook around fuzzed parts: a zip with its entries stored (no compression),
/// so the fuzzer's bytes reach the sheet scanner and the shared strings as they are, instead of
/// dying at the zip layer the way mutated deflate streams do.
enum StoredWorkbook {
    /// The workbook whose first sheet is `sheet` and whose shared strings are `strings`; style 1
    /// is a date, so the reader's date path runs too.
    static func make(sheet: [UInt8], strings: [UInt8]) -> [UInt8] {
        let entries: [(String, [UInt8])] = [
            ("xl/workbook.xml", Array(#"<workbook><sheets><sheet name="leads" sheetId="1" r:id="rId1"/></sheets></workbook>"#.utf8)),
            ("xl/_rels/workbook.xml.rels", Array("""
                <Relationships><Relationship Id="rId1" Type="http://x/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="http://x/sharedStrings" Target="sharedStrings.xml"/>\
                <Relationship Id="rId3" Type="http://x/styles" Target="styles.xml"/></Relationships>
                """.utf8)),
            ("xl/styles.xml", Array(#"<styleSheet><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>"#.utf8)),
            ("xl/sharedStrings.xml", strings),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        var out: [UInt8] = []
        var directory: [UInt8] = []
        for (name, data) in entries {
            let offset = out.count
            let crc = crc32(data)
            let nameBytes = Array(name.utf8)
            // Local header: signature, version 20, flags 0, method 0 (stored), time, date, CRC, sizes, name and extra lengths.
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc)
                + le32(UInt32(data.count)) + le32(UInt32(data.count)) + le16(UInt16(nameBytes.count)) + le16(0) + nameBytes + data
            directory += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc)
                + le32(UInt32(data.count)) + le32(UInt32(data.count)) + le16(UInt16(nameBytes.count)) + le16(0) + le16(0)
                + le16(0) + le16(0) + le32(0) + le32(UInt32(offset)) + nameBytes
        }
        let directoryOffset = out.count
        out += directory
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
            + le32(UInt32(directory.count)) + le32(UInt32(directoryOffset)) + le16(0)
        return out
    }

    private static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private static func le32(_ value: UInt32) -> [UInt8] { le16(UInt16(value & 0xFFFF)) + le16(UInt16(value >> 16)) }

    /// The zip CRC-32 (polynomial 0xEDB88320).
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
