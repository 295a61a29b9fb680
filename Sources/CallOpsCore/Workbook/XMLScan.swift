import Foundation

/// The little XML a workbook's small parts need (sheet names, relationships, number formats,
/// shared strings), read from bytes without a DOM: tags by name, their attributes, and text.
enum XMLScan {
    /// A start tag's attributes.
    struct Tag {
        var attributes: [(String, String)] = []

        init(bytes: UnsafeBufferPointer<UInt8>) {
            XMLScan.attributes(bytes) { name, value in
                var text: [UInt8] = []
                XMLScan.unescape(value, into: &text)
                attributes.append((String(decoding: name, as: UTF8.self), String(decoding: text, as: UTF8.self)))
            }
        }

        subscript(name: String) -> String? { attributes.first { $0.0 == name }?.1 }

        /// The attribute whose name ends with `suffix` (`r:id`, whatever the namespace prefix).
        func value(suffix: String) -> String? { attributes.first { $0.0.hasSuffix(suffix) }?.1 }
    }

    /// Calls `body` with each `name="value"` of a tag's inside (value still escaped).
    static func attributes(_ b: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        var i = 0
        let n = b.count
        while i < n {
            while i < n && (b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 || b[i] == UInt8(ascii: "/")) { i += 1 }
            let nameStart = i
            while i < n && b[i] != UInt8(ascii: "=") && b[i] != 32 && b[i] != UInt8(ascii: ">") { i += 1 }
            let nameEnd = i
            while i < n && b[i] != UInt8(ascii: "\"") && b[i] != UInt8(ascii: "'") {
                if b[i] == UInt8(ascii: ">") { return }
                i += 1
            }
            guard i < n else { return }
            let q = b[i]
            i += 1
            let valueStart = i
            while i < n && b[i] != q { i += 1 }
            guard i <= n, nameEnd > nameStart else { return }
            body(UnsafeBufferPointer(rebasing: b[nameStart..<nameEnd]), UnsafeBufferPointer(rebasing: b[valueStart..<min(i, n)]))
            i += 1
        }
    }

    /// Every start tag `<name ...>` in `xml` (with any namespace prefix), with its attributes.
    static func tags(named name: String, in xml: [UInt8]) -> [Tag] {
        let needle = Array(name.utf8)
        var found: [Tag] = []
        xml.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                guard b[i] == UInt8(ascii: "<") else { i += 1; continue }
                var j = i + 1
                // Skip a namespace prefix (`x:sheet`).
                var k = j
                while k < b.count && k < j + 12 && b[k] != UInt8(ascii: ":") && b[k] != 32 && b[k] != UInt8(ascii: ">") && b[k] != UInt8(ascii: "/") { k += 1 }
                if k < b.count && b[k] == UInt8(ascii: ":") { j = k + 1 }
                if j + needle.count < b.count && Array(b[j..<(j + needle.count)]) == needle,
                   [32, 9, 10, 13, UInt8(ascii: ">"), UInt8(ascii: "/")].contains(b[j + needle.count]) {
                    var e = j + needle.count
                    while e < b.count && b[e] != UInt8(ascii: ">") { e += 1 }
                    found.append(Tag(bytes: UnsafeBufferPointer(rebasing: b[(j + needle.count)..<e])))
                    i = e
                } else {
                    i += 1
                }
            }
        }
        return found
    }

    /// The bytes between `<name ...>` and `</name>`, or nil.
    static func section(_ name: String, in xml: [UInt8]) -> ArraySlice<UInt8>? {
        let open = Array("<\(name)".utf8), close = Array("</\(name)>".utf8)
        guard let a = firstIndex(of: open, in: xml, from: 0), let b = firstIndex(of: close, in: xml, from: a) else { return nil }
        return xml[a..<b]
    }

    static func firstIndex(of needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    /// Appends `text` with XML's entities and character references replaced.
    static func unescape(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        guard text.contains(UInt8(ascii: "&")) else {
            out.append(contentsOf: text)
            return
        }
        var i = 0
        while i < text.count {
            let byte = text[i]
            guard byte == UInt8(ascii: "&"), let semi = text[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                out.append(byte)
                i += 1
                continue
            }
            let entity = String(decoding: text[(i + 1)..<semi], as: UTF8.self)
            var scalar: Unicode.Scalar?
            switch entity {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                }
            }
            if let scalar {
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                i = semi + 1
            } else {
                out.append(byte)
                i += 1
            }
        }
    }
}
