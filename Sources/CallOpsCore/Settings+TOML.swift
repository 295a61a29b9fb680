import Foundation
import TOMLKit

extension Settings {
    /// Reads a config file over the defaults: a file needs only the keys it changes.
    ///
    /// A syntax error, an unknown key (a typo would otherwise be ignored silently) and a value
    /// of the wrong type are all reported with the file, line and key at fault.
    public static func load(path: String) throws -> Settings {
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else {
            throw CallOpsError.badConfig(
                file: path, line: nil, key: "-", message: "cannot be read as a UTF-8 text file")
        }
        return try parse(toml: text, file: path)
    }

    /// Parses config text; `file` names it in errors.
    public static func parse(toml text: String, file: String) throws -> Settings {
        let lines = ConfigLines(text: text)
        if let problem = TOMLPrecheck.problem(in: text) {
            throw CallOpsError.badConfig(file: file, line: problem.line, key: lines.key(at: problem.line) ?? "-", message: problem.message)
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            throw CallOpsError.badConfig(file: file, line: line, key: lines.key(at: line) ?? "-", message: plainWords(error.description))
        }
        // TOML -> JSON lets Foundation's decoder do the typing: it reads a TOML integer into a
        // Double field, which TOMLKit's own decoder refuses.
        let userJSON: Any
        do {
            userJSON = try JSONSerialization.jsonObject(with: Data(table.convert(to: .json).utf8))
        } catch {
            // TOML's nan and inf have no JSON form; no setting takes them.
            let found = lines.nonFinite()
            throw CallOpsError.badConfig(file: file, line: found?.line, key: found?.key ?? "-",
                                         message: "is not a finite number (nan or inf); every number in the config lies between -100,000,000 and 100,000,000")
        }
        let defaultsJSON = try JSONSerialization.jsonObject(
            with: JSONEncoder().encode(Settings.defaults))
        let merged = try merge(userJSON, over: defaultsJSON, path: [], file: file, lines: lines)
        do {
            let data = try JSONSerialization.data(withJSONObject: merged)
            let settings = try JSONDecoder().decode(Settings.self, from: data)
            try settings.validate(file: file, lines: lines)
            return settings
        } catch let error as DecodingError {
            throw describe(error, file: file, lines: lines)
        }
    }

    /// The parser's complaint in plain words where it has a plain form (toml++'s "numeric value
    /// too long to identify type" is a number of 5,000 digits), else as the parser says it.
    static func plainWords(_ parser: String) -> String {
        if parser.contains("numeric value too long") {
            return "is a number too long to read (more than 126 characters); every number in the config lies between -100,000,000 and 100,000,000"
        }
        let said = parser.replacingOccurrences(of: "Error while parsing ", with: "")
        return "is not valid TOML (\(said))"
    }

