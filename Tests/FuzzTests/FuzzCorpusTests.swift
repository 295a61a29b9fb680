import Foundation
import Testing

@testable import CallOpsCore
@testable import CallOpsFuzz

/// The fuzzers' regression corpus (Tests/FuzzTests/Corpus/TARGET/): every input found so far
/// that crashed callops, and the edges seeded by hand, replayed on each test run.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    @Test(arguments: FuzzTarget.allCases)
    func theCorpusRunsClean(_ target: FuzzTarget) throws {
        let folder = Self.corpus.appendingPathComponent(target.rawValue)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(!files.isEmpty, "no corpus for \(target)")
        for file in files {
            target.run([UInt8](try Data(contentsOf: folder.appendingPathComponent(file))))
        }
    }

    /// The inputs that crashed callops (issue 14) are now refused or clamped.
    @Test func theCrashingAmountsAreOutOfRange() {
        for text in ["99999999999999999999999", "1e300", "1e17", "-1e300", "100000000.01", "nan", "inf"] {
            #expect(Money(parsingYuan: text) == nil, "\(text)")
        }
        #expect(Money(parsingYuan: "100000000")?.fen == 10_000_000_000)
        #expect(Money(yuan: 1e300).fen == .max && Money(yuan: -1e300).fen == .min && Money(yuan: .nan).fen == 0)
        #expect(Money(fen: .max) + Money(fen: 1) == Money(fen: .max))
        #expect(Money(fen: .min) - Money(fen: 1) == Money(fen: .min))
        #expect(InputRange.talkSeconds("9223372036854775807") == nil && InputRange.talkSeconds("86400") == 86_400)
    }

    /// Every number in the config lies within ±100,000,000.
    @Test func configNumbersOutOfRangeAreRefusedWithTheirKey() {
        #expect {
            try Settings.parse(toml: "[general]\nbusy_wait_seconds = 1e300\n", file: "c.toml")
        } throws: { error in
            "\(error)".contains("c.toml:2") && "\(error)".contains("general.busy_wait_seconds") && "\(error)".contains("out of range")
        }
        #expect(throws: CallOpsError.self) { try Settings.parse(toml: "[leads]\nmin_age = 9223372036854775807\n", file: "c.toml") }
        #expect(throws: Never.self) { try Settings.parse(toml: "[general]\nbusy_wait_seconds = 5\n", file: "c.toml") }
    }

    /// toml++ aborted the process on these (the fuzzer's first finds): now each is one error with its line.
    @Test func keysTOMLDoesNotAllowAreRefusedBeforeTheParserSeesThem() {
        for (text, line) in [("[\u{07}\0\0\0s\n", 1), ("# 注释\n[general]\n[张]\n", 3), ("x = \"张三\" # 好\n[\u{FFFD}general]\n", 2), ("[!ls\n", 1),
                            ("[general]\ntimezone = \"a\"\n!x = 1\n", 3), ("a = { b = 1, !c = 2 }\n", 1),
                            ("[\n", 1), ("[general]\ntimezone\n", 2), ("[#x]\n", 1),
                            ("[.0dence]\n", 1), ("[a.]\n", 1), ("a b = 1\n", 1), ("[\rleads]\n", 1),
                            ("s = [}}]\n", 1), ("[general]\ntimezone = \n", 2), ("a = [1,,2]\n", 1)] {
            #expect {
                try Settings.parse(toml: text, file: "c.toml")
            } throws: { error in
                "\(error)".hasPrefix("c.toml:\(line):")
            }
        }
        // Chinese inside strings and comments is fine.
        #expect(throws: Never.self) { try Settings.parse(toml: "# 时区\n[general]\ntimezone = \"Asia/Shanghai\" # 上海\n", file: "c.toml") }
        #expect(throws: Never.self) {
            try Settings.parse(toml: "[cadence]\nintervals = [\n  1, 2, # two\n  3,\n]\nwindows = [\"09:00-12:00\"]\n[ general ]\r\ntimezone = \"Asia/Shanghai\"\r\n[leads.allocation]\ngrade_a_tiers = [ ]\n", file: "c.toml")
        }
    }
}
