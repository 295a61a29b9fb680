import ArgumentParser
import BackOffice
import CallOpsCore
import CallOpsStore

/// `callops training` (SPEC section 9, 培训岗).
struct TrainingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training", abstract: "Training: courses, enrolments and results; a passed pre-job course opens the lead gate.",
        subcommands: [Course.self, Enroll.self, Complete.self, Report.self])

    struct Course: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Courses.", subcommands: [TrainingCommand.Add.self])
    }


    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a course of kind pre_job (岗前), bridging (新人衔训), regularization (转正) or level (层级).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The course code.") var code: String
        @Option(help: "The course's name.") var name: String
        @Option(help: "pre_job, bridging, regularization or level.") var kind: CourseKind

        func run() throws {
            let context = try global.context()
            try context.db.transaction { db in try Training.addCourse(db, code: code, name: name, kind: kind) }
            try emit("course \(code) added (\(kind.rawValue))\n")
        }
    }

    struct Enroll: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enrol agents, or candidates in pre-job training before signing, in a course.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The course code.") var course: String
        @Option(parsing: .upToNextOption, help: "Agent codes.") var agent: [String] = []
        @Option(parsing: .upToNextOption, help: "Candidate ids (before signing).") var candidate: [Int64] = []

        func validate() throws {
            if agent.isEmpty == candidate.isEmpty { throw ValidationError("name agents with --agent or candidates with --candidate (one of the two)") }
        }

        func run() throws {
            let context = try global.context()
            let added = try context.db.transaction { db in
                candidate.isEmpty ? try Training.enroll(db, course: course, agents: agent, on: context.clock.today)
                    : try Training.enroll(db, course: course, candidates: candidate, on: context.clock.today)
            }
            try emit("\(added) enrolled in \(course) (\(agent.count + candidate.count - added) already were)\n")
        }
    }

    struct Complete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an enrolled agent's or candidate's result.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The course code.") var course: String
        @Option(help: "The agent's code.") var agent: String?
        @Option(parsing: .unconditional, help: "The candidate id (before signing).") var candidate: Int64?
        @Option(help: "passed or failed.") var result: String
        @Option(parsing: .unconditional, help: "Score, 0 to 100.") var score: Int?

        func validate() throws {
            if !["passed", "failed"].contains(result) { throw ValidationError("--result is passed or failed") }
            if (agent == nil) == (candidate == nil) { throw ValidationError("name the agent with --agent or the candidate with --candidate (one of the two)") }
        }

        func run() throws {
            let context = try global.context()
            try context.db.transaction { db in
                if let candidate {
                    try Training.complete(db, course: course, candidate: candidate, passed: result == "passed", score: score, on: context.clock.today)
                } else {
                    try Training.complete(db, course: course, agent: agent!, passed: result == "passed", score: score, on: context.clock.today)
                }
            }
            try emit("\(agent ?? "candidate \(candidate!)"): \(result) \(course)\n")
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each course with enrolled, passed, failed and the average score; or the regularisation list.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: ReportOutputOption
        @Flag(help: "List probation agents ready to regularise (转正): past roster.probation_days (90), the regularisation course passed, a sale in the last roster.regularization_sales_days (30).")
        var regularization = false

        func run() throws {
            let context = try global.readingContext()
            if regularization {
                let list = try context.db.read { db in try Training.regularizationList(db, clock: context.clock, rules: context.settings.roster) }
                let table = Table(["agent", "name", "team", "hired", ">days", ">sales (30 d)"], rows: list.map {
                    [$0.agentCode, $0.name, $0.team, $0.hireDate, String($0.daysEmployed), String($0.salesLast30Days)]
                })
                try output.present(global: global, list, text: table.rendered)
                return
            }
            let rows = try context.db.read(Training.report)
            let table = Table(["course", "name", "kind", ">enrolled", ">passed", ">failed", ">avg score"], rows: rows.map {
                [$0.course, $0.name, $0.kind, String($0.enrolled), String($0.passed), String($0.failed), $0.averageScore.map { Render.number($0) } ?? "-"]
            })
            try output.present(global: global, rows, text: table.rendered)
        }
    }
}

extension CourseKind: ExpressibleByArgument {}
