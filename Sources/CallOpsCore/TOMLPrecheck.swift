/// A look at config text before toml++ (under TOMLKit) parses it: toml++ aborts the whole
/// process, through a C `assert`, on some malformed keys (`[!x]`, `[张]`, control characters)
/// instead of reporting them. The fuzzer found these; each is refused here with its line.
///
/// It checks only what precedes parsing safely: no control character but tab and line ends,
/// nothing beyond ASCII outside strings and comments, and where a key stands (a table header,
/// the left of `=`, the keys of an inline table) nothing but bare-key characters, dots, spaces
/// and quoted keys. Everything else is left to the parser, which reports it.
enum TOMLPrecheck {
    /// The first problem, with its line, or nil.
    static func problem(in text: String) -> (line: Int, message: String)? {
        let s = Array(text.unicodeScalars)
        var line = 1
        var i = 0
        // Open arrays and inline tables of the value being read; empty at a line's key.
        var nesting: [Unicode.Scalar] = []
        var atKey = true
        var inHeader = false

        func isBare(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "-"
        }
        func starts(_ marker: [Unicode.Scalar], at index: Int) -> Bool {
            index + marker.count <= s.count && Array(s[index..<index + marker.count]) == marker
        }
        func describe(_ c: Unicode.Scalar) -> String {
            c.isASCII && c.value >= 0x20 && c.value < 0x7F ? "\"\(c)\"" : "U+" + String(c.value, radix: 16, uppercase: true)
        }

        // Control characters first, wherever they are (strings and comments included).
        for c in s {
            if (c.value < 0x20 && c != "\t" && c != "\n" && c != "\r") || c.value == 0x7F {
                return (line, "contains the control character \(describe(c)); TOML allows none but tab and line ends")
            }
            if c == "\n" { line += 1 }
        }
        line = 1
        // Whether a key has begun (a comment may stand only before one, or after its value).
        var keyStarted = false
        // A dot was the key's last token: a segment must follow before = or ].
        var afterDot = false
        // The key's last token was a segment, with only spaces since (a dot may follow).
        var afterSegment = false
        // After =, [ or an array's comma: a value must come (toml++ asserts on `= }`).
        var expectValue = false
        while i < s.count {
            let c = s[i]
            if expectValue {
                if c == " " || c == "\t" {
                    i += 1
                    continue
                }
                let inArray = nesting.last == "["
                if !(inArray && (c == "\n" || c == "\r" || c == "#")) {
                    if !(inArray && c == "]") && (c == "," || c == "]" || c == "}" || c == "\n" || c == "\r" || c == "#" || c == "=") {
                        return (line, "a value is missing (after =, [ or ,)")
                    }
                    expectValue = false
                }
            }
            if c == "\n" {
                if atKey && (inHeader || keyStarted) {
                    return (line, inHeader ? "a table header is not closed with ]" : "a key needs = and a value on its line")
                }
                line += 1
                i += 1
                if nesting.isEmpty { atKey = true; inHeader = false; keyStarted = false; afterDot = false; afterSegment = false }
                continue
            }
            if c == "#" {
                if atKey && (keyStarted || inHeader) {
                    return (line, "\"#\" where a key belongs: a key is ASCII letters, digits, _ and - (or quoted), then =")
                }
                while i < s.count && s[i] != "\n" { i += 1 }
                continue
            }
            if c == "\"" || c == "'" {
                if atKey {
                    if afterSegment { return (line, "two key names in a row: join them with . or quote the key") }
                    keyStarted = true
                    afterDot = false
                }
                // A string (or a quoted key): skipped whole, escapes and all.
                let triple = starts([c, c, c], at: i)
                let close: [Unicode.Scalar] = triple ? [c, c, c] : [c]
                i += close.count
                while i < s.count {
                    if s[i] == "\n" {
                        if !triple { break }
                        line += 1
                    }
                    if c == "\"" && s[i] == "\\" { i += 2; continue }
                    if starts(close, at: i) {
                        // A multi-line string's last three quotes close it: up to two before
                        // them are its text (`'''x''''` is `x'`). Closing at the first three
                        // read the fourth as a new string, and the fuzzer found toml++ then
                        // parsing a header this check had taken for string text.
                        var run = close.count
                        while triple && run < 5 && i + run < s.count && s[i + run] == c { run += 1 }
                        i += run
                        break
                    }
                    i += 1
                }
                if atKey { afterSegment = true }
                continue
            }
            if !c.isASCII {
                return (line, "\(describe(c)) outside quotes: a bare key is ASCII letters, digits, _ and -; quote a key such as \"张三\"")
            }
            if atKey {
                // TOML's whitespace is space and tab; a CR only ends a line (CRLF).
                if c == " " || c == "\t" || (c == "\r" && i + 1 < s.count && s[i + 1] == "\n") {
                    i += 1
                    continue
                }
                if c == "." {
                    if !keyStarted || afterDot { return (line, "\".\" without a key name before it") }
                    afterDot = true
                    afterSegment = false
                    i += 1
                    continue
                }
                if isBare(c) {
                    if afterSegment { return (line, "two key names in a row: join them with . or quote the key") }
                    keyStarted = true
                    afterDot = false
                    // The whole bare name at once; a space after it ends it.
                    while i < s.count && isBare(s[i]) { i += 1 }
                    afterSegment = true
                    continue
                }
                if c == "[" && nesting.isEmpty && !inHeader {
                    // A table header: [a.b] or [[a.b]]; its name is a key.
                    inHeader = true
                    keyStarted = false; afterDot = false; afterSegment = false
                    i += starts(["[", "["], at: i) ? 2 : 1
                    continue
                }
                if afterDot && (c == "]" || c == "=") { return (line, "\".\" without a key name after it") }
                if c == "]" && inHeader && keyStarted {
                    i += starts(["]", "]"], at: i) ? 2 : 1
                    atKey = false
                    continue
                }
                if c == "=" && !inHeader && keyStarted {
                    atKey = false
                    expectValue = true
                    keyStarted = false; afterDot = false; afterSegment = false
                    i += 1
                    continue
                }
                if c == "}" && nesting.last == "{" {
                    nesting.removeLast()
                    atKey = false
                    i += 1
                    continue
                }
                return (line, "\(describe(c)) where a key belongs: a key is ASCII letters, digits, _ and - (or quoted), then =")
            }
            switch c {
            case "[":
                nesting.append("[")
                expectValue = true
            case "{":
                nesting.append("{")
                atKey = true
                keyStarted = false; afterDot = false; afterSegment = false
            case "]", "}":
                if !nesting.isEmpty { nesting.removeLast() }
            case ",":
                if nesting.last == "[" { expectValue = true }
                if nesting.last == "{" { atKey = true; keyStarted = false; afterDot = false; afterSegment = false }
            default: break
            }
            i += 1
        }
        if atKey && (inHeader || keyStarted) {
            return (line, inHeader ? "a table header is not closed with ]" : "a key needs = and a value on its line")
        }
        if expectValue { return (line, "a value is missing (after =, [ or ,)") }
        return nil
    }
}
