import ArgumentParser
import CallOpsCore
import CallOpsStore
import Demo
import Foundation
import Roster

/// `callops demo`: a believable center in a new database, then its roster.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Build a believable demo center in a new database and show it.")

    @Option(help: "The database to create. Default: callops-demo.sqlite (replaced if an earlier demo made it).")
    var db: String = "callops-demo.sqlite"
    @Option(name: .long, help: "The config file. Default: Config/callops.toml when present, else built-in defaults.")
    var config: String?
    @Option(name: .long, help: "Fix the clock, local time; the demo's days end today by this clock.")
    var now: String?
    @Option(help: "The random seed; the same seed builds the same center.") var seed: UInt64 = 7
    @Option(help: "How many agents.") var agents: Int = 40

    func validate() throws {
        if agents < 1 || agents > 2_000 { throw ValidationError("--agents must be between 1 and 2000") }
    }

    func run() throws {
        let global = try GlobalOptions.parse(["--db", db] + (config.map { ["--config", $0] } ?? []) + (now.map { ["--now", $0] } ?? []))
        let settings = try global.settings()
        let clock = try global.clock(settings)
        try replaceEarlierDemo(at: db)
        let database = try AppDatabase.open(path: db, schema: CallOpsSchema.all)
        let options = DemoCenter.Options(seed: seed, agents: agents)
        let progress = ProgressBar("demo", total: 100)
        let summary = try DemoCenter.build(database, options: options, settings: settings, clock: clock) { _, fraction in
            progress.update(Int(fraction * 100))
        }
        progress.finish()
        let tiers = Tier.allCases.map { "\($0.rawValue) \(summary.agentsByTier[$0, default: 0])" }.joined(separator: ", ")
        emit("""
            Demo center built in \(db) (seed \(seed), clock \(clock.nowTimestamp)):
              \(summary.teams) teams, \(summary.seats) seats, \(summary.agents) agents (working: \(tiers))

            """)
        var arguments = ["--db", db, "--now", clock.nowTimestamp]
        if let config { arguments += ["--config", config] }
        try RosterCommand.List.parse(arguments).run()
        emit("""

            Next: callops roster list --db \(db) --format json

            """)
    }

    /// The demo builds into a new file; it replaces only a file an earlier demo made.
    private func replaceEarlierDemo(at path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let earlier = try AppDatabase.open(path: path, schema: CallOpsSchema.all)
        let seed = try earlier.read { db in try AppDatabase.meta(db, "demo_seed") }
        guard seed != nil else {
            throw CallOpsError.refused("\(path) exists and was not made by the demo; choose another --db for the demo")
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
