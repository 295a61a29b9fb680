import CallOpsCore
import CallOpsStore
import Foundation
import Roster

@testable import LeadData

/// A temporary folder with a fresh database, the seeds' settings and a fixed clock.
final class LeadFixture {
    let folder: URL
    let db: AppDatabase
    var settings = Settings.defaults
    var clock: Clock

    init(now: String = "2026-11-23T10:00") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-leads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        db = try AppDatabase.open(path: folder.appendingPathComponent("t.sqlite").path, schema: LeadDataSchema.migrations)
        clock = try Clock(fixed: now, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Moves the clock.
    func at(_ time: String) throws { clock = try Clock(fixed: time, timeZone: clock.timeZone) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func importLeads(_ path: String, source: String = "vendor", configure: (inout ImportOptions) -> Void = { _ in }) throws -> ImportSummary {
        var options = ImportOptions(source: source)
        configure(&options)
        return try LeadImporter(settings: settings, clock: clock).run(path: path, options: options, db: db)
    }

    func roster(_ rows: [RosterRow]) throws {
        _ = try db.transaction { db in try RosterImport.apply(db, roster: RosterFile(rows: rows, hasSeatColumn: false), file: "test") }
    }

    /// A valid, distinct mobile number for index `i`.
    static func phone(_ i: Int) -> String { String(format: "139%08d", i) }

    func count(_ sql: String) throws -> Int { try db.read { db in try Int.fetchOne(db, sql: sql) ?? 0 } }
}

/// `../shared/data`, or nil (tests that need it skip).
let sharedData: URL? = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
}()
