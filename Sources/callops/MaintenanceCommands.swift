import ArgumentParser
import CallOpsCore
import CallOpsStore

/// `callops backup FILE`: a consistent copy while the database is in use.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the database safely, even while other runs use it.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The new file to write.") var file: String

    func run() throws {
        let context = try global.context()
        try context.db.backup(to: file)
        emit("backed up \(global.databasePath) to \(file)\n")
    }
}

/// `callops check`: SQLite's integrity check and the domain's invariants.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check the database: SQLite integrity and the domain's invariants.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let context = try global.context()
        var problems = try context.db.integrityProblems()
        problems += try context.db.read { db in try Invariants.violations(db) }
        if problems.isEmpty {
            emit("ok: integrity check passed, \(Invariants.names.count) invariants hold (\(Invariants.names.joined(separator: "; ")))\n")
        } else {
            throw CallOpsError.refused("\(problems.count) problems found:\n  " + problems.joined(separator: "\n  "))
        }
    }
}
