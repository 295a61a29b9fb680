import ArgumentParser
import CallOpsCore
import CallOpsStore

/// `callops init`: creates the database, or migrates an older one; safe to run again.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the database, or bring an older one up to date.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let context = try global.context(access: .create)
        let steps = try context.db.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        try emit("\(global.databasePath) is ready (\(steps.count) schema steps, latest \(steps.last ?? "-")).\n")
    }
}