    /// Checks the rules that types alone cannot state.
    func validate(file: String, lines: ConfigLines) throws {
        func fail(_ key: String, _ message: String) -> CallOpsError {
            .badConfig(file: file, line: lines.line(of: key.split(separator: ".").map(String.init)), key: key, message: message)
        }
        if TimeZone(identifier: general.timezone) == nil {
            throw fail("general.timezone", "\"\(general.timezone)\" is not an IANA time zone name such as Asia/Shanghai")
        }
        if general.dailyBatchMinutes == nil {
            throw fail("general.daily_batch_at", "\"\(general.dailyBatchAt)\" is not a local time of day such as 06:00")
        }
        // The activity targets divide by these and multiply them (ActivityTargets.from): each has
        // a range, positive where divided by, so the results stay in range.
        let planningRanges: [(String, Double, ClosedRange<Double>, String)] = [
            ("planning.fyc_rate_percent", planning.fycRatePercent, 0.1...100, "a percentage from 0.1 to 100"),
            ("planning.average_premium", planning.averagePremium, 1...Money.maximumYuan, "yuan from 1 to 100,000,000"),
            ("planning.proposals_per_sale", Double(planning.proposalsPerSale), 1...1_000, "a whole number from 1 to 1,000"),
            ("planning.effective_calls_per_proposal", Double(planning.effectiveCallsPerProposal), 1...1_000, "a whole number from 1 to 1,000"),
            ("planning.weeks_per_month", Double(planning.weeksPerMonth), 1...5, "a whole number from 1 to 5"),
            ("planning.workdays_per_week", Double(planning.workdaysPerWeek), 1...7, "a whole number from 1 to 7"),
            ("planning.observe_days", Double(planning.observeDays), 1...3_660, "a whole number of days from 1 to 3,660"),
            // The tiers: a negative bar makes everyone top, a bar of 0 policies counts an agent
            // who sold nothing, and a new hire stays new for at most a year.
            ("roster.new_hire_days", Double(roster.newHireDays), 0...366, "a whole number of days from 0 to 366"),
            ("roster.top_min_policies", Double(roster.topMinPolicies), 1...10_000, "a whole number from 1 to 10,000"),
            ("roster.top_min_fyc", roster.topMinFYC, 0...Money.maximumYuan, "yuan from 0 to 100,000,000"),
            ("roster.core_min_policies", Double(roster.coreMinPolicies), 1...10_000, "a whole number from 1 to 10,000"),
            ("roster.core_min_fyc", roster.coreMinFYC, 0...Money.maximumYuan, "yuan from 0 to 100,000,000"),
            ("roster.probation_days", Double(roster.probationDays), 0...3_660, "a whole number of days from 0 to 3,660"),
            ("roster.regularization_sales_days", Double(roster.regularizationSalesDays), 1...3_660, "a whole number of days from 1 to 3,660"),
        ]
        for (key, value, range, expected) in planningRanges where !range.contains(value) {
            let shown = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            throw fail(key, "\(shown) is out of range: give \(expected)")
        }
        if planning.leadFunnel.isEmpty || planning.leadFunnel.contains(where: { $0 <= 0 }) {
            throw fail("planning.lead_funnel", "needs the names at each step down to 1 sale, such as [25, 17, 7, 5, 4, 3, 1]")
        }
        do {
            _ = try WorkingDays(names: planning.workingDays)
        } catch let CallOpsError.invalidValue(_, value, expected) {
            throw fail("planning.working_days", "\"\(value)\": give \(expected)")
        }
        if cadence.intervals.isEmpty || cadence.intervals.contains(where: { $0 < 0 }) {
            throw fail("cadence.intervals", "needs one non-negative number of days per follow-up")
        }
        if cadence.minFollowUps > cadence.intervals.count {
            throw fail("cadence.min_follow_ups", "is more than the \(cadence.intervals.count) follow-ups in cadence.intervals")
        }
        do {
            _ = try CallingWindows(cadence.windows)
        } catch let error as CallOpsError {
            throw fail("cadence.windows", error.description)
        }
        if leads.minAge > leads.maxAge { throw fail("leads.min_age", "is above leads.max_age") }
        if leads.grading.gradeB > leads.grading.gradeA {
            throw fail("leads.grading.grade_b", "is above leads.grading.grade_a")
        }
        if !["weighted", "even"].contains(leads.allocation.strategy) {
            throw fail("leads.allocation.strategy", "\"\(leads.allocation.strategy)\" is not weighted or even")
        }
        try validateScoring(fail)
        for tier in leads.allocation.gradeATiers where Tier(rawValue: tier) == nil {
            throw fail("leads.allocation.grade_a_tiers", "\"\(tier)\" is not a tier (new, general, core, top)")
        }
        if let (status, first, second) = dialer.vicidial.statuses.ambiguity() {
            throw fail("dialer.vicidial.statuses.\(second)", "status \(status) is also listed under \(first); a status means one disposition")
        }
        var seen = Set<String>()
        for product in products {
            if !seen.insert(product.code).inserted {
                throw fail("products", "product code \(product.code) appears twice")
            }
            if !ProductLine.allNames.contains(product.line) {
                throw fail("products", "\(product.code): line \"\(product.line)\" is not one of \(ProductLine.allNames.joined(separator: ", "))")
            }
        }
        if let problem = programmes.problem() { throw fail("programmes.\(problem.key)", problem.message) }
        if !(0...86_400).contains(general.busyWaitSeconds) {
            throw fail("general.busy_wait_seconds", "must be between 0 and 86400 seconds")
        }
        for (key, ladder) in [("cross_sell.ladder", crossSell.ladder), ("cross_sell.child_ladder", crossSell.childLadder)] {
            if let rung = ladder.first(where: { !ProductLine.allNames.contains($0) }) {
                throw fail(key, "\"\(rung)\" is not a product line (\(ProductLine.allNames.joined(separator: ", ")))")
            }
        }
    }

    private static func merge(
        _ user: Any, over defaults: Any, path: [String], file: String, lines: ConfigLines
    ) throws -> Any {
        guard let userTable = user as? [String: Any], let defaultTable = defaults as? [String: Any]
        else {
            try checkRange(user, path: path, file: file, lines: lines)
            return user
        }
        var result = defaultTable
        for (key, value) in userTable {
            let keyPath = path + [key]
            guard let known = defaultTable[key] else {
                let expected = defaultTable.keys.sorted().joined(separator: ", ")
                throw CallOpsError.badConfig(
                    file: file, line: lines.line(of: keyPath), key: keyPath.joined(separator: "."),
                    message: "unknown key; known keys here: \(expected)")
            }
            result[key] = try merge(value, over: known, path: keyPath, file: file, lines: lines)
        }
        return result
    }

