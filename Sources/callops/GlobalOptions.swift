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

    @Option(name: .long, parsing: .unconditional, help: "Fix the clock, local time (2026-11-23T10:00). Default: $CALLOPS_NOW, else now.")
    var now: String?

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["CALLOPS_DB"] ?? "callops.sqlite"
    }

    /// The config file this run reads, if any: an input no output may land on.
    var configPath: String? {
        if let config { return config }
        if let env = ProcessInfo.processInfo.environment["CALLOPS_CONFIG"] { return env }
        return FileManager.default.fileExists(atPath: "Config/callops.toml") ? "Config/callops.toml" : nil
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
            let clock = try Clock(fixed: fixed, timeZone: zone)
            // The clock is a day as any other date option (SPEC section 12): 9999-12-31 opened the
            // queue in the year 10000.
            try InputRange.day(clock.civilToday, field: now != nil ? "--now" : "CALLOPS_NOW", written: fixed)
            return clock
        }
        return Clock(now: Date(), timeZone: zone)
    }

    /// Settings, clock and the migrated database, built once per command. The database must
    /// already exist (only `init` and `demo` create one, with `access: .create`); a command that
    /// only reads opens it read-only.
    func context(access: AppDatabase.Access = .readWrite) throws -> Context {
        let settings = try settings()
        let clock = try clock(settings)
        let path = databasePath
        let db = try AppDatabase.open(
            path: path, schema: CallOpsSchema.all, access: access, busyWait: TimeInterval(settings.general.busyWaitSeconds),
            onWait: {
                note("waiting for another callops run to finish with \(Quoted.path(path)) (up to \(settings.general.busyWaitSeconds) s, general.busy_wait_seconds)...")
            })
        OpenDatabases.shared.add(db)
        return Context(settings: settings, clock: clock, db: db)
    }

    /// Context for a bulk writer (imports, allocation, recycling, scoring, pay run, the nightly
    /// batch): the database opened for writing and refused, unchanged, when SQLite's quick check
    /// finds it damaged. The check runs beside the command (README, "Checking and keeping the
    /// database", has the cost): its transaction passes it before COMMIT, its outputs before
    /// they are placed and its stdout before it is written; a run that fails meanwhile says
    /// what the check found (`CallOps.main`).
    func checkedContext() throws -> Context {
        let context = try context()
        try context.db.startDamageCheck()
        let db = context.db
        OutputFile.setPlacingGate { try db.passDamageCheck() }
        return context
    }

    /// Context for a command that only reads: the database opened read-only.
    func readingContext() throws -> Context { try context(access: .readOnly) }

    /// Context for a bulk writer's `--dry-run`, which writes nothing: as `checkedContext` on a
    /// database this process can write; on one it cannot (the file or its folder), the file
    /// is read, checked and copied into memory, where the dry run does its work and rolls it
    /// back. Rejected rows (`rejects`) hold whole numbers, and their export must be audited in
    /// the database (SPEC section 12): refused there, with what to do.
    func dryRunContext(rejects: String?) throws -> Context {
        let path = databasePath
        guard !path.isEmpty, FileManager.default.fileExists(atPath: path), !AppDatabase.isWritableHere(path) else { return try checkedContext() }
        let reading = try readingContext()
        try reading.db.refuseIfDamaged()
        if let rejects {
            throw CallOpsError.refused(
                "--rejects \(Quoted.path(rejects)) would write whole numbers, and each such export is recorded in the audit log, which cannot be written: \(Quoted.path(path)) is read-only here; nothing was written; drop --rejects for the dry run, or run it where the database is writable")
        }
        return Context(settings: reading.settings, clock: reading.clock, db: try reading.db.scratchCopy())
    }
}

/// The databases this run opened, closed (WAL checkpointed and removed) when the run ends, also
/// after a failure: a run leaves no file behind but the database.
final class OpenDatabases: @unchecked Sendable {
    static let shared = OpenDatabases()
    private let lock = NSLock()
    private var open: [AppDatabase] = []
    private var lastPath: String?

    func add(_ db: AppDatabase) {
        lock.lock()
        defer { lock.unlock() }
        open.append(db)
        lastPath = db.path
    }

    /// The database this run opened last, kept after `closeAll`, for messages.
    var path: String? {
        lock.lock()
        defer { lock.unlock() }
        return lastPath
    }

    /// Waits for the damage check of each database that runs one, and throws its refusal.
    func passDamageChecks() throws {
        for db in all() { try db.passDamageCheck() }
    }

    /// `error`, or the refusal of a database whose check (run beside the failed command) found it damaged.
    func damageRefusal(replacing error: any Error) -> any Error {
        all().lazy.compactMap { $0.refusalIfCheckFoundDamage() }.first ?? error
    }

    private func all() -> [AppDatabase] {
        lock.lock()
        defer { lock.unlock() }
        return open
    }

    func closeAll() {
        lock.lock()
        let all = open
        open = []
        lock.unlock()
        for db in all { try? db.close() }
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

/// Writes a command's output to stdout. Control characters from data (a lead named with escape
/// sequences) are shown escaped, never obeyed: always in text for people, since a pipe into
/// `less -R` or `cat` reaches a terminal too; in `data` (CSV, JSON, HTML, which keep their own
/// rules) only when stdout is a terminal. A write that fails (a full disk, a closed pipe)
/// throws, so a command that audits what it showed records it only after the output was written.
func emit(_ text: String, data: Bool = false) throws {
    // A bulk writer's output waits for its database's check, as its files do.
    try OutputFile.passPlacingGate()
    let shown = !data || isatty(STDOUT_FILENO) == 1 ? Quoted.escapingControls(text, keepNewlines: true) : text
    let bytes = Array(shown.utf8)
    var written = 0
    while written < bytes.count {
        let count = bytes.withUnsafeBytes { buffer in
            Glibc.write(STDOUT_FILENO, buffer.baseAddress! + written, buffer.count - written)
        }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else {
            let reason = errno == ENOSPC ? "the disk is full" : String(cString: strerror(errno))
            // Not "nothing was changed": a command that writes the database has committed by now.
            throw CallOpsError.refused("stdout cannot be written (\(reason)); the output is incomplete")
        }
        written += count
    }
}

/// Writes a warning or note to stderr (never stdout, which JSON mode keeps clean).
func note(_ text: String) {
    let safe = Quoted.escapingControls(text, keepNewlines: true)
    FileHandle.standardError.write(Data((safe.hasSuffix("\n") ? safe : safe + "\n").utf8))
}
