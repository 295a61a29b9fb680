import ArgumentParser
import CallOpsCore
import CallOpsStore

/// `callops init`: creates the database, or migrates an older one; safe to run again.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the database, or bring an older one up to date.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        // An existing database that SQLite finds damaged is refused before anything is written
        // to it: bringing it "up to date" would call it ready.
        if let problems = AppDatabase.damageFound(path: global.databasePath, limit: 3) {
            throw CallOpsError.refused(
                "\(Quoted.path(global.databasePath)) is damaged (\(Quoted.value(problems.joined(separator: "; ")))); nothing was changed; run `callops check --db \(Quoted.path(global.databasePath))` to see the damage, and restore the database from a backup (callops backup)")
        }
        let context = try global.context(access: .create)
        let steps = try context.db.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        try emit("\(global.databasePath) is ready (\(steps.count) schema steps, latest \(steps.last ?? "-")).\n")
    }
}
