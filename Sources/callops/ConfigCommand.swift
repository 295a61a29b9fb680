import ArgumentParser
import CallOpsCore
import Foundation

/// `callops config check`: the effective settings, or the file, line and key at fault.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the configuration and show the settings in force.",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the config file and print every setting in force (defaults included).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let settings = try global.settings()
            let rows = try Settings.flattened(settings)
            var table = Table(["key", "value"], rows: rows.map { [$0.key, $0.value] })
            table.footer = ["source: \(global.config ?? "built-in defaults or Config/callops.toml")"]
            try emit(try Render.output(settings, table: table, format: output.format), data: output.format != .table)
        }
    }
}

extension Settings {
    /// Every setting as `section.key = value`, in key order, for people to read.
    static func flattened(_ settings: Settings) throws -> [(key: String, value: String)] {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(settings))
        var rows: [(String, String)] = []
        func walk(_ value: Any, _ path: String) {
            if let table = value as? [String: Any] {
                for key in table.keys.sorted() { walk(table[key]!, path.isEmpty ? key : "\(path).\(key)") }
            } else if let array = value as? [Any], array.contains(where: { $0 is [String: Any] }) {
                for (i, item) in array.enumerated() { walk(item, "\(path)[\(i)]") }
            } else {
                let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes])
                rows.append((path, data.map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"))
            }
        }
        walk(object, "")
        return rows
    }
}
