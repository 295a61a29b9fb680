import ArgumentParser
import CallOpsCore
import CallOpsStore
import Foundation

/// `callops init`: creates the database, or migrates an older one; safe to run again.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the database, or bring an older one up to date.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        // An existing database that SQLite finds damaged is refused before anything is written
        // to it: bringing it "up to date" would call it ready.
        if let problems = AppDatabase.damageFound(path: global.databasePath, limit: 3) {
            throw AppDatabase.damageRefusal(path: global.databasePath, problems: problems)
        }
        var info = stat()
        let existed = stat(global.databasePath, &info) == 0 && info.st_size > 0
        if existed && !AppDatabase.isWritableHere(global.databasePath) {
            // An existing database this process cannot write (the file or its folder): nothing
            // to create; read as a report reads it, which refuses a foreign file and asks for a
            // writable copy when the file is out of date.
            let context = try global.readingContext()
            let steps = try context.db.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
            try emit("\(global.databasePath) already exists and is up to date (\(steps.count) schema steps, latest \(steps.last ?? "-")); it is read-only here, so nothing was changed.\n")
            return
        }
        let context = try global.context(access: .create)
        let steps = try context.db.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        try emit("\(global.databasePath) \(existed ? "already exists and " : "")is ready (\(steps.count) schema steps, latest \(steps.last ?? "-")).\n")
    }
}