    /// Every number in the config lies within ±100,000,000 (SPEC section 12: money up to
    /// 100,000,000 yuan, days and counts far below), so no rule built on it can overflow.
    private static func checkRange(_ value: Any, path: [String], file: String, lines: ConfigLines) throws {
        if let list = value as? [Any] {
            for item in list { try checkRange(item, path: path, file: file, lines: lines) }
            return
        }
        // A table inside a list (a `[[products]]` entry) holds numbers too.
        if let table = value as? [String: Any] {
            for (key, item) in table { try checkRange(item, path: path + [key], file: file, lines: lines) }
            return
        }
        // A boolean arrives as 0 or 1, inside the range.
        guard let number = value as? NSNumber else { return }
        let double = number.doubleValue
        if !double.isFinite || abs(double) > 100_000_000 {
            throw CallOpsError.badConfig(
                file: file, line: lines.line(of: path), key: path.joined(separator: "."),
                message: "\(Quoted.value(number.stringValue)) is out of range; a number in the config lies between -100,000,000 and 100,000,000")
        }
    }

    private static func describe(_ error: DecodingError, file: String, lines: ConfigLines) -> CallOpsError {
        let (codingPath, message): ([CodingKey], String) = {
            switch error {
            case let .typeMismatch(type, context):
                return (context.codingPath, "expected \(ConfigLines.typeName(type))")
            case let .valueNotFound(type, context):
                return (context.codingPath, "expected \(ConfigLines.typeName(type))")
            case let .keyNotFound(key, context):
                return (context.codingPath + [key], "missing key")
            case let .dataCorrupted(context):
                return (context.codingPath, context.debugDescription)
            @unknown default:
                return ([], "\(error)")
            }
        }()
        let keys = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        let named = keys.filter { !$0.hasPrefix("[") }
        return .badConfig(
            file: file, line: lines.line(of: named),
            key: keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "["),
            message: message)
    }
}

/// Finds the line of a key in a TOML text, for error messages.
struct ConfigLines {
    /// (table path + key, 1-based line) for every `key = value` line, in order.
    private var entries: [(path: [String], line: Int)] = []
    /// The value text of each `key = value` line, by line.
    private var values: [Int: String] = [:]

    init(text: String) {
        var table: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("[") {
                let name = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                    .split(separator: "#").first.map(String.init) ?? ""
                table = name.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                    .split(separator: ".").map { $0.trimmingCharacters(in: .whitespaces) }
                entries.append((table, index + 1))
            } else if let equals = line.firstIndex(of: "=") {
                let key = line[..<equals].trimmingCharacters(in: .whitespaces)
                    .split(separator: ".").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
                entries.append((table + key, index + 1))
                values[index + 1] = String(line[line.index(after: equals)...])
            }
        }
    }

    /// The key (dotted, with its table) set on `line`, or the table a header on it opens.
    func key(at line: Int) -> String? {
        entries.last(where: { $0.line == line }).map { $0.path.joined(separator: ".") }
    }

    /// The first key whose value is TOML's nan or inf (`nan`, `+inf`, `-nan`, in an array too),
    /// outside quoted strings and comments.
    func nonFinite() -> (key: String, line: Int)? {
        for entry in entries {
            guard let value = values[entry.line] else { continue }
            var bare = ""
            var quote: Character?
            for c in value {
                if let q = quote {
                    if c == q { quote = nil }
                    bare.append(" ")
                } else if c == "\"" || c == "'" {
                    quote = c
                    bare.append(" ")
                } else if c == "#" {
                    break
                } else {
                    bare.append(c)
                }
            }
            let words = bare.split(whereSeparator: { " \t,[]{}=".contains($0) }).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "+-")) }
            if words.contains("nan") || words.contains("inf") { return (entry.path.joined(separator: "."), entry.line) }
        }
        return nil
    }

    /// The line that sets `path`, else the line of its table, else nil.
    func line(of path: [String]) -> Int? {
        var probe = path
        while !probe.isEmpty {
            if let found = entries.first(where: { $0.path == probe }) { return found.line }
            probe.removeLast()
        }
        return nil
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is String.Type: "a quoted string"
        case is Bool.Type: "true or false"
        default: "a value of type \(type)"
        }
    }
}
