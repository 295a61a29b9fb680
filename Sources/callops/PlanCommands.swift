import ArgumentParser
import BackOffice
import CallOpsCore
import CallOpsStore
import Foundation

extension PlanCommand {
    struct Campaign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "campaign", abstract: "Incentive campaigns (激励方案): a metric, a period, a team or the center, reward tiers.",
            subcommands: [Add.self, Standings.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a campaign.")

            @OptionGroup var global: GlobalOptions
            @Argument(help: "The campaign's code.") var code: String
            @Option(help: "Its name.") var name: String
            @Option(help: "premium, policies, effective_calls or active_days (days with a sale).") var metric: CampaignMetric
            @Option(parsing: .unconditional, help: "First day, YYYY-MM-DD.") var from: String
            @Option(parsing: .unconditional, help: "Last day, YYYY-MM-DD.") var to: String
            @Option(help: "Only this team (default: the whole center).") var team: String?
            @Option(parsing: .upToNextOption, help: "Reward tiers THRESHOLD:REWARD (yuan), such as 50000:800 100000:2000.") var tier: [String]

            func run() throws {
                let context = try global.context()
                let tiers = try tier.map { text in
                    guard let parsed = RewardTier(parsing: text) else {
                        throw CallOpsError.invalidValue(field: "--tier", value: text, expected: "THRESHOLD:REWARD in plain decimals, such as 50000:800, a threshold above 0 and a reward from 0 with at most 2 decimals (fen), each up to 100,000,000")
                    }
                    return parsed
                }
                let first = try parseDay(from, option: "--from"), last = try parseDay(to, option: "--to")
                try context.db.transaction { db in
                    try Campaigns.add(db, code: code, name: name, metric: metric, from: first, to: last, team: team, tiers: tiers)
                }
                try emit("campaign \(code) added: \(metric.rawValue) from \(first) to \(last), \(team ?? "the whole center"), \(tiers.count) tiers\n")
            }
        }

        struct Standings: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The standings: rank (ties share one), value, tier reached, reward, what the next tier needs.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: ReportOutputOption
            @Argument(help: "The campaign's code.") var code: String

