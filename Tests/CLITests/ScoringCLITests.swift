import CallOpsCore
import Foundation
import Testing

/// Learned lead scoring through the built binary (SPEC section 5): train, card, apply, rank, why,
/// stats by score decile; and the Bank Marketing evidence against scikit-learn.
@Suite(.serialized) struct ScoringCLITests {
    /// `../shared/data/bank_marketing/bank-full.csv`, when the shared data is on this machine.
    static let bankFile: URL? = {
        let url = CLI.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/bank_marketing/bank-full.csv")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// One agent, first with room for a whole history of leads, then with a quota of `daily`.
    static func roster(daily: Int) -> String {
        "agent_code,name,team,hire_date,tier,status,daily_new_leads,max_open_leads\nA001,张伟,一组,2024-03-01,top,active,\(daily),50000\n"
    }

    /// A center's history: leads whose sale depends on their income and on an extra column
    /// (`渠道`, the channel the lead came through) that the rule grades do not read.
    static func history(leads: Int, seed: UInt64) -> (leads: String, outcomes: [Bool]) {
        var random = SeededRandom(seed: seed)
        var text = "手机号,姓名,年龄,年收入,职业,婚姻状况,渠道\n"
        var outcomes: [Bool] = []
        let channels = [("车险续保", 1.4), ("网销", 0.0), ("短信", -1.0)]
        for i in 0..<leads {
            let income = Int(random.next() % 30) * 10_000
            let (channel, effect) = channels[Int(random.next() % 3)]
            let age = 22 + Int(random.next() % 40)
            let eta = -2.6 + (income >= 150_000 ? 1.2 : 0) + effect
            outcomes.append(random.chance(1 / (1 + exp(-eta))))
            text += String(format: "139%08d", i + 1) + ",客户\(i),\(age),\(income),\(random.chance(0.5) ? "教师" : "司机"),\(random.chance(0.5) ? "已婚" : "未婚"),\(channel)\n"
        }
        return (text, outcomes)
    }

    /// The outcome of each lead as a call: a sale or a refusal, lead ids `first...`.
    static func calls(_ outcomes: ArraySlice<Bool>, firstID: Int) -> String {
        var text = "call_id,agent_code,lead_id,started_at,talk_seconds,disposition,product,premium\n"
        for (k, sold) in outcomes.enumerated() {
            let id = firstID + k
            text += "c\(id),A001,\(id),2026-11-02T10:00,\(sold ? 600 : 60),\(sold ? "sale,ACC01,300" : "refused,,")\n"
        }
        return text
    }

    @Test func trainApplyRankExplainAndCheckByDecile() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", Self.roster(daily: 50_000))])
        let (leads, outcomes) = Self.history(leads: 2_000, seed: 11)
        // Two batches: 1,600 leads the center worked in early November, 400 fresh ones.
        let lines = leads.split(separator: "\n")
        let imported = try cli.run(["leads", "import", cli.write("history.csv", lines[0...1_600].joined(separator: "\n") + "\n"), "--source", "合作渠道"])
        #expect(imported.status == 0, "\(imported.stderr)")
        _ = try cli.run(["leads", "import", cli.write("fresh.csv", ([lines[0]] + lines[1_601...]).joined(separator: "\n") + "\n"), "--source", "合作渠道"])
        _ = try cli.run(["leads", "allocate", "--batch", "1", "--seed", "1"], now: "2026-11-01T09:00")
        // The first 1,600 leads closed: too few sales at first, so training refuses and stores nothing.
        let firstCalls = try cli.run(["calls", "import", cli.write("calls-1.csv", Self.calls(outcomes[0..<300], firstID: 1))])
        #expect(firstCalls.status == 0, "\(firstCalls.stderr)")
        let early = outcomes[0..<300].filter { $0 }.count
        let refused = try cli.run(["leads", "score", "train"])
        #expect(refused.status != 0 && refused.stderr.contains("\(early) sales among 300 closed leads") && refused.stderr.contains("\(200 - early) more sales"),
                "\(refused.stderr)")
        #expect(try cli.run(["leads", "score", "apply"]).stderr.contains("no model yet"))
        _ = try cli.run(["calls", "import", cli.write("calls-2.csv", Self.calls(outcomes[300..<1_600], firstID: 301))])
        let sales = outcomes[0..<1_600].filter { $0 }.count
        #expect(sales >= 200)

