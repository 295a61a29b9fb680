import ArgumentParser
import CallOpsCore
import CallOpsStore
import Foundation
import BackOffice
import FollowUp
import LeadData
import Roster

/// The options every command takes (SPEC section 3).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The database file. Default: $CALLOPS_DB, else callops.sqlite here.")
    var db: String?

    @Option(name: .long, help: "The config file. Default: Config/callops.toml when present, else the built-in defaults.")
    var config: String?

    @Option(name: .long, help: "Fix the clock, local time (2026-11-23T10:00). Default: $CALLOPS_NOW, else now.")
    var now: String?

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["CALLOPS_DB"] ?? "callops.sqlite"
    }

    /// The settings: the named file, else the shipped file in the working directory, else defaults.
    func settings() throws -> Settings {
        if let config { return try Settings.load(path: config) }
        if let env = ProcessInfo.processInfo.environment["CALLOPS_CONFIG"] { return try Settings.load(path: env) }
        if FileManager.default.fileExists(atPath: "Config/callops.toml") {
            return try Settings.load(path: "Config/callops.toml")
        }
        return Settings.defaults
    }

    /// The one clock of this run.
    func clock(_ settings: Settings) throws -> Clock {
        let zone = try Clock.zone(named: settings.general.timezone)
        if let fixed = now ?? ProcessInfo.processInfo.environment["CALLOPS_NOW"] {
            return try Clock(fixed: fixed, timeZone: zone)
        }
        return Clock(now: Date(), timeZone: zone)
    }

    /// Settings, clock and the migrated database, built once per command.
    func context() throws -> Context {
        let settings = try settings()
        return Context(
            settings: settings, clock: try clock(settings),
            db: try AppDatabase.open(path: databasePath, schema: CallOpsSchema.all))
    }
}

/// What a command works with.
struct Context {
    let settings: Settings
    let clock: Clock
    let db: AppDatabase
}

/// The migrations of every module, in dependency order.
enum CallOpsSchema {
    static let all: [Migration] = BackOfficeSchema.migrations
}

/// `--format table|json|csv` for commands that list or report.
struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "table, json or csv.")
    var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}

/// Writes a command's output to stdout.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// Writes a warning or note to stderr (never stdout, which JSON mode keeps clean).
func note(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