            func run() throws {
                let context = try global.readingContext()
                let result = try context.db.read { db in try Campaigns.standings(db, code: code, today: context.clock.civilToday) }
                let money = result.metric == .premium
                func show(_ value: Double) -> String { money ? Money(yuan: value).description : Render.number(value, digits: 0) }
                let table = CallOpsCore.Table(["rank", "agent", "name", "team", ">\(result.metric.rawValue)", ">tier", ">reward ¥", ">to next tier"],
                                              rows: result.standings.map {
                    [String($0.rank), $0.agentCode, $0.name, $0.team, show($0.value), $0.tier.map(String.init) ?? "-",
                     Money(yuan: $0.reward).description, $0.toNextTier.map(show) ?? "-"]
                })
                // CSV shows the standings (the tiers come before them in the JSON, and are its summary).
                try output.present(global: global, result, main: "standings", charts: [
                    ReportOutputOption.Chart(title: "\(result.metric.rawValue) per agent", table: "standings", category: "name", values: ["value"], horizontal: true),
                ]) {
                    let tiers = result.tiers.enumerated().map { "\($0.offset + 1): \(show($0.element.threshold)) → \(Money(yuan: $0.element.reward))" }
                    return "\(result.name) (\(result.code)), \(result.scope), \(result.from) to \(result.to); tiers \(tiers.joined(separator: ", "));"
                         + " rewards so far \(Money(yuan: result.rewards)) yuan\n\n" + table.rendered()
                }
            }
        }
    }

    struct PlanSizing: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sizing",
            abstract: "Seats from the year's contacts (seed 004's five steps) and leads to buy from the sales target (seed 003's funnel).",
            discussion: """
                Seats = Σ customers × contacts a year for each class / contacts an agent makes a year (observed over the last \
                30 days unless given). Leads a month = target sales × leads per sale (observed from the batches unless given; \
                seed 003's 25 without data).
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(name: .customLong("class"), parsing: .singleValue, help: "A customer class NAME=CUSTOMERS:CONTACTS_A_YEAR, such as 存量=1200:4.") var classes: [String] = []
        @Option(name: .customLong("contacts-per-agent-year"), parsing: .unconditional, help: "Contacts an agent makes a year (default: observed).", transform: decimalOption) var contactsPerAgentYear: Double?
        @Option(name: .customLong("target-sales"), parsing: .unconditional, help: "Sales wanted a month.") var targetSales: Int
        @Option(name: .customLong("leads-per-sale"), parsing: .unconditional, help: "Leads a sale takes (default: observed, else 25).", transform: decimalOption) var leadsPerSale: Double?

        func validate() throws {
            try InputRange.whole(targetSales, field: "--target-sales", in: 0...InputRange.maximumCount, what: "a number of sales a month")
            if let contactsPerAgentYear { try InputRange.amount(contactsPerAgentYear, field: "--contacts-per-agent-year") }
            if let leadsPerSale { try InputRange.amount(leadsPerSale, field: "--leads-per-sale") }
        }

        func run() throws {
            let context = try global.readingContext()
            let parsed = try classes.map { text in
                guard let c = CustomerClass(parsing: text) else {
                    throw CallOpsError.invalidValue(field: "--class", value: text, expected: "NAME=CUSTOMERS:CONTACTS_A_YEAR, such as 存量=1200:4")
                }
                return c
            }
            let clock = context.clock
            let rules = context.settings.planning
            let plan = try context.db.read { db -> SizingPlan in
                var contacts = contactsPerAgentYear, contactsSource = "given"
                if contacts == nil {
                    let from = clock.timestamp(clock.adding(days: -rules.observeDays, to: clock.startOfDay(clock.now)))
                    guard let perDay = try Sizing.observedContactsPerAgentDay(db, from: from, to: clock.nowTimestamp), perDay > 0 else {
                        throw CallOpsError.invalidValue(field: "--contacts-per-agent-year", value: "",
                                                        expected: "the contacts an agent makes a year: no calls in the last \(rules.observeDays) days to observe it from")
                    }
                    let days = rules.workdaysPerWeek * 52
                    contacts = perDay * Double(days)
                    contactsSource = String(format: "observed: %.1f contacts an agent-day over the last %d days × %d working days", perDay, rules.observeDays, days)
                }
                var leads = leadsPerSale, leadsSource = "given"
                if leads == nil {
                    if let observed = try Sizing.observedLeadsPerSale(db) {
                        leads = observed
                        leadsSource = "observed: leads accepted per lead sold, all batches"
                    } else {
                        leads = Double(rules.leadFunnel.first ?? 0)
                        leadsSource = "seed 003: \(rules.leadFunnel.first ?? 0) names for 1 sale (no sales to observe yet)"
                    }
                }
                return try Sizing.plan(classes: parsed, contactsPerAgentYear: contacts!, contactsSource: contactsSource,
                                   targetSales: targetSales, leadsPerSale: leads!, leadsSource: leadsSource, funnel: rules.leadFunnel)
            }
            switch output.format {
            case .json: try emit(try Render.json(plan), data: true)
            case .csv, .table:
                let table = CallOpsCore.Table(["class", ">customers", ">contacts a year", ">yearly contacts"], rows: plan.classes.map {
                    [$0.name, String($0.customers), Render.number($0.contactsPerYear), Render.number($0.yearlyContacts, digits: 0)]
                } + [["all", "", "", Render.number(plan.yearlyContacts, digits: 0)]])
                if output.format == .csv { try emit(try Render.csv(plan, main: "classes"), data: true); return }
                try emit(table.rendered() + """

                    contacts an agent makes a year: \(Render.number(plan.contactsPerAgentYear, digits: 0)) (\(plan.contactsSource))
                    seats needed: \(plan.seats)
                    leads to buy a month for \(plan.targetSales) sales: \(plan.leadsPerMonth) (\(Render.number(plan.leadsPerSale)) a sale; \(plan.leadsSource))
                    seed 003's funnel at this target (names : reached : interested : proposal : second talk : deciding : sold): \(plan.funnel.map(String.init).joined(separator: " : "))

                    """)
            }
        }
    }
}

extension CampaignMetric: ExpressibleByArgument {}
