import Foundation
import Testing

/// Cross-sell with the shipped config, end to end (SPEC section 7): seed 002's family.
@Suite(.serialized) struct CrossSellCLITests {
    @Test func seed002FamilyWithTheShippedConfig() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let config = CLI.packageRoot.appendingPathComponent("Config/callops.toml").path
        func run(_ arguments: [String], now: String = "2026-11-23T10:00") throws -> CLI.Result {
            let result = try cli.run(["--config", config] + arguments, now: now)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result
        }
        _ = try run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        // A 30-year-old, married, one child, who buys accident cover for himself only.
        _ = try run(["leads", "import", cli.write("l.csv", "phone,name,age,marital,children\n13900000001,张三,30,已婚,1\n"), "--source", "v"])
        _ = try run(["leads", "allocate", "--seed", "1"])
        _ = try run(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "300"])
        _ = try run(["customers", "family", "add", "--lead", "1", "--relation", "child", "--age", "4"])
        let offers = try #require(try CLI.json(run(["queue", "cross-sell", "--agent", "A001", "--format", "json"], now: "2026-12-10T10:00")) as? [[String: Any]])
        #expect(offers.map { "\($0["member"] as? String ?? "?") \($0["line"] as? String ?? "?")" } == [
            "spouse accident", "self critical_illness", "self pension", "child accident", "child education",
        ])
        #expect(offers.map { $0["rank"] as? Int } == [1, 2, 3, 4, 5])
    }
}
