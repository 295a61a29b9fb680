import CallOpsCore
import Foundation
import GRDB
import Testing

@testable import LeadData

/// The lead import's reading thread reads its usual values the short way (issue 15 item 4): each
/// short way must give what the long way gives.
@Suite struct LeadImportFastPathTests {
    /// `Int(text)` and the range, as the long way reads ages and children.
    func longAge(_ text: String) -> Int? {
        var cleaned = LeadProfileParsing.trimmed(LeadProfileParsing.halfWidth(text))
        if cleaned.hasSuffix("岁") { cleaned.removeLast() }
        guard let age = Int(cleaned), (0...130).contains(age) else { return nil }
        return age
    }

    func longChildren(_ text: String) -> Int? {
        let cleaned = LeadProfileParsing.trimmed(LeadProfileParsing.halfWidth(text)).lowercased()
        if ["无", "none", "no"].contains(cleaned) { return 0 }
        guard let n = Int(cleaned), n >= 0, n < 20 else { return nil }
        return n
    }

    @Test func agesAndChildrenReadAsBytesAsTheLongWay() {
        var texts = (0...1_000).flatMap { [String($0), String(format: "%02d", $0), String(format: "%03d", $0), String(format: "%04d", $0)] }
        texts += ["", " ", "3 ", " 35", "+35", "-1", "-0", "35岁", "1e2", "３５", "٣٥", "0x1", "无", "none", "No", "NONE", "12.0", "1,2", "\t7"]
        for text in texts {
            #expect(LeadProfileParsing.age(text) == longAge(text), "age \"\(text)\"")
            #expect(LeadProfileParsing.children(text) == longChildren(text), "children \"\(text)\"")
        }
        #expect(LeadProfileParsing.smallNumber("130") == 130 && LeadProfileParsing.smallNumber("1000") == nil && LeadProfileParsing.smallNumber("") == nil)
        #expect(LeadProfileParsing.age("131") == nil && LeadProfileParsing.age("130") == 130 && LeadProfileParsing.children("19") == 19 && LeadProfileParsing.children("20") == nil)
    }

    /// Digits typed full-width by a Chinese input method are read as digits (an outside audit
    /// found `１` children dropped with a warning, and a number typed so was an invalid phone).
    @Test func fullWidthDigitsAreReadAsDigits() throws {
        #expect(LeadProfileParsing.halfWidth("１２３ＡＢｃ＋－．（）\u{3000}客户") == "123ABc+-.() 客户")
        #expect(LeadProfileParsing.halfWidth("plain 35") == "plain 35")
        #expect(LeadProfileParsing.age("３５") == 35 && LeadProfileParsing.age("３５岁") == 35 && LeadProfileParsing.age("\u{3000}３５") == 35)
        #expect(LeadProfileParsing.age("１３１") == nil && LeadProfileParsing.isWholeNumber("－１") && LeadProfileParsing.isWholeNumber("２００"))
        #expect(LeadProfileParsing.children("１") == 1 && LeadProfileParsing.children("０") == 0 && LeadProfileParsing.children("２０") == nil)
        #expect(LeadProfileParsing.income("１２万") == 120_000 && LeadProfileParsing.income("２７００００") == 270_000 && LeadProfileParsing.income("１２．５万") == 125_000)
        let validator = try MobileValidator(pattern: Settings.defaults.leads.mobilePattern)
        for raw in ["１３９０００００００１", "＋８６ １３９－００００－０００１", "（１３９）００００\u{3000}０００１", "13900000001"] {
            #expect(PhoneNumber.normalize(raw, validator: validator) == .valid("13900000001"), "\(raw)")
            #expect(PhoneNumber.normalizeFast(raw, validator: validator) == .valid("13900000001"), "\(raw)")
        }
        #expect(PhoneNumber.normalize("１３９０００００００", validator: validator) != .valid("1390000000"))
        #expect(try DoNotCall.normalize("１３９－００００－０００９").get() == "13900000009")
    }

    /// The headers a Chinese vendor's file also uses (an outside audit found 婚姻 and 子女 kept
    /// as extras, so the lead was graded without them).
    @Test func moreChineseHeadersAreRead() throws {
        let f = try LeadFixture()
        let path = try f.write("v.csv", "手机号码,姓名,年龄,年薪,职业,婚姻,子女\n13900000001,张三,35,120000,教师,已婚,1\n")
        #expect(try f.importLeads(path).accepted == 1)
        let row = try f.db.read { db in try Row.fetchOne(db, sql: "SELECT income_fen, married, children, extra FROM lead") }!
        #expect(row["income_fen"] as Int64 == 12_000_000 && row["married"] as Int64 == 1 && row["children"] as Int64 == 1 && row["extra"] as String? == nil)
    }

    @Test func maritalStatusReadAsBytesAsTheLongWay() {
        for (text, expected) in [("已婚", true), ("未婚", false), (" 已婚 ", true), ("已婚 ", true), ("Married", true), ("离异", false), ("已婚否", nil),
                                 ("已", nil), ("", nil), ("未婚\t", false)] as [(String, Bool?)] {
            #expect(LeadProfileParsing.married(text) == expected, "\"\(text)\"")
        }
    }

    /// The occupation cache answers as the uncached grading does, for repeated, canonically equal
    /// (composed and decomposed) and case-different occupations.
    @Test func cachedGradingAnswersAsTheRule() {
        let rules = Settings.defaults.leads.grading
        var cached = LeadGrading.Cached(rules: rules)
        let occupations = ["中学教师", "学生", "TEACHER", "teacher", "Caf\u{E9}", "Cafe\u{301}", "公务员", "中学教师", "", "工程师（软件）"] + rules.stableOccupations
        for round in 0..<3 {
            for occupation in occupations {
                let profile = LeadProfile(age: 30 + round, annualIncome: 100_000, occupation: occupation, married: round == 1, children: round)
                let expected = LeadGrading.grade(profile, rules: rules)
                #expect(cached.grade(profile) == expected, "\(occupation)")
            }
        }
    }

    /// The phone set holds what `Set<UInt64>` holds, through its growth, for numbers like a
    /// file's (close together) and any others (0 and the top value included).
    @Test func phoneSetAgreesWithSet() {
        var random = SeededRandom(seed: 4)
        var set = PhoneSet(), reference = Set<UInt64>()
        var keys: [UInt64] = [0, 1, UInt64.max, UInt64.max - 1, 13_800_138_000]
        for i in 0..<40_000 { keys.append(13_800_000_000 + UInt64(i % 25_000) * 7) }
        for _ in 0..<20_000 { keys.append(UInt64.random(in: 0...UInt64.max, using: &random)) }
        keys += [0, UInt64.max]
        for key in keys {
            #expect(set.insert(key) == reference.insert(key).inserted)
            #expect(set.count == reference.count)
        }
        for _ in 0..<20_000 {
            let probe = Bool.random(using: &random) ? keys[Int.random(in: 0..<keys.count, using: &random)] : UInt64.random(in: 0...UInt64.max, using: &random)
            #expect(set.contains(probe) == reference.contains(probe))
        }
        #expect(PhoneSet().contains(0) == false && PhoneSet().contains(UInt64.max) == false)
        var sized = PhoneSet(minimumCapacity: 1_000)
        for key in keys.prefix(1_000) { sized.insert(key) }
        #expect(keys.prefix(1_000).allSatisfy { sized.contains($0) })
    }
}
