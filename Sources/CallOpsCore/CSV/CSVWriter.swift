/// Writes CSV that spreadsheets open safely (SPEC section 3): fields are quoted when they hold
/// a delimiter, quote or newline, and a cell that starts with `=`, `+`, `-`, `@`, tab or carriage
/// return gets a leading `'` so it is never run as a formula. The rule is absolute, so a
/// negative number such as `-5` is written `'-5` too.
public enum CSVWriter {
    /// One field, neutralised and quoted as needed.
    public static func escape(_ field: String) -> String {
        var value = field
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// One line of CSV, newline included.
    public static func row(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\n"
    }
}
