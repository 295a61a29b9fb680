import Foundation
import Testing

@testable import CallOpsCore

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Suite struct SettingsTests {
    @Test func shippedConfigEqualsTheDefaults() throws {
        let shipped = try Settings.load(path: packageRoot.appendingPathComponent("Config/callops.toml").path)
        #expect(shipped == Settings.defaults)
    }

    @Test func shippedConfigNamesEverySetting() throws {
        // Every key of the defaults appears in the shipped file, so the file documents them all.
        let text = try String(contentsOf: packageRoot.appendingPathComponent("Config/callops.toml"), encoding: .utf8)
        for row in try flattenedKeys(Settings.defaults) {
            let leaf = row.split(separator: ".").last.map(String.init)!.replacingOccurrences(of: #"\[\d+\]"#, with: "", options: .regularExpression)
            #expect(text.contains("\n\(leaf) =") || text.contains("[\(leaf)"), "Config/callops.toml lacks \(row)")
        }
    }

    @Test func anEmptyFileGivesTheDefaults() throws {
        #expect(try Settings.parse(toml: "", file: "empty.toml") == Settings.defaults)
    }

    @Test func aFileChangesOnlyWhatItNames() throws {
        let settings = try Settings.parse(toml: """
            [cadence]
            intervals = [1, 1, 2]
            min_follow_ups = 2
            [roster]
            top_min_fyc = 12000
            """, file: "mine.toml")
        #expect(settings.cadence.intervals == [1, 1, 2])
        #expect(settings.roster.topMinFYC == 12_000)
        #expect(settings.cadence.windows == Settings.defaults.cadence.windows)
        #expect(settings.products == Settings.defaults.products)
    }

    @Test func aSyntaxErrorIsNamedByLine() {
        let text = "[cadence]\nintervals = [1, 2\nmin_follow_ups = 2\n"
        #expect {
            try Settings.parse(toml: text, file: "bad.toml")
        } throws: { error in
            guard case let .badConfig(file, line, _, message) = error as? CallOpsError else { return false }
            return file == "bad.toml" && line != nil && (2...3).contains(line!) && message.contains("TOML")
        }
    }

    /// The config's hold-out share has the command line's range (an audit trained on 5% of the leads).
    @Test func theHoldOutShareHasTheOptionsRange() throws {
        for bad in ["0.95", "0.001"] {
            #expect(throws: CallOpsError.self) { try Settings.parse(toml: "[leads.scoring]\nholdout = \(bad)\n", file: "c.toml") }
        }
        #expect(try Settings.parse(toml: "[leads.scoring]\nholdout = 0.3\n", file: "c.toml").leads.scoring.holdout == 0.3)
    }

    /// Numbers inside a list of tables are in range too, and a writer's wait is not negative
    /// (the outside audit: `commission_rate = 1e308` and `busy_wait_seconds = -1` were accepted).
    @Test func numbersInTablesOfAListAndTheBusyWaitHaveRanges() throws {
        let product = "[[products]]\ncode = \"X1\"\nname = \"x\"\nline = \"accident\"\nmin_age = 0\nmax_age = 65\ncommission_rate = 1e308\n"
        #expect(throws: CallOpsError.self) { try Settings.parse(toml: product, file: "c.toml") }
        #expect(throws: CallOpsError.self) { try Settings.parse(toml: "[general]\nbusy_wait_seconds = -1\n", file: "c.toml") }
        #expect(try Settings.parse(toml: "[general]\nbusy_wait_seconds = 5\n", file: "c.toml").general.busyWaitSeconds == 5)
        // nan has no place in the config: a config error naming the file, not Foundation's own words.
        #expect(throws: CallOpsError.self) { try Settings.parse(toml: "[general]\nbusy_wait_seconds = nan\n", file: "c.toml") }
    }

    @Test func anUnknownKeyIsNamedByLineAndKey() {
        let text = "[general]\ntimezone = \"Asia/Shanghai\"\n\n[cadence]\nintervalz = [1, 2]\n"
        #expect(throws: CallOpsError.badConfig(
            file: "typo.toml", line: 5, key: "cadence.intervalz",
            message: "unknown key; known keys here: effective_call_seconds, intervals, max_attempts_per_day, max_unanswered, min_follow_ups, retry_gap_hours, windows")
        ) {
            try Settings.parse(toml: text, file: "typo.toml")
        }
    }

    @Test func aWrongTypeIsNamedByLineAndKey() {
        let text = "[leads]\nmin_age = 18\nmax_age = \"sixty\"\n"
        #expect(throws: CallOpsError.badConfig(file: "type.toml", line: 3, key: "leads.max_age", message: "expected a whole number")) {
            try Settings.parse(toml: text, file: "type.toml")
        }
    }

    @Test func rulesTypesCannotStateAreChecked() {
        #expect(throws: CallOpsError.self) { try Settings.parse(toml: "[general]\ntimezone = \"Mars/Base\"\n", file: "z.toml") }
        #expect(throws: CallOpsError.self) { try Settings.parse(toml: "[cadence]\nwindows = [\"12:00-09:00\"]\n", file: "w.toml") }
        #expect(throws: CallOpsError.self) { try Settings.parse(toml: "[leads.allocation]\nstrategy = \"random\"\n", file: "s.toml") }
    }

    private func flattenedKeys(_ settings: Settings) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(settings))
        var keys: [String] = []
        func walk(_ value: Any, _ path: String) {
            if let table = value as? [String: Any] {
                for (key, inner) in table { walk(inner, path.isEmpty ? key : "\(path).\(key)") }
            } else if let array = value as? [Any], let first = array.first as? [String: Any] {
                walk(first, "\(path)[0]")
            } else {
                keys.append(path)
            }
        }
        walk(object, "")
        return keys
    }
}

@Suite struct MovedSettingsTests {
    @Test func theBatchTimeAndTheFunnelAreReadAndChecked() throws {
        let settings = try Settings.parse(toml: "[general]\ndaily_batch_at = \"05:45\"\n[planning]\nlead_funnel = [30, 10, 1]\n[roster]\nprobation_days = 60\n", file: "t.toml")
        #expect(settings.general.dailyBatchMinutes == 5 * 60 + 45 && settings.planning.leadFunnel == [30, 10, 1] && settings.roster.probationDays == 60)
        #expect(Settings.defaults.general.dailyBatchMinutes == 6 * 60)
        #expect(throws: CallOpsError.self) { _ = try Settings.parse(toml: "[general]\ndaily_batch_at = \"25:00\"\n", file: "t.toml") }
        #expect(throws: CallOpsError.self) { _ = try Settings.parse(toml: "[planning]\nlead_funnel = []\n", file: "t.toml") }
    }
}
