import CallOpsCore
import Foundation

extension SeatReport {
    /// The call funnel of the HTML page as a table: dials, contacts, effective calls, sales.
    public var funnelTable: DataTable {
        let steps: [(String, Int)] = [
            ("dials 拨打", agents.reduce(0) { $0 + $1.dials }), ("contacts 接通", agents.reduce(0) { $0 + $1.contacts }),
            ("effective 有效通话", agents.reduce(0) { $0 + $1.effectiveCalls }), ("sales 成交", agents.reduce(0) { $0 + $1.sales }),
        ]
        return DataTable(name: "funnel", columns: [.init(key: "stage", kind: .text), .init(key: "count", kind: .integer)],
                         rows: steps.map { [.string($0.0), .int(Int64($0.1))] })
    }

    /// The tables of the workbook: the report's own (its JSON's arrays, the teams as the JSON
    /// has them), the center as a sheet of one row, the previous period as a sheet of its teams
    /// and center, and the funnel.
    public func workbookTables() throws -> [DataTable] {
        guard case var .object(members) = try EncodedValue.of(self) else { return [funnelTable] }
        func named(_ row: EncodedValue?, _ name: String) -> EncodedValue? {
            guard case var .object(fields)? = row, let i = fields.firstIndex(where: { $0.0 == "team" }) else { return nil }
            fields[i].1 = .string(name)
            return .object(fields)
        }
        func rows(_ teams: EncodedValue?, center: EncodedValue?) -> EncodedValue {
            guard case let .array(list)? = teams else { return .array([]) }
            return .array(list + [named(center, totalLabel)].compactMap { $0 })
        }
        var kept: [(String, EncodedValue)] = []
        // People read the days covered: the exclusive end (9 November 00:00) is not one of them.
        func days(_ from: EncodedValue?, _ to: EncodedValue?) -> [(String, EncodedValue)] {
            guard case let .string(start)? = from, case let .string(end)? = to else { return [("from", from ?? .null), ("to", to ?? .null)] }
            let covered = Self.daysCovered(from: start, to: end)
            return [("from", .string(covered.first)), ("to", .string(covered.last))]
        }
        let bounds = days(EncodedValue.object(members)["from"], EncodedValue.object(members)["to"])
        for (key, value) in members {
            switch key {
            case "from": kept.append(bounds[0])
            case "to": kept.append(bounds[1])
            case "center":
                if let row = named(value, totalLabel) { kept.append(("center", .array([row]))) }
            case "class_total":
                // The classes' total under them, named as the agents' total is.
                guard let at = kept.firstIndex(where: { $0.0 == "classes" }), case let .array(list) = kept[at].1,
                      case var .object(fields) = value, let i = fields.firstIndex(where: { $0.0 == "class" }) else { continue }
                fields[i].1 = .string(totalLabel)
                kept[at].1 = .array(list + [.object(fields)])
            case "previous":
                // One row per team and the center, each with the earlier period's bounds.
                guard case let .array(list) = rows(value["teams"], center: value["center"]) else { continue }
                let bounds = days(value["from"], value["to"])
                kept.append(("previous", .array(list.map { row in
                    guard case let .object(fields) = row else { return row }
                    return .object(bounds + fields)
                })))
            case "agents":
                // The agents' total under them, as in the terminal's table.
                guard case let .array(list) = value, !agents.isEmpty else { kept.append((key, value)); continue }
                let sum = agentTotal
                kept.append((key, .array(list + [try EncodedValue.of(AgentJSON(f: sum.figures, total: (totalLabel, sum.attainment)))])))
            default: kept.append((key, value))
            }
        }
        members = kept
        return DataTable.tables(of: .object(members)) + [changeTable].compactMap { $0 } + [funnelTable]
    }

    /// The center's key figures beside the previous period's, with the change; nil without a
    /// comparison.
    public var changeTable: DataTable? {
        guard let previous else { return nil }
        func number(_ value: Double?, money: Bool) -> EncodedValue { value.map { .double(money ? $0 / 100 : $0) } ?? .null }
        let rows: [[EncodedValue]] = Self.keyFigures.map { k in
            let money = k.name == "premium" || k.name == "件均保费"
            return [.string(k.name), number(k.value(center), money: money), number(k.value(previous.center), money: money),
                    Self.change(k, center, previous.center).map { .double($0) } ?? .null]
        }
        return DataTable(name: "change", columns: [.init(key: "figure", kind: .text), .init(key: "now", kind: .number),
                                                   .init(key: "previous", kind: .number), .init(key: "change", kind: .rate)], rows: rows)
    }

    /// The HTML page's charts, natively: premium per agent, the call funnel, the daily trend and
    /// the tiers' premium.
    public var workbookCharts: [DataChart] {
        [
            DataChart(title: "Premium per agent 保费", table: "agents", category: "name", values: ["premium"], horizontal: true),
            DataChart(title: "Call funnel 漏斗", table: "funnel", category: "stage", values: ["count"]),
            DataChart(title: "Premium by day 每日保费", table: "days", category: "day", values: ["premium"]),
            DataChart(title: "Sales and effective calls by day 每日件数与有效通话", table: "days", category: "day", values: ["sales", "effective_calls"]),
            DataChart(title: "Contact rate by day 每日接通率", table: "days", category: "day", values: ["contact_rate"]),
            DataChart(title: "Premium by tier 职级保费", table: "tiers", category: "tier", values: ["premium"]),
        ]
    }
}
