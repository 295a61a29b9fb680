import CallOpsCore
import Foundation

extension SeatReport {
    /// One self-contained page (no network): team tiles, premium per agent as a bar chart, the
    /// call funnel, and the agents' table with flags highlighted.
    public func html(title: String = "坐席产能报表 · Seat report") -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        func money(_ m: Money?) -> String { m.map { "¥" + $0.description } ?? "–" }
        var page = """
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(title))</title>
            <style>
            body{font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#1f2933;background:#f7f8fa}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}.period{color:#52606d;margin-bottom:16px}
            .tiles{display:flex;flex-wrap:wrap;gap:12px}.tile{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 3px rgba(0,0,0,.12);min-width:220px}
            .tile h3{margin:0 0 8px;font-size:16px}.tile dl{display:grid;grid-template-columns:auto auto;gap:2px 12px;margin:0;font-size:13px}
            .tile dt{color:#52606d}.tile dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}
            svg text{font-size:12px;font-family:inherit}table{border-collapse:collapse;background:#fff;font-size:13px}
            th,td{padding:4px 8px;border-bottom:1px solid #e4e7eb;text-align:right;white-space:nowrap}th{background:#eef1f5}
            td.l,th.l{text-align:left}tr.flagged td{background:#fff4e5}.flag{color:#b44d12;font-weight:600}
            </style></head><body>
            <h1>\(esc(title))</h1><div class="period">\(esc(from)) – \(esc(to))</div>
            <h2>Teams</h2><div class="tiles">
            """
        for t in teams {
            page += """
                <div class="tile"><h3>\(esc(t.team))</h3><dl>
                <dt>headcount 人数</dt><dd>\(t.headcount)</dd>
                <dt>举绩率 active sellers</dt><dd>\(Render.percent(t.activeSellerRate))</dd>
                <dt>人均件数 policies/agent</dt><dd>\(t.policiesPerAgent.map { Render.number($0, digits: 2) } ?? "–")</dd>
                <dt>件均保费 avg premium</dt><dd>\(money(t.averagePremium))</dd>
                <dt>人均产能 premium/agent</dt><dd>\(money(t.premiumPerAgent))</dd>
                <dt>premium 保费</dt><dd>\(money(t.premium))</dd>
                <dt>seats used 工位</dt><dd>\(Render.percent(t.seatUtilization))</dd>
                </dl></div>
                """
        }
        page += "</div>\n<h2>Premium per agent 保费</h2>\n" + barChart(esc: esc)
        page += "<h2>Call funnel 漏斗</h2>\n" + funnel()
        page += "<h2>Agents 坐席</h2>\n<table><tr><th class=\"l\">agent</th><th class=\"l\">name</th><th class=\"l\">team</th><th class=\"l\">tier</th><th>dials</th><th>contacts</th><th>effective</th><th>talk min</th><th>sales</th><th>premium</th><th>件均保费</th><th>conversion</th><th>attainment</th><th>rank</th><th class=\"l\">flags</th></tr>\n"
        for f in agents {
            page += "<tr\(f.flags.isEmpty ? "" : " class=\"flagged\"")><td class=\"l\">\(esc(f.agentCode))</td><td class=\"l\">\(esc(f.name))</td><td class=\"l\">\(esc(f.team))</td><td class=\"l\">\(f.tier.rawValue)</td><td>\(f.dials)</td><td>\(f.contacts)</td><td>\(f.effectiveCalls)</td><td>\(Render.number(f.talkMinutes))</td><td>\(f.sales)</td><td>\(money(f.premium))</td><td>\(money(f.averagePremium))</td><td>\(Render.percent(f.conversionRate))</td><td>\(Render.percent(f.attainment))</td><td>\(f.rankInTeam)</td><td class=\"l flag\">\(f.flags.joined(separator: " "))</td></tr>\n"
        }
        page += "</table>\n</body></html>\n"
        return page
    }

    private func barChart(esc: (String) -> String) -> String {
        let rows = agents.sorted { $0.premium > $1.premium }
        let maximum = max(1, rows.map(\.premium.fen).max() ?? 1)
        let barHeight = 20, labelWidth = 150, chartWidth = 520
        var svg = "<svg width=\"\(labelWidth + chartWidth + 120)\" height=\(rows.count * (barHeight + 6) + 10) role=\"img\" aria-label=\"premium per agent\">\n"
        for (i, f) in rows.enumerated() {
            let y = i * (barHeight + 6) + 4
            let width = Int(Double(chartWidth) * Double(f.premium.fen) / Double(maximum))
            let color = f.flags.isEmpty ? "#3e7cb1" : "#d9822b"
            svg += "<text x=\"0\" y=\"\(y + 14)\">\(esc(f.agentCode)) \(esc(f.name))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(max(width, 1))\" height=\"\(barHeight)\" fill=\"\(color)\"><title>\(esc(f.name)): ¥\(f.premium)</title></rect>"
            svg += "<text x=\"\(labelWidth + max(width, 1) + 6)\" y=\"\(y + 14)\">¥\(f.premium)</text>\n"
        }
        return svg + "</svg>\n"
    }

    private func funnel() -> String {
        let dials = agents.reduce(0) { $0 + $1.dials }
        let steps = [("dials 拨打", dials), ("contacts 接通", agents.reduce(0) { $0 + $1.contacts }),
                     ("effective 有效通话", agents.reduce(0) { $0 + $1.effectiveCalls }), ("sales 成交", agents.reduce(0) { $0 + $1.sales })]
        var svg = "<svg width=\"700\" height=\"\(steps.count * 34 + 10)\" role=\"img\" aria-label=\"call funnel\">\n"
        for (i, step) in steps.enumerated() {
            let width = dials > 0 ? max(2, Int(560.0 * Double(step.1) / Double(dials))) : 2
            let x = 130 + (560 - width) / 2
            let share = dials > 0 ? " (" + Render.percent(Double(step.1) / Double(dials)) + ")" : ""
            svg += "<text x=\"0\" y=\"\(i * 34 + 22)\">\(step.0)</text><rect x=\"\(x)\" y=\"\(i * 34 + 6)\" width=\"\(width)\" height=\"26\" fill=\"#5a9e6f\"/>"
            svg += "<text x=\"\(130 + 280)\" y=\"\(i * 34 + 24)\" text-anchor=\"middle\" fill=\"#102a43\">\(step.1)\(share)</text>\n"
        }
        return svg + "</svg>\n"
    }
}