        let trained = try cli.run(["leads", "score", "train", "--seed", "3", "--format", "json"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let card = try #require(try CLI.json(trained) as? [String: Any])
        for key in ["model_id", "trained_at", "leads", "sales", "base_rate", "auc", "grade_auc", "lift_top20", "deciles", "features"] {
            #expect(card[key] != nil, "card lacks \(key)")
        }
        #expect(card["leads"] as? Int == 1_600 && card["sales"] as? Int == sales)
        #expect(abs((card["base_rate"] as? Double ?? 0) - Double(sales) / 1_600) < 1e-9)
        let auc = try #require(card["auc"] as? Double), gradeAUC = try #require(card["grade_auc"] as? Double)
        #expect(auc > 0.7 && auc > gradeAUC + 0.1, "auc \(auc), grades \(gradeAUC)")
        let deciles = try #require(card["deciles"] as? [[String: Any]])
        #expect(deciles.count == 10 && Set(deciles.flatMap(\.keys)) == ["decile", "leads", "predicted", "observed"])
        let features = try #require(card["features"] as? [[String: Any]])
        #expect(features.count == 10 && (features.first?["feature"] as? String)?.hasPrefix("渠道") == true, "\(features)")
        // The same seed trains the same model; the table card says it in words.
        let again = try cli.run(["leads", "score", "train", "--seed", "3"])
        #expect(again.stdout.contains("model 2") && again.stdout.contains(String(format: "hold-out AUC %.3f", auc)) && again.stdout.contains("odds"),
                "\(again.stdout)")

        // The 400 leads never called are scored; the channel of each decides its place.
        let applied = try #require(try CLI.json(cli.run(["leads", "score", "apply", "--format", "json"])) as? [String: Any])
        #expect(applied["scored"] as? Int == 400 && applied["model_id"] as? Int == 2)
        let byDecile = try #require(try CLI.json(cli.run(["leads", "stats", "--by", "score-decile", "--format", "json"])) as? [[String: Any]])
        #expect(byDecile.count == 10 && byDecile.reduce(0) { $0 + ($1["leads"] as? Int ?? 0) } == 400)
        #expect(Set(byDecile.flatMap(\.keys)).isSuperset(of: ["decile", "leads", "contacted", "sold", "premium"]))
        let predicted = byDecile.compactMap { $0["predicted"] as? Double }
        let csv = try cli.run(["leads", "stats", "--by", "score-decile", "--format", "csv"]).stdout
        let header = csv.split(separator: "\n").first.map { Set($0.split(separator: ",").map(String.init)) } ?? []
        #expect(header.isSuperset(of: ["decile", "leads", "predicted", "contacted", "sold", "premium"]) && csv.split(separator: "\n").count == 11, "\(csv)")
        #expect(predicted == predicted.sorted(by: >))

        _ = try cli.run(["roster", "import", cli.write("roster-2.csv", Self.roster(daily: 25))])
        // rank_by = "score": the 25 leads allocated (the agent's daily quota) are the 25 best by score.
        try cli.write("score.toml", "[leads]\nrank_by = \"score\"\n")
        let allocated = try cli.run(["--config", "score.toml", "leads", "allocate", "--seed", "1"])
        #expect(allocated.status == 0, "\(allocated.stderr)")
        let db = cli.folder.appendingPathComponent("test.sqlite").path
        func sql(_ query: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [db, query]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try sql("SELECT COUNT(*) FROM lead WHERE status = 'open'") == "25")
        // Every lead allocated scores at least as high as every lead left in the pool (one grade class
        // sells at one average premium here, so expected premium orders as the score).
        #expect(try sql("SELECT MIN(propensity) >= (SELECT MAX(propensity) FROM lead WHERE status = 'pool') FROM lead WHERE status = 'open'") == "1")
        let queue = try #require(try CLI.json(cli.run(["--config", "score.toml", "queue", "next", "--agent", "A001", "--format", "json"])) as? [[String: Any]])
        let order = try queue.filter { $0["reason"] as? String == "new" }.map { try sql("SELECT propensity FROM lead WHERE id = \($0["lead_id"] as? Int ?? 0)") }.compactMap(Double.init)
        #expect(order.count == 25 && order == order.sorted(by: >))

        // `leads why` gives the score and its three strongest reasons.
        let best = try sql("SELECT id FROM lead WHERE status = 'open' ORDER BY propensity DESC LIMIT 1")
        let why = try cli.run(["leads", "why", best])
        #expect(why.stdout.contains("learned score") && why.stdout.contains("渠道"), "\(why.stdout)")
        let whyJSON = try #require(try CLI.json(cli.run(["leads", "why", best, "--format", "json"])) as? [String: Any])
        let learned = try #require(whyJSON["learned_score"] as? [String: Any])
        #expect((learned["reasons"] as? [Any])?.count == 3 && learned["score"] as? Double != nil)

        // `daily` warns once the model is older than max_model_age_days (30).
        let fresh = try cli.run(["daily", "--out", "d1"], now: "2026-11-24T06:00")
        #expect(fresh.status == 0 && !fresh.stderr.contains("scoring model"), "\(fresh.stderr)")
        let stale = try cli.run(["daily", "--out", "d2"], now: "2026-12-25T06:00")
        #expect(stale.status == 0 && stale.stderr.contains("lead-scoring model was trained 31 days ago"), "\(stale.stderr)")
    }

