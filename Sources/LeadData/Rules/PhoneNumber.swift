import Foundation

/// Validates mainland mobile numbers against libphonenumber's CN pattern, fast.
///
/// The pattern (from config) stays the single source of truth; for speed, the verdict for each
/// 5-digit prefix of an 11-digit number is computed once from it. A prefix whose verdict depends
/// on later digits (the pattern may one day constrain them) falls back to the pattern itself.
public struct MobileValidator: Sendable {
    private let regex: NSRegularExpressionBox
    /// For prefixes 10000...19999: 1 valid, 0 invalid, 2 ask the pattern.
    private let table: [UInt8]

    public init(pattern: String) throws {
        let regex = try NSRegularExpressionBox(pattern: pattern)
        self.regex = regex
        var table = [UInt8](repeating: 2, count: 10_000)
        for prefix in 0..<10_000 {
            let head = "1" + String(format: "%04d", prefix)
            let verdicts = ["000000", "999999", "123456", "987654", "505050"].map { regex.matches(head + $0) }
            if verdicts.allSatisfy({ $0 }) { table[prefix] = 1 } else if verdicts.allSatisfy({ !$0 }) { table[prefix] = 0 }
        }
        self.table = table
    }

    /// True when `digits` (already normalised) is a valid mainland mobile number.
    public func isValid(_ digits: String) -> Bool {
        let utf8 = digits.utf8
        if utf8.count == 11, utf8.first == UInt8(ascii: "1"), utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            var prefix = 0
            for byte in utf8.dropFirst().prefix(4) { prefix = prefix * 10 + Int(byte - 48) }
            switch table[prefix] {
            case 1: return true
            case 0: return false
            default: break
            }
        }
        return regex.matches(digits)
    }
}

/// NSRegularExpression is immutable and thread-safe; this box says so to the compiler.
final class NSRegularExpressionBox: @unchecked Sendable {
    let regex: NSRegularExpression

    init(pattern: String) throws { regex = try NSRegularExpression(pattern: pattern) }

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// Mainland mobile numbers: normalisation, validation and masking (SPEC sections 3 and 5).
public enum PhoneNumber {
    /// The verdict on one raw number.
    public enum Verdict: Equatable, Sendable {
        case missing
        /// Why it is not a mainland mobile, in words.
        case invalid(String)
        /// The 11 digits.
        case valid(String)
    }

    /// Drops spaces, `-`, `.` and parentheses and a leading `+86`, `0086` or `86` (when 13 digits
    /// remain), then checks the pattern.
    public static func normalize(_ raw: String, validator: MobileValidator) -> Verdict {
        var digits = ""
        digits.reserveCapacity(raw.utf8.count)
        // Full-width digits and signs (`１３９－００００－０００１`) read as their ASCII ones.
        for scalar in LeadProfileParsing.halfWidth(raw).unicodeScalars where !(scalar == " " || scalar == "-" || scalar == "." || scalar == "(" || scalar == ")" || scalar == "\t") {
            digits.unicodeScalars.append(scalar)
        }
        if digits.isEmpty { return .missing }
        if digits.hasPrefix("+86") {
            digits.removeFirst(3)
        } else if digits.hasPrefix("0086") {
            digits.removeFirst(4)
        } else if digits.hasPrefix("86") && digits.utf8.count == 13 {
            digits.removeFirst(2)
        }
        guard digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return .invalid("\"\(raw)\" holds characters that are not digits")
        }
        let count = digits.utf8.count
        guard count == 11 else {
            return .invalid("\"\(raw)\" has \(count) digits; a mainland mobile has 11")
        }
        guard validator.isValid(digits) else {
            return .invalid("\"\(raw)\": \(digits.prefix(3)) is not a mainland mobile prefix")
        }
        return .valid(digits)
    }

    /// `13800138000` → `138****8000`: the first three and last four digits.
    public static func mask(_ phone: String) -> String {
        let characters = Array(phone)
        guard characters.count >= 8 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 7) + String(characters.suffix(4))
    }
}
