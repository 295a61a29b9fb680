import ArgumentParser
import BackOffice
import CallOpsCore
import CallOpsStore

/// `callops recruit` (SPEC section 9, 招募岗): candidates through the funnel to signing.
struct RecruitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recruit", abstract: "Recruiting: candidates from sourcing to signing; the funnel per channel.",
        subcommands: [Add.self, Advance.self, Drop.self, List.self, Report.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a candidate (stage sourced).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The candidate's name.") var name: String
        @Option(help: "referral, job_site, campus or agency.") var channel: RecruitChannel
        @Option(help: "The candidate's phone.") var phone: String?
        @Option(parsing: .unconditional, help: "The day, YYYY-MM-DD (default: today).") var date: String?

        func run() throws {
            let context = try global.context()
            let day = try date.map { try parseDay($0, option: "--date") } ?? context.clock.civilToday
            let id = try context.db.transaction { db in try Recruiting.add(db, name: name, channel: channel, phone: phone, on: day) }
            try emit("candidate \(id) added (\(channel.rawValue), sourced on \(day))\n")
        }
    }

    struct Advance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a candidate to the next stage: sourced, contacted (唤醒), assessed (职业测评), interview_1..3, offer, pre_job_training, signed.",
            discussion: "Signing creates the agent on probation, hired that day, and enrols the pre-job course: give --agent-code and --team (and --seat, --course when needed).")

        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "The candidate id.") var candidate: Int64
        @Option(parsing: .unconditional, help: "The day, YYYY-MM-DD (default: today).") var date: String?
        @Option(name: .customLong("agent-code"), help: "Signing: the new agent's code.") var agentCode: String?
        @Option(help: "Signing: the team.") var team: String?
        @Option(help: "Signing: a seat.") var seat: String?
        @Option(help: "Reaching pre_job_training or signing: the pre-job course (default: the only one).") var course: String?

        func validate() throws {
            if (agentCode == nil) != (team == nil) { throw ValidationError("--agent-code and --team go together, to sign a candidate") }
        }

        func run() throws {
            let context = try global.context()
            let day = try date.map { try parseDay($0, option: "--date") } ?? context.clock.civilToday
            let signing = agentCode.map { Recruiting.Signing(agentCode: $0, team: team!, seat: seat, course: course) }
            let stage = try context.db.transaction { db in try Recruiting.advance(db, candidate: candidate, on: day, signing: signing, course: course) }
            if stage == .signed, let agentCode {
                try emit("candidate \(candidate) signed on \(day): agent \(agentCode) on probation in \(team!), with the pre-job course and its result carried over\n")
            } else {
                try emit("candidate \(candidate) is at \(stage.rawValue) since \(day)\n")
            }
        }
    }

    struct Drop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Drop a candidate, with the reason.")

        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "The candidate id.") var candidate: Int64
        @Option(help: "Why.") var reason: String
        @Option(parsing: .unconditional, help: "The day, YYYY-MM-DD (default: today).") var date: String?

        func run() throws {
            let context = try global.context()
            let day = try date.map { try parseDay($0, option: "--date") } ?? context.clock.civilToday
            try context.db.transaction { db in try Recruiting.drop(db, candidate: candidate, reason: reason, on: day) }
            try emit("candidate \(candidate) dropped on \(day): \(reason)\n")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Candidates in the funnel by stage, with days in stage (--all: signed and dropped too).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Flag(help: "Signed and dropped candidates too.") var all = false

        func run() throws {
            let context = try global.readingContext()
            let list = try context.db.read { db in try Recruiting.list(db, today: context.clock.civilToday, all: all) }
            let table = CallOpsCore.Table(["id", "name", "channel", "stage", "since", ">days", "dropped", "reason", "agent"], rows: list.map {
                [String($0.id), $0.name, $0.channel, $0.stage, $0.since, String($0.daysInStage), $0.dropped ?? "", $0.dropReason ?? "", $0.agentCode ?? ""]
            })
            try emit(try Render.output(list, table: table, format: output.format), data: output.format != .table)
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The funnel per channel: candidates reaching each stage, stage-to-stage conversion, average days in stage.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: ReportOutputOption
        @Option(parsing: .unconditional, help: "Candidates sourced from this day, YYYY-MM-DD (default: the first ever).") var from: String?
        @Option(parsing: .unconditional, help: "...to this day (default: today).") var to: String?
        @Flag(help: "Retention instead: per channel and signing month, the share of hires still on the roster 3, 6 and 12 months later.")
        var retention = false

        func run() throws {
            let context = try global.readingContext()
            if retention {
                let rows = try context.db.read { db in Retention.rows(try Recruiting.hires(db), today: context.clock.civilToday) }
                let table = CallOpsCore.Table(["channel", "signed in", ">signed", ">3 months", ">6 months", ">12 months"], rows: rows.map {
                    [$0.channel, $0.month, String($0.signed), Render.percent($0.retained3m), Render.percent($0.retained6m), Render.percent($0.retained12m)]
                })
                try output.present(global: global, rows, text: table.rendered)
                return
            }
            let start = try from.map { try parseDay($0, option: "--from") } ?? CivilDay("0001-01-01")!
            let end = try to.map { try parseDay($0, option: "--to") } ?? context.clock.civilToday
            let funnels = try context.db.read { db in try Recruiting.funnels(db, from: start, to: end) }
            let table = CallOpsCore.Table(["channel", "stage", ">reached", ">conversion", ">now", ">dropped", ">avg days"], rows: funnels.flatMap { f in
                f.stages.map { s in
                    [f.channel, s.stage, String(s.reached), Render.percent(s.conversion), String(s.now), String(s.dropped),
                     s.averageDays.map { Render.number($0) } ?? "-"]
                } + [[f.channel, "all stages", "", "", "", String(f.dropped), ""]]
            })
            // CSV is the funnel itself, one row per channel and stage; `dropped` counts those
            // dropped at the stage, so a channel's rows sum to its dropped count (JSON's `dropped`).
            try output.present(global: global, funnels, main: "stages", text: table.rendered)
        }
    }
}

extension RecruitChannel: ExpressibleByArgument {}
