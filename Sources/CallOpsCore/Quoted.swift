import Foundation

/// Text from data or input, made safe to show: on a terminal a control character is shown as an
/// escape (`\x1B`), never obeyed, and in a message a value is cut to 80 characters (SPEC
/// section 12), so a 10 MB field cannot become a 10 MB error line.
public enum Quoted {
    /// The most characters of one value a message quotes.
    public static let maximumCharacters = 80

    /// A value for a message: control characters escaped, cut to `maximumCharacters` with `…`.
    public static func value(_ text: String) -> String {
        let escaped = escapingControls(text)
        guard escaped.count > maximumCharacters else { return escaped }
        return String(escaped.prefix(maximumCharacters)) + "… (\(text.utf8.count) bytes)"
    }

    /// A line built around double-quoted values from data (a `callops check` line made by
    /// SQL): every control character escaped, newlines too (a newline in a value never breaks
    /// the line), and each quoted value longer than `maximumCharacters` cut to it, with how
    /// long it was.
    public static func line(_ text: String) -> String {
        let escaped = escapingControls(text)
        guard escaped.count > maximumCharacters else { return escaped }
        var result = ""
        var inside = false
        var quoted = ""
        var length = ""  // how long a cut value was, said after its closing quote
        func flush() {
            if quoted.count > maximumCharacters {
                result += String(quoted.prefix(maximumCharacters - 1)) + "…"
                length = " (\(quoted.count) characters)"
            } else {
                result += quoted
            }
            quoted = ""
        }
        for character in escaped {
            if character == "\"" {
                if inside { flush() }
                result.append(character)
                if inside { result += length; length = "" }
                inside.toggle()
            } else if inside {
                quoted.append(character)
            } else {
                result.append(character)
            }
        }
        if inside { flush() }
        return result
    }

    /// A file path for a message: control characters escaped, and a long one cut in the middle
    /// to `maximumCharacters`, keeping its end (the file's own name and extension tell most).
    public static func path(_ text: String) -> String {
        let escaped = escapingControls(text)
        guard escaped.count > maximumCharacters else { return escaped }
        let kept = (maximumCharacters - 1) / 2
        return String(escaped.prefix(kept)) + "…" + String(escaped.suffix(kept))
    }

    /// `text` with every control character (C0, DEL, C1, bidi overrides and isolates) written as
    /// `\n`, `\t`, `\r`, `\xHH` or `\u{HHHH}`, and the backslash-free rest unchanged; newlines too when `keepNewlines` is false.
    public static func escapingControls(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepNewlines && $0 == "\n") }) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard isControl(scalar), !(keepNewlines && scalar == "\n") else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default: result += scalar.value > 0xFF ? String(format: "\\u{%04X}", scalar.value) : String(format: "\\x%02X", scalar.value)
            }
        }
        return result
    }

    /// A message for the terminal: control characters escaped (newlines between its lines
    /// kept), every double-quoted value in it cut to `maximumCharacters`, each line to a few
    /// hundred characters.
    public static func message(_ text: String) -> String {
        let safe = escapingControls(text, keepNewlines: true)
        return safe.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var cut = cutQuotedValues(String(line))
            if cut.count > 8 * maximumCharacters { cut = String(cut.prefix(8 * maximumCharacters)) + "…" }
            return cut
        }.joined(separator: "\n")
    }

    private static func cutQuotedValues(_ line: String) -> String {
        guard line.count > maximumCharacters else { return line }
        var result = ""
        var inside = false
        var quoted = ""
        for character in line {
            if character == "\"" {
                if inside { result += quoted.count > maximumCharacters ? String(quoted.prefix(maximumCharacters)) + "…" : quoted }
                result.append(character)
                inside.toggle()
                quoted = ""
            } else if inside {
                quoted.append(character)
            } else {
                result.append(character)
            }
        }
        if inside { result += quoted.count > maximumCharacters ? String(quoted.prefix(maximumCharacters)) + "…" : quoted }
        return result
    }

    /// C0, DEL and C1 controls, and the bidirectional overrides, embeddings and isolates
    /// (U+202A–U+202E, U+2066–U+2069): a name holding U+202E turns the rest of a terminal line
    /// around, so it is shown as `\u{202E}`, never obeyed.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value)
    }

    /// A sentence for an error from Foundation or the system, without its raw domain and code:
    /// the file it names and the system's reason.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? CallOpsError { return error.description }
        let ns = error as NSError
        var reason = ns.localizedFailureReason ?? ""
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(underlying.code)))
        } else if ns.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(ns.code)))
        }
        if reason.isEmpty {
            switch ns.code {
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: reason = "no such file or folder"
            case NSFileWriteOutOfSpaceError: reason = "the disk is full"
            case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: reason = "no permission"
            case NSFileWriteFileExistsError: reason = "a file is in the way"
            default: reason = ns.domain == NSCocoaErrorDomain ? "the system refused the operation" : ns.localizedDescription
            }
        }
        if let file = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path {
            return "\(Self.path(file)): \(reason)"
        }
        return reason
    }
}
