import ArgumentParser
import CallOpsCore
import CallOpsStore
import Foundation

@main
struct CallOps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callops",
        abstract: "The operations manager of an insurance telesales center, on one SQLite database.",
        discussion: """
            Global options (--db, --config, --now) stand before or after the command:
              callops --db center.sqlite roster list --format json
            Environment: CALLOPS_DB, CALLOPS_NOW, CALLOPS_CONFIG.
            Start with `callops demo`, then `callops seats report --db callops-demo.sqlite`.
            """,
        subcommands: [
            InitCommand.self, ConfigCommand.self, RosterCommand.self, LeadsCommand.self, CallsCommand.self, QueueCommand.self, SalesCommand.self, CustomersCommand.self, SeatsCommand.self, PlanCommand.self, DailyCommand.self, TrainingCommand.self, RecruitCommand.self, PayCommand.self, RenewalsCommand.self,
            DemoCommand.self, BackupCommand.self, CheckCommand.self,
        ]
    )

    /// Lets the global options stand before the command too (`callops --db x roster list`),
    /// as SPEC section 3 writes them: they are moved behind the command words before parsing.
    static func reorderedArguments(_ arguments: [String]) -> [String] {
        let globals: Set<String> = ["--db", "--config", "--now"]
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if globals.contains(first), rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if let name = first.split(separator: "=").first, first.contains("="), globals.contains(String(name)) {
                leading.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        // After `--` every word is a command's argument: the global options go before it, or
        // `--db x leads why -- 1` would read them as arguments of `leads why`.
        if let end = rest.firstIndex(of: "--") {
            return Array(rest[..<end]) + leading + Array(rest[end...])
        }
        return Array(rest) + leading
    }

    static func main() {
        let arguments = reorderedArguments(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            // A bulk writer that finished before its database's check waits for it.
            try OpenDatabases.shared.passDamageChecks()
            OpenDatabases.shared.closeAll()
        } catch {
            // A bulk writer that failed while its database's check ran (on a damaged page, say)
            // says what the check found, as when the check ran first.
            let error = OpenDatabases.shared.damageRefusal(replacing: error)
            OpenDatabases.shared.closeAll()
            fail(error)
        }
    }

    /// Ends the run on `error`: argument errors as the parser shows them; every other error one
    /// sentence on stderr, its quoted values cut to 80 characters and control characters escaped,
    /// never Foundation's raw domain and code.
    static func fail(_ error: any Error) -> Never {
        let message: String
        if let own = error as? CallOpsError {
            message = own.description
        } else if type(of: error) is NSError.Type || error is CocoaError || error is POSIXError {
            message = Quoted.describe(error)
        } else if let database = error as? DatabaseError {
            // A database error no module put into words (a damaged page found mid-command): the
            // store's sentence for it, never GRDB's raw text.
            message = AppDatabase.explain(database, path: OpenDatabases.shared.path ?? "the database").description
        } else {
            // The parser's own errors: help and --version as they are; a refusal with any long
            // value it quotes cut to 80 characters (a 5,000-digit lead id once filled the screen).
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            if let hint = hyphenatedValueHint(fullMessage(for: error), arguments: CommandLine.arguments.dropFirst()) {
                FileHandle.standardError.write(Data("Error: \(Quoted.message(hint))\n".utf8))
                Foundation.exit(code.rawValue)
            }
            let words: [String] = fullMessage(for: error).components(separatedBy: " ")
            // The parser echoes the argument it refuses: escaped like any value from outside, so
            // `leads why $'1\e[2J'` cannot clear the screen.
            let text = Quoted.escapingControls(words.map { word -> String in
                word.count > 80 ? word.prefix(80) + "…(\(word.count) characters)" : word
            }.joined(separator: " "), keepNewlines: true)
            FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
            Foundation.exit(code.rawValue)
        }
        FileHandle.standardError.write(Data("Error: \(Quoted.message(message))\n".utf8))
        Foundation.exit(ExitCode.failure.rawValue)
    }

    /// What to write when a value starting with `-` was read as an option (`--tier -5:5`,
    /// `--note -late`): the parser only says "Missing value" or "Unknown option"; the value is
    /// given joined to its option, `--tier=-5:5`, which the parser reads as a value. Nil for
    /// any other refusal.
    static func hyphenatedValueHint(_ message: String, arguments: ArraySlice<String>) -> String? {
        let words = Array(arguments)
        func hint(option: String, value: String) -> String {
            "\(option) takes a value, and \(Quoted.value(value)) starts with '-', so it was read as an option; write the value joined to its option with '=': \(option)=\(value)"
        }
        if let range = message.range(of: "Missing value for '--") {
            // "Missing value for '--tier <tier>'": the option is the word after the quote.
            let option = "--" + message[range.upperBound...].prefix { $0 != " " && $0 != "'" }
            guard let i = words.firstIndex(of: option), i + 1 < words.count, words[i + 1].hasPrefix("-") else { return nil }
            return hint(option: option, value: words[i + 1])
        }
        if message.contains("Missing expected argument '<"),
           let value = words.first(where: { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0 != "-h" }) {
            // A command's own argument (a lead id, a file) that starts with '-': callops has no
            // one-dash options, so it was meant as the argument.
            return "\(Quoted.value(value)) starts with '-', so it was read as an option; write the command's options first, then `--`, then the argument: -- \(value)"
        }
        if let range = message.range(of: "Unknown option '-") {
            // A list option (`--tier 100:1 -5:5`) stops at the value: it is the unknown "option".
            let value = "-" + message[range.upperBound...].prefix { $0 != "'" }
            // Between the option and the value only its other values, never a command's name
            // (`--db x leads import -5.csv` is no value of --db).
            guard let i = words.firstIndex(of: value), value.dropFirst().first.map({ $0.isNumber }) == true,
                  let o = words[..<i].lastIndex(where: { $0.hasPrefix("-") }), words[o].hasPrefix("--"), !words[o].contains("="),
                  words[(o + 1)..<i].allSatisfy({ word in !word.allSatisfy { $0.isLowercase || $0 == "-" } }) else {
                // A command's list of arguments (`leads dnc add 1380 -1381`) that holds a negative
                // value: the arguments go after `--`.
                guard let i = words.firstIndex(of: value), value.dropFirst().first.map({ $0.isNumber }) == true else { return nil }
                // The arguments around it: back to the command's last word, on to the next option.
                let before = words[..<i].reversed().prefix { !$0.hasPrefix("-") && !$0.allSatisfy { $0.isLowercase || $0 == "-" } }
                let after = words[(i + 1)...].prefix { !$0.hasPrefix("--") }
                let arguments = (before.reversed() + [value] + after).joined(separator: " ")
                return "\(Quoted.value(value)) starts with '-', so it was read as an option; write the command's options first, then `--`, then the arguments: -- \(arguments)"
            }
            return hint(option: words[o], value: value)
        }
        return nil
    }
}
