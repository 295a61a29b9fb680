import Foundation
import Testing

/// The outside audit of issue 14, numbers and ranges: each reproduction on the built binary.
@Suite(.serialized) struct NumberRangeCLITests {
    /// One agent, two leads allocated.
    func center(_ cli: CLI) throws {
        #expect(try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")]).status == 0)
        #expect(try cli.run(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n13900000002,李四,40\n"), "--source", "v"]).status == 0)
        #expect(try cli.run(["leads", "allocate", "--seed", "1"]).status == 0)
    }

    /// An error, not a crash (a crash exits with the signal's number), naming `field`.
    func refused(_ result: CLI.Result, naming field: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 1 || result.status == 64, "status \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(field), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Missing value"), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    // MARK: 5: campaign tiers

    @Test func campaignTiersAreMoneyAndCountsInRange() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli)
        let add = ["plan", "campaign", "add", "W", "--name", "x", "--from", "2026-11-01", "--to", "2026-11-20"]
        for tier in ["1:1e300", "1e9:1e9", "100000001:5", "0x10:0x10", "1:100000001", "nan:1", "1:inf"] {
            refused(try cli.run(add + ["--metric", "premium", "--tier", tier]), naming: "--tier")
        }
        refused(try cli.run(add + ["--metric", "policies", "--tier", "2.5:100"]), naming: "--tier")
        let added = try cli.run(add + ["--metric", "premium", "--tier", "50000:800", "100000000:100000000"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try cli.run(["check"]).status == 0)
        // A tier written past the range by another tool: check names it.
        _ = try cli.sqlite("UPDATE campaign SET tiers = '[{\"threshold\":1,\"reward\":1e300}]'")
        let check = try cli.run(["check"])
        #expect(check.status != 0 && check.stderr.contains("campaign row 1, column tiers"), "\(check.stdout)\(check.stderr)")
    }

    // MARK: 11: hexadecimal money

    @Test func onlyPlainDecimalsAreMoney() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli)
        for premium in ["0x1p8", "0x10", "nan", "inf", "1e2", "+5", "1_000"] {
            refused(try cli.run(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", premium]), naming: "--premium")
        }
        refused(try cli.run(["plan", "targets", "--annual-income", "0x1p16"]), naming: "--annual-income")
        let file = try cli.write("more.csv", "phone,name,age\n13900000021,丙,30\n")
        refused(try cli.run(["leads", "import", file, "--source", "w", "--cost-per-lead", "0x10"]), naming: "--cost-per-lead")
        // A lead's income of 0x10 is no income; a call file's premium of 0x10 is no sale.
        let incomes = try cli.write("incomes.csv", "phone,name,age,income\n13900000031,丁,30,0x10\n")
        #expect(try cli.run(["leads", "import", incomes, "--source", "w"]).status == 0)
        #expect(try cli.sqlite("SELECT COALESCE(income_fen, 'none') FROM lead WHERE phone = '13900000031'") == "none\n")
        let sales = try cli.write("sales.csv", "call_id,agent_code,lead_id,started_at,talk_seconds,disposition,product,premium\nc1,A001,1,2026-11-23T09:00:00,300,sale,ACC01,0x10\n")
        let calls = try cli.run(["calls", "import", sales, "--format", "json"])
        #expect((calls.stdout + calls.stderr).contains("premium"), "\(calls.stdout)\(calls.stderr)")
        #expect(try cli.sqlite("SELECT COUNT(*) FROM policy") == "0\n")
    }

    // MARK: 6: stored values out of range

    /// A stored number past its range is an error naming table, row and column, never a crash,
    /// and `callops check` lists it.
    func storedValueIsNamed(_ cli: CLI, _ update: String, naming: String, commands: [[String]], sourceLocation: SourceLocation = #_sourceLocation) throws {
        _ = try cli.sqlite(update)
        for command in commands {
            // A day later, so that the calls logged at the default --now fall in the seat report's period.
            let result = try cli.run(command, now: "2026-11-24T10:00")
            #expect(result.status == 1, "\(command): status \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(naming) || result.stderr.contains("callops check"), "\(command): \(result.stderr)", sourceLocation: sourceLocation)
        }
        let check = try cli.run(["check"])
        #expect(check.status != 0 && (check.stdout + check.stderr).contains(naming), "\(check.stdout)\(check.stderr)", sourceLocation: sourceLocation)
    }

    @Test func storedNumbersOutOfRangeAreErrorsAndCheckListsThem() throws {
        for (update, naming, commands) in [
            ("UPDATE policy SET premium_fen = 9223372036854775807, next_due_on = '2026-11-25'", "policy row 1",
             [["renewals", "due"], ["daily", "--out", "d1"]]),
            ("UPDATE policy SET renewals_paid = 9223372036854775807, next_due_on = '2026-11-25'", "policy row 1, column renewals_paid",
             [["renewals", "due"], ["queue", "next", "--agent", "A001"], ["daily", "--out", "d2"]]),
            ("UPDATE lead SET follow_ups = 9223372036854775807, stage = 'connected' WHERE id = 2", "lead row 2, column follow_ups",
             [["queue", "next", "--agent", "A001"]]),
            ("UPDATE call SET talk_seconds = 9223372036854775807", "talk_seconds",
             [["seats", "report"], ["daily", "--out", "d3"]]),
            ("UPDATE lead_batch SET cost_per_lead_fen = 9223372036854775807", "lead_batch row 1, column cost_per_lead_fen",
             [["leads", "stats"]]),
        ] as [(String, String, [[String]])] {
            let cli = try CLI()
            defer { cli.cleanUp() }
            try center(cli)
            #expect(try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "60"]).status == 0)
            #expect(try cli.run(["calls", "log", "--agent", "A001", "--lead", "2", "--disposition", "connected", "--talk-seconds", "60"]).status == 0)
            let sale = try cli.run(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "1200", "--mode", "monthly"])
            #expect(sale.status == 0, "\(sale.stderr)")
            #expect(try cli.run(["check"]).status == 0)
            try storedValueIsNamed(cli, update, naming: naming, commands: commands)
        }
    }

    // MARK: 7: planning rules in the config

    @Test func planningRulesHaveRangesInConfigCheckAndEveryCommand() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for (name, toml, key) in [
            ("rate.toml", "[planning]\nfyc_rate_percent = 0.0\n", "planning.fyc_rate_percent"),
            ("average.toml", "[planning]\naverage_premium = 0.0\n", "planning.average_premium"),
            ("weeks.toml", "[planning]\nweeks_per_month = 0\n", "planning.weeks_per_month"),
            ("workdays.toml", "[planning]\nworkdays_per_week = 0\n", "planning.workdays_per_week"),
            ("products.toml", "[planning]\nproposals_per_sale = 100000000\neffective_calls_per_proposal = 100000000\nfyc_rate_percent = 0.000001\n",
             "planning.fyc_rate_percent"),
        ] {
            let file = try cli.write(name, toml)
            let check = try cli.run(["config", "check", "--config", file])
            refused(check, naming: key)
            #expect(check.stderr.contains("\(name):"), "\(check.stderr)")
            refused(try cli.run(["plan", "targets", "--annual-income", "120000", "--config", file]), naming: key)
        }
        let targets = try cli.run(["plan", "targets", "--annual-income", "100000000", "--format", "json"])
        #expect(targets.status == 0, "\(targets.stderr)")
    }

    // MARK: 8: sizing

    @Test func sizingBeyondACountIsAnError() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let sizing = try cli.run(["plan", "sizing", "--target-sales", "10", "--class", "x=100000000:100000000", "--contacts-per-agent-year", "0.000001"])
        refused(sizing, naming: "seats")
        #expect(sizing.stderr.contains("100000000"), "\(sizing.stderr)")
    }

    // MARK: 14: counts and days have ranges

    @Test func countsAndDaysHaveRanges() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli)
        let header = "agent_code,name,team,hire_date,tier,daily_new_leads,max_open_leads\n"
        for (row, field) in [("A002,王五,一组,2024-03-01,core,999999999999999999,5", "daily_new_leads"),
                             ("A002,王五,一组,2024-03-01,core,5,9223372036854775807", "max_open_leads"),
                             ("A002,王五,一组,0001-01-01,core,5,5", "hire_date"),
                             ("A002,王五,一组,9999-12-31,core,5,5", "hire_date")] {
            let result = try cli.run(["roster", "import", try cli.write("r2.csv", header + row + "\n")])
            #expect(result.status != 0 && result.stderr.contains(field), "\(row): \(result.stderr)")
        }
        let calls = try cli.write("calls.csv", """
            call_id,agent_code,lead_id,started_at,talk_seconds,disposition,callback_at
            c1,A001,1,1900-01-01T09:00:00,60,connected,
            c2,A001,1,2126-01-01T09:00:00,60,connected,
            c3,A001,1,2026-11-23T09:00:00,60,callback,9999-12-31T10:00:00

            """)
        let imported = try cli.run(["calls", "import", calls, "--format", "json"])
        #expect(imported.stdout.contains("started_at") && imported.stdout.contains("callback_at"), "\(imported.stdout)\(imported.stderr)")
        #expect(try cli.sqlite("SELECT COUNT(*) FROM call") == "0\n")
        refused(try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "callback", "--callback-at", "9999-12-31T10:00"]), naming: "--callback-at")
        refused(try cli.run(["daily", "--date", "9999-12-31", "--out", "d"]), naming: "--date")
        refused(try cli.run(["recruit", "add", "--name", "X", "--channel", "referral", "--date", "9999-12-31"]), naming: "--date")
        refused(try cli.run(["plan", "campaign", "add", "W", "--name", "x", "--metric", "premium", "--from", "0001-01-01", "--to", "9999-12-31", "--tier", "1:1"]), naming: "--from")
        refused(try cli.run(["seats", "report", "--by", "day", "--from", "0001-01-01", "--to", "9999-12-31"]), naming: "--from/--to")
        refused(try cli.run(["seats", "report", "--by", "day", "--from", "2000-01-01", "--to", "2099-12-31"]), naming: "3660 days")
        let decade = try cli.run(["seats", "report", "--by", "day", "--from", "2017-01-01", "--to", "2026-12-31", "--format", "json"])
        #expect(decade.status == 0, "\(decade.stderr)")
        // Values written past the ranges by another tool: check names them.
        _ = try cli.sqlite("UPDATE agent SET daily_new_leads = 999999999999999999, max_open_leads = 9223372036854775807")
        let check = try cli.run(["check"])
        #expect(check.status != 0 && check.stderr.contains("daily_new_leads") && check.stderr.contains("max_open_leads"), "\(check.stdout)\(check.stderr)")
    }

    // MARK: 15: a negative number is a range message, not "Missing value"

    @Test func negativeNumbersGetARangeMessage() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli)
        refused(try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "-1"]), naming: "--talk-seconds")
        refused(try cli.run(["leads", "allocate", "--seed", "-1"]), naming: "seed")
        refused(try cli.run(["seats", "report", "--month", "-1"]), naming: "--month")
        refused(try cli.run(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "100", "--insured-age", "-1"]), naming: "--insured-age")
        refused(try cli.run(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "-100"]), naming: "--premium")
        refused(try cli.run(["renewals", "collect", "--policy", "1", "--amount", "-5"]), naming: "--amount")
        refused(try cli.run(["renewals", "due", "--within", "-1"]), naming: "--within")
        refused(try cli.run(["plan", "sizing", "--target-sales", "-1"]), naming: "--target-sales")
        refused(try cli.run(["seats", "report", "--from", "-1", "--to", "2026-11-30"]), naming: "--from")
        // The tiers take several values: a negative one is written --tier=-5:5.
        refused(try cli.run(["plan", "campaign", "add", "W", "--name", "x", "--metric", "premium", "--from", "2026-11-01", "--to", "2026-11-20", "--tier=-5:5"]), naming: "--tier")
    }

    // MARK: 20: a count is not money

    @Test func unreadableIncomeIsACount() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let rows = (1...9).map { "1390000010\($0),甲,30,abc" }.joined(separator: "\n")
        let file = try cli.write("incomes.csv", "phone,name,age,income\n" + rows + "\n")
        let csv = try cli.run(["leads", "import", file, "--source", "w", "--format", "csv", "--dry-run"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(!csv.stdout.contains("9.00") && csv.stdout.contains("9"), "\(csv.stdout)")
        let table = try cli.run(["leads", "import", file, "--source", "w"])
        #expect(table.stdout.contains("kept without their income (not an amount): 9"), "\(table.stdout)")
    }
}
