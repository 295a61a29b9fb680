import Foundation
import Testing

/// Issue 14: a value that starts with `-` given as its own argument (`--tier -5:5`) reads as an
/// option; the refusal says exactly what to write instead, and that form works.
@Suite(.serialized) struct HyphenatedValueCLITests {
    @Test func aHyphenatedValueSaysToJoinItToItsOption() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let campaign = ["plan", "campaign", "add", "C1", "--name", "冲刺", "--metric", "premium", "--from", "2026-11-01", "--to", "2026-11-30"]
        // Alone, and after a first value of a list option.
        for tiers in [["--tier", "-5:5"], ["--tier", "100:1", "-5:5"]] {
            let refused = try cli.run(campaign + tiers)
            #expect(refused.status != 0)
            #expect(refused.stderr == "Error: --tier takes a value, and -5:5 starts with '-', so it was read as an option; "
                    + "write the value joined to its option with '=': --tier=-5:5\n", "\(tiers): \(refused.stderr)")
        }
        // Written as told, the value reaches the command, whose own range check speaks.
        let joined = try cli.run(campaign + ["--tier=-5:5"])
        #expect(joined.status != 0 && !joined.stderr.contains("Missing value") && joined.stderr.contains("-5"), "\(joined.stderr)")
        #expect(try cli.run(campaign + ["--tier=100:5"]).status == 0)
        // A free text: a note that starts with a dash.
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        try cli.ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n"), "--source", "v"])
        try cli.ok(["leads", "allocate", "--seed", "1"])
        let note = try cli.run(["calls", "log", "--lead", "1", "--agent", "A001", "--disposition", "no_answer", "--note", "-late"])
        #expect(note.stderr.contains("--note=-late"), "\(note.stderr)")
        try cli.ok(["calls", "log", "--lead", "1", "--agent", "A001", "--disposition", "no_answer", "--note=-late"])
        #expect(try cli.sqlite("SELECT note FROM call") == "-late\n")
        // A command's own argument: after `--`. A command name before it is no option's value.
        let file = try cli.write("-5.csv", "phone,name,age\n13900000002,李四,40\n")
        let positional = try cli.run(["--db", "test.sqlite", "leads", "import", "-5.csv", "--source", "w"])
        #expect(positional.stderr == "Error: -5.csv starts with '-', so it was read as an option; write the command's options first, then `--`, then the argument: -- -5.csv\n",
                "\(positional.stderr)")
        #expect(file.hasSuffix("-5.csv"))
        try cli.ok(["leads", "import", "--source", "w", "--", "-5.csv"])
        #expect(try cli.sqlite("SELECT count(*) FROM lead") == "2\n")
    }
}
