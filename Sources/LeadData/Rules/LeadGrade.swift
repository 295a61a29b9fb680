import CallOpsCore
import Foundation

/// A lead's grade from the target profile (seed 003).
public enum LeadGrade: String, Codable, CaseIterable, Sendable, Comparable {
    case A, B, C

    public static func < (lhs: LeadGrade, rhs: LeadGrade) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a lead file tells of a prospect.
public struct LeadProfile: Equatable, Sendable {
    public var age: Int?
    public var annualIncome: Double?
    public var occupation: String?
    public var married: Bool?
    public var children: Int?

    public init(age: Int? = nil, annualIncome: Double? = nil, occupation: String? = nil, married: Bool? = nil, children: Int? = nil) {
        self.age = age
        self.annualIncome = annualIncome
        self.occupation = occupation
        self.married = married
        self.children = children
    }
}

/// Grades leads: the target customer (seed 003) is 25–50, with income, a stable job, married or
/// with children; each trait adds its points and the cut-offs make the grade.
public enum LeadGrading {
    public static func grade(_ profile: LeadProfile, rules: Settings.GradingRules) -> (score: Int, grade: LeadGrade) {
        var score = 0
        if let age = profile.age, (rules.targetMinAge...rules.targetMaxAge).contains(age) { score += rules.agePoints }
        if let income = profile.annualIncome, income >= rules.minIncome { score += rules.incomePoints }
        if let occupation = profile.occupation?.lowercased(), rules.stableOccupations.contains(where: { occupation.contains($0.lowercased()) }) {
            score += rules.occupationPoints
        }
        if profile.married == true { score += rules.marriedPoints }
        if let children = profile.children, children > 0 { score += rules.childrenPoints }
        let grade: LeadGrade = score >= rules.gradeA ? .A : score >= rules.gradeB ? .B : .C
        return (score, grade)
    }
}

/// A customer's gender as lead files write it.
public enum Gender: String, Codable, CaseIterable, Sendable {
    case male = "M", female = "F"
}

/// Tolerant readers for the raw text of a lead file's profile fields, Chinese or English.
/// Each returns nil for what it cannot read: unknown is not an error.
public enum LeadProfileParsing {
    /// The text with full-width forms (U+FF01 to U+FF5E: `３５`, `１２万`, `＋８６`, `－`, `．`)
    /// as their ASCII characters and the ideographic space as a space, as a Chinese input method
    /// types them in a spreadsheet; libphonenumber reads such digits as digits too. Only the
    /// readers' long ways call it: the usual ASCII value never gets here.
    public static func halfWidth(_ text: String) -> String {
        // Every full-width form starts with the byte 0xEF in UTF-8, the ideographic space with 0xE3.
        guard text.utf8.contains(where: { $0 == 0xEF || $0 == 0xE3 }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: result.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x3000: result.append(" ")
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    public static func gender(_ text: String) -> Gender? {
        switch trimmed(text).lowercased() {
        case "男", "m", "male", "先生": .male
        case "女", "f", "female", "女士": .female
        default: nil
        }
    }

    /// 已婚/married → true; 未婚/single/离异/divorced/丧偶/widowed → false.
    public static func married(_ text: String) -> Bool? {
        // The usual values, compared as bytes: lowercasing and Unicode comparison of every row's
        // value were 1.6% of a 1,000,000-row import's CPU.
        if text.utf8.elementsEqual("已婚".utf8) { return true }
        if text.utf8.elementsEqual("未婚".utf8) { return false }
        return switch trimmed(text).lowercased() {
        case "已婚", "married", "是", "yes", "y": true
        case "未婚", "single", "离异", "divorced", "丧偶", "widowed", "否", "no", "n": false
        default: nil
        }
    }

    /// `120000`, `120,000`, `¥120000`, `12万`, `12.5万` → yuan.
    public static func income(_ text: String) -> Double? {
        // The usual case, plain digits, without building a new string.
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return Double(text).flatMap { $0 <= Money.maximumYuan ? $0 : nil } }
        var cleaned = trimmed(halfWidth(text))
        if cleaned.hasSuffix("元") { cleaned.removeLast() }
        var factor = 1.0
        if cleaned.hasSuffix("万") {
            factor = 10_000
            cleaned.removeLast()
        }
        guard let value = DecimalText.parse(cleaned), value * factor <= Money.maximumYuan else { return nil }
        return value * factor
    }

    /// `35` or `35岁`.
    public static func age(_ text: String) -> Int? {
        if let number = smallNumber(text) { return number <= 130 ? number : nil }
        var cleaned = trimmed(halfWidth(text))
        if cleaned.hasSuffix("岁") { cleaned.removeLast() }
        guard let age = Int(cleaned), (0...130).contains(age) else { return nil }
        return age
    }

    /// One to three ASCII digits, read without building a new string (ages and children, a
    /// million rows of each in a large file); nil for anything else, which the caller reads the
    /// long way.
    static func smallNumber(_ text: String) -> Int? {
        let utf8 = text.utf8
        guard (1...3).contains(utf8.count) else { return nil }
        var number = 0
        for byte in utf8 {
            guard byte >= 48 && byte <= 57 else { return nil }
            number = number * 10 + Int(byte - 48)
        }
        return number
    }

    /// `-1`, `200`, `99999999999999999999`, `30岁`: a whole number, whatever its size.
    public static func isWholeNumber(_ text: String) -> Bool {
        var cleaned = trimmed(halfWidth(text))
        if cleaned.hasSuffix("岁") { cleaned.removeLast() }
        if cleaned.hasPrefix("-") || cleaned.hasPrefix("+") { cleaned.removeFirst() }
        return !cleaned.isEmpty && cleaned.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Age on `date` of someone born on `1990-05-01`, `1990/5/1` or `19900501`.
    public static func age(birthDate text: String, on date: Date, calendar: Calendar) -> Int? {
        let trimmed = trimmed(halfWidth(text))
        var parts = trimmed.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        if parts.count == 1, trimmed.count == 8 {
            parts = [String(trimmed.prefix(4)), String(trimmed.dropFirst(4).prefix(2)), String(trimmed.suffix(2))]
        }
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1900...2100).contains(y), (1...12).contains(m), (1...31).contains(d),
            let birth = calendar.date(from: DateComponents(year: y, month: m, day: d)),
            calendar.component(.day, from: birth) == d
        else { return nil }
        let years = calendar.dateComponents([.year], from: birth, to: date).year ?? -1
        return years >= 0 ? years : nil
    }

    /// `2`, `0`, `无`/`none` → 0.
    public static func children(_ text: String) -> Int? {
        if let number = smallNumber(text) { return number < 20 ? number : nil }
        let cleaned = trimmed(halfWidth(text)).lowercased()
        if ["无", "none", "no"].contains(cleaned) { return 0 }
        guard let n = Int(cleaned), n >= 0, n < 20 else { return nil }
        return n
    }
}
