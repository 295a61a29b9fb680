/// The one parser for a decimal number that enters callops as text (money, a rate, a threshold),
/// used by input files and options alike. Swift's `Double(String)` also takes `0x10`, `0x1p8`,
/// `1e300`, `nan`, `inf` and a leading `+`; none of those is how a person writes an amount, and
/// `0x10` silently became 16 yuan. Accepted: digits with at most one dot (`2000`, `2000.50`,
/// `.5`), thousands commas between digits (`2,000.50`), a leading `¥`/`￥`, a leading minus only
/// where negatives are allowed, surrounding spaces. Nothing else: no exponent, no hex, no `_`,
/// no `+`, no space inside.
public enum DecimalText {
    /// How many digits `text` writes after its dot (0 without one): an amount in yuan has at
    /// most 2 (fen, SPEC section 3), and one with more is refused as typed, never rounded.
    public static func fractionDigits(_ text: String) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let dot = trimmed.firstIndex(of: ".") else { return 0 }
        return trimmed[trimmed.index(after: dot)...].count
    }

    /// The number `text` writes, nil when it is not a plain decimal.
    public static func parse(_ text: String, allowNegative: Bool = false) -> Double? {
        var characters = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if characters.first == "-" {
            guard allowNegative else { return nil }
            negative = true
            characters = characters.dropFirst()
        }
        if characters.first == "¥" || characters.first == "￥" { characters = characters.dropFirst() }
        var digits = "", seenDot = false, digitsBeforeDot = 0, lastWasDigit = false, groupLength = -1
        for character in characters {
            switch character {
            case "0"..."9":
                digits.append(character)
                lastWasDigit = true
                if !seenDot {
                    digitsBeforeDot += 1
                    if groupLength >= 0 { groupLength += 1 }
                }
            case ",":
                // A thousands comma: between digits, before the dot, every three digits.
                guard !seenDot, lastWasDigit, groupLength == -1 || groupLength == 3 else { return nil }
                groupLength = 0
                lastWasDigit = false
            case ".":
                guard !seenDot, groupLength == -1 || groupLength == 3 else { return nil }
                seenDot = true
                digits.append(".")
                lastWasDigit = false
            default:
                return nil
            }
        }
        guard groupLength == -1 || groupLength == 3, digits.contains(where: \.isNumber),
              digits.count <= 40, let value = Double(digits), value.isFinite else { return nil }
        return negative ? -value : value
    }
}