    @Test func badOptionsAreRefusedWithoutChange() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let holdout = try cli.run(["leads", "score", "train", "--holdout", "0.9"])
        #expect(holdout.status != 0 && holdout.stderr.contains("--holdout"))
        let since = try cli.run(["leads", "score", "train", "--since", "2026-13-01"])
        #expect(since.status != 0 && since.stderr.contains("--since"), "\(since.stderr)")
        try cli.write("bad.toml", "[leads]\nrank_by = \"luck\"\n")
        let config = try cli.run(["--config", "bad.toml", "leads", "allocate"])
        #expect(config.status != 0 && config.stderr.contains("leads.rank_by"), "\(config.stderr)")
    }

    /// The evidence of SPEC section 5: UCI Bank Marketing's 45,211 real phone-campaign outcomes,
    /// imported as leads (every column but `duration`, which is known only after the call, kept as
    /// is), each outcome recorded as a call, a model trained on a seeded 70% and measured on the
    /// other 30%.
    ///
    /// The reference is scikit-learn 1.7's LogisticRegression (C=1) on the same split
    /// (`python3 scripts/score-reference.py`, run once on 2026-11-29; lead id = row number, so the
    /// script repeats callops's split): hold-out 13,657 rows with 1,635 sales;
    ///   numbers standardised, categories one-hot:  AUC 0.7570, top-20% capture 0.5352
    ///   numbers in 10 quantile bins, one-hot:       AUC 0.7633, top-20% capture 0.5511
    /// callops must come within 0.02 AUC of the first (the usual pipeline).
    @Test(.enabled(if: bankFile != nil, "needs ../shared/data/bank_marketing/bank-full.csv (the shared data folder is absent)"))
    func bankMarketingWithinTwoHundredthsOfScikitLearn() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let text = try String(contentsOf: try #require(Self.bankFile), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ";").map { $0.replacingOccurrences(of: "\"", with: "") } }
        let header = lines.removeFirst()
        let drop = try #require(header.firstIndex(of: "duration")), outcome = try #require(header.firstIndex(of: "y"))
        let kept = header.indices.filter { $0 != drop && $0 != outcome }
        var leads = "phone," + kept.map { header[$0] }.joined(separator: ",") + "\n"
        var calls = "call_id,agent_code,lead_id,started_at,talk_seconds,disposition,product,premium\n"
        for (i, fields) in lines.enumerated() {
            leads += String(format: "139%08d", i + 1) + "," + kept.map { fields[$0] }.joined(separator: ",") + "\n"
            let sold = fields[outcome] == "yes"
            calls += "b\(i + 1),A001,\(i + 1),2026-11-02T10:00,60,\(sold ? "sale,DEP01,1000" : "refused,,")\n"
        }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", Self.roster(daily: 50_000))])
        // The bank's clients are 18 to 95: the import's age range and a product's open for them.
        try cli.write("bank.toml", """
            [leads]
            max_age = 100
            [[products]]
            code = "DEP01"
            name = "定期存款"
            line = "pension"
            min_age = 0
            max_age = 100
            commission_rate = 0.1
            typical_premium = 1000.0
            """)
        let imported = try #require(try CLI.json(cli.run(["--config", "bank.toml", "leads", "import", cli.write("bank-leads.csv", leads),
                                                          "--source", "bank", "--format", "json"])) as? [String: Any])
        #expect(imported["accepted"] as? Int == 45_211)
        _ = try cli.run(["--config", "bank.toml", "leads", "allocate", "--seed", "1"], now: "2026-11-01T09:00")
        let recorded = try cli.run(["--config", "bank.toml", "calls", "import", cli.write("bank-calls.csv", calls)])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let trained = try cli.run(["--config", "bank.toml", "leads", "score", "train", "--holdout", "0.3", "--seed", "1", "--format", "json"])
        let card = try #require(try CLI.json(trained) as? [String: Any], "\(trained.stderr)")
        #expect(card["leads"] as? Int == 45_211 && card["sales"] as? Int == 5_289, "leads \(card["leads"] ?? "-"), sales \(card["sales"] ?? "-")")
        #expect(card["holdout_leads"] as? Int == 13_657 && card["holdout_sales"] as? Int == 1_635)
        let auc = try #require(card["auc"] as? Double)
        #expect(abs(auc - 0.7570) <= 0.02, "callops AUC \(auc) against scikit-learn's 0.7570")
        print("Bank Marketing hold-out: callops AUC \(auc), top-20% capture \(card["capture_top20"] ?? "-"), grades' AUC \(card["grade_auc"] ?? "-")")
        #expect(auc > (card["grade_auc"] as? Double ?? 1))
        let capture = try #require(card["capture_top20"] as? Double)
        #expect(capture >= 0.5352 - 0.03, "top-20% capture \(capture) against scikit-learn's 0.5352")
    }
}
