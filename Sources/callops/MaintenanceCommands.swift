import ArgumentParser
import Foundation
import CallOpsCore
import CallOpsStore
import FollowUp
import LeadData

/// `callops backup FILE`: a consistent copy while the database is in use.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the database safely, even while other runs use it.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The new file to write.") var file: String

    func run() throws {
        // Writes the audit log, so not a read-only command: a backup copies every number, and
        // its audit row cannot be written on a database that is read-only here, so the backup
        // (all of it the export to audit) is refused with the reason rather than SQLite's.
        let path = global.databasePath
        if !path.isEmpty, FileManager.default.fileExists(atPath: path), !AppDatabase.isWritableHere(path) {
            _ = try global.readingContext()
            throw CallOpsError.refused(
                "\(Quoted.path(path)) is read-only here: a backup copies every customer's number, and each such copy is recorded in the database's audit log, which cannot be written; nothing was written; run the backup as a user who can write the database and its folder")
        }
        let context = try global.context()
        try OutputFile.check(file, option: "backup FILE", database: global.databasePath)
        try context.db.backup(to: file)
        // The copy holds every number: audited once it is safely in place, and taken back when
        // the audit cannot be written (a copy of every number, unaudited, must not stay).
        do {
            try context.db.transaction { db in
                let numbers = try Leads.count(db)
                try AuditLog.record(db, command: "backup \(file)", numbers: numbers, clock: context.clock)
            }
        } catch {
            unlink(file)
            throw error
        }
        try emit("backed up \(Quoted.path(global.databasePath)) to \(Quoted.path(file)) (checked with quick_check)\n")
    }
}

/// `callops check`: SQLite's integrity check and the domain's invariants.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check the database: SQLite integrity and the domain's invariants.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .customLong("repair-aggregates"), help: "Rebuild the per-agent-day activity from the calls and policies first (audited).")
    var repairAggregates = false

    /// "1 problem found", "3 problems found".
    static func found(_ count: Int) -> String { "\(count) \(count == 1 ? "problem" : "problems") found" }

    func run() throws {
        // Only the repair writes; a plain check works on a read-only file.
        let context: Context
        do {
            context = repairAggregates ? try global.context() : try global.readingContext()
        } catch {
            // Too damaged to open as a database: SQLite's findings still show what is wrong.
            guard !repairAggregates, let problems = AppDatabase.damageFound(path: global.databasePath) else { throw error }
            throw CallOpsError.refused("\(Self.found(problems.count)) (the invariants cannot run: the database cannot be opened):\n  " + problems.joined(separator: "\n  "))
        }
        if repairAggregates {
            let wrong = try context.db.transaction { db in
                let wrong = try ActivityAggregate.rebuild(db)
                try AuditLog.record(db, command: "check --repair-aggregates (\(wrong) agent-days rebuilt)", numbers: 0, clock: context.clock)
                return wrong
            }
            try emit("rebuilt the per-agent-day activity from the calls and policies: \(wrong) agent-days were wrong\n")
        }
        // SQLite's findings first; then each invariant that can run. On a damaged file an
        // invariant that reads a damaged page is reported as one, never thrown, so the
        // integrity check's findings are always shown.
        var problems = try context.db.integrityProblems()
        for invariant in Invariants.all {
            do {
                problems += try context.db.inspect { db in try invariant.violations(db) }
            } catch {
                problems.append("\(invariant.name): could not be checked (\(AppDatabase.sqliteMessage(error)))")
            }
        }
        if problems.isEmpty {
            try emit("ok: integrity check passed, \(Invariants.names.count) invariants hold (\(Invariants.names.joined(separator: "; ")))\n")
        } else {
            throw CallOpsError.refused("\(Self.found(problems.count)):\n  " + problems.joined(separator: "\n  "))
        }
    }
}
