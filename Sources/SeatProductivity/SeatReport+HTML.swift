import CallOpsCore
import Foundation

extension SeatReport {
    /// One self-contained page (no network): team and center tiles, the comparison with the
    /// previous period, input and output, the daily trend, the tiers, premium per agent as a bar
    /// chart, the call funnel, and the agents' table with attainment and flags. It prints on A4
    /// landscape for the morning meeting (早会): no table is cut across a page break.
    public func html(title: String = "坐席产能报表 · Seat report") -> String {
        func money(_ m: Money?) -> String { m.map { "¥" + $0.description } ?? "–" }
        var page = """
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.esc(title))</title>
            <style>
            body{font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#1f2933;background:#f7f8fa}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}.period{color:#52606d;margin-bottom:16px}
            .tiles{display:flex;flex-wrap:wrap;gap:12px}.tile{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 3px rgba(0,0,0,.12);min-width:220px}
            .tile.center{border-top:3px solid #3e7cb1}
            .tile h3{margin:0 0 8px;font-size:16px}.tile dl{display:grid;grid-template-columns:auto auto;gap:2px 12px;margin:0;font-size:13px}
            .tile dt{color:#52606d}.tile dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}
            svg text{font-size:12px;font-family:inherit}table{border-collapse:collapse;background:#fff;font-size:13px}
            th,td{padding:4px 8px;border-bottom:1px solid #e4e7eb;text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}th{background:#eef1f5}
            td.l,th.l{text-align:left}tr.flagged td{background:#fff4e5}.flag{color:#b44d12;font-weight:600}
            tr.total td{font-weight:600;border-top:2px solid #9aa5b1}.up{color:#2f7d4a}.down{color:#b42318}.note{color:#52606d;font-size:12px}
            .trend{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px}.trend figure{margin:0;background:#fff;border-radius:8px;padding:8px 12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
            .trend figcaption{font-size:13px;font-weight:600;margin-bottom:4px}.row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
            section{margin-bottom:8px}.wide{overflow-x:auto}
            @page{size:A4 landscape;margin:10mm}
            @media print{
              body{margin:0;background:#fff;font-size:11px}h1{font-size:18px}h2{font-size:14px;margin:14px 0 6px;break-after:avoid}
              .tile,.trend figure{box-shadow:none;border:1px solid #cbd2d9}.tile{min-width:0;padding:6px 10px}
              table{font-size:9.5px}th,td{padding:2px 4px}section,figure,.tile,svg{break-inside:avoid}tr{break-inside:avoid}
              thead{display:table-header-group}section.agents{break-before:page}.wide{overflow:visible}
            }
            </style></head><body>
            <h1>\(Self.esc(title))</h1><div class="period">\(Self.esc(Self.daysText(from: from, to: to)))\(previous.map { " · compared with 对比 \(Self.esc(Self.daysText(from: $0.from, to: $0.to)))" } ?? "")</div>
            <section><h2>Teams 团队</h2><div class="tiles">

            """
        for t in teams { page += tile(t, name: t.team, money: money) }
        // One team's page: its tile already is the total.
        if teams.count != 1 { page += tile(center, name: "center 中心", money: money, isCenter: true) }
        page += "</div></section>\n"
        if let previous { page += comparisonTable(previous, money: money) }
        page += inputOutputTable(money: money)
        if !days.isEmpty { page += "<section><h2>Daily trend 每日趋势</h2>\n" + trendCharts() + "</section>\n" }
        page += tierTable(money: money)
        page += classSection(money: money)
        page += "<section><h2>Premium per agent 保费</h2>\n" + barChart() + "</section>\n"
        page += "<section><h2>Call funnel 漏斗</h2>\n" + funnel() + "</section>\n"
        page += agentTable(money: money)
        page += "</body></html>\n"
        return page
    }

    /// The sum's row on the page: the center's, or one team's total.
    var totalName: String { teams.count == 1 ? "total 合计" : "center 中心" }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A change as a coloured percentage.
    static func changeCell(_ change: Double?) -> String {
        guard let change, change.isFinite else { return "<td>–</td>" }
        return "<td class=\"\(change >= 0 ? "up" : "down")\">\(changeText(change))</td>"
    }

    private func tile(_ t: TeamFigures, name: String, money: (Money?) -> String, isCenter: Bool = false) -> String {
        """
        <div class="tile\(isCenter ? " center" : "")"><h3>\(Self.esc(name))</h3><dl>
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

    /// A period's days for the page: `2026-11-02 – 2026-11-08`, one day alone.
    static func daysText(from: String, to: String) -> String {
        let days = daysCovered(from: from, to: to)
        return days.first == days.last ? days.first : "\(days.first) – \(days.last)"
    }

    /// The key figures beside the previous period's, per team and for the center.
    private func comparisonTable(_ previous: SeatComparison, money: (Money?) -> String) -> String {
        var html = "<section><h2>Compared with 对比 \(Self.esc(Self.daysText(from: previous.from, to: previous.to)))</h2>\n<table><thead><tr><th class=\"l\">team</th>"
        for figure in ["sales 件数", "premium 保费", "effective 有效通话", "proposals 建议书", "举绩率"] { html += "<th>\(figure)</th><th>previous</th><th>Δ</th>" }
        html += "</tr></thead>\n"
        func row(_ now: TeamFigures, _ before: TeamFigures?, name: String, total: Bool) -> String {
            var cells = "<tr\(total ? " class=\"total\"" : "")><td class=\"l\">\(Self.esc(name))</td>"
            let pairs: [(String, String?, Double, Double?)] = [
                (String(now.sales), before.map { String($0.sales) }, Double(now.sales), before.map { Double($0.sales) }),
                (money(now.premium), before.map { money($0.premium) }, Double(now.premium.fen), before.map { Double($0.premium.fen) }),
                (String(now.effectiveCalls), before.map { String($0.effectiveCalls) }, Double(now.effectiveCalls), before.map { Double($0.effectiveCalls) }),
                (String(now.proposals), before.map { String($0.proposals) }, Double(now.proposals), before.map { Double($0.proposals) }),
                (Render.percent(now.activeSellerRate), before.map { Render.percent($0.activeSellerRate) }, now.activeSellerRate ?? 0,
                 before.map { $0.activeSellerRate ?? 0 }),
            ]
            for (shown, earlier, value, base) in pairs {
                cells += "<td>\(shown)</td><td>\(earlier ?? "–")</td>" + Self.changeCell(base.flatMap { SeatComparison.change(value, $0) })
            }
            return cells + "</tr>\n"
        }
        for t in teams { html += row(t, previous.teams.first { $0.team == t.team }, name: t.team, total: false) }
        html += row(center, previous.center, name: totalName, total: true)
        return html + "</table></section>\n"
    }

    /// 投入产出: what each team costs against what it brings in.
    private func inputOutputTable(money: (Money?) -> String) -> String {
        var html = "<section><h2>Input and output 投入产出</h2>\n<table><thead><tr><th class=\"l\">team</th><th>lead cost 数据成本</th><th>pay cost 人力成本</th>"
        html += "<th>spent 投入</th><th>premium 保费</th><th>FYC 首年佣金</th><th>premium per yuan 每元产出</th></tr></thead>\n"
        for (t, name) in teams.map({ ($0, $0.team) }) + [(center, totalName)] {
            html += "<tr\(name == totalName ? " class=\"total\"" : "")><td class=\"l\">\(Self.esc(name))</td><td>\(money(t.leadCost))</td>"
            html += "<td>\(money(t.payCost))\(t.payCostIncludesDraft ? "*" : "")</td><td>\(money(t.spent))</td><td>\(money(t.premium))</td>"
            html += "<td>\(money(t.fyc))</td><td>\(t.premiumPerYuan.map { Render.number($0, digits: 2) } ?? "–")</td></tr>\n"
        }
        html += "</table>\n"
        if center.payCostIncludesDraft { html += "<p class=\"note\">* includes a draft pay run (草稿), which may still change.</p>\n" }
        return html + "</section>\n"
    }

    private func tierTable(money: (Money?) -> String) -> String {
        var html = "<section><h2>Tiers 职级</h2>\n<table><thead><tr><th class=\"l\">tier</th><th>headcount</th><th>active sellers</th><th>举绩率</th>"
        html += "<th>sales</th><th>人均件数</th><th>premium</th><th>件均保费</th><th>premium share</th></tr></thead>\n"
        for t in tiers {
            html += "<tr><td class=\"l\">\(t.tier.rawValue)</td><td>\(t.headcount)</td><td>\(t.activeSellers)</td><td>\(Render.percent(t.activeSellerRate))</td>"
            html += "<td>\(t.sales)</td><td>\(t.policiesPerAgent.map { Render.number($0, digits: 2) } ?? "–")</td><td>\(money(t.premium))</td>"
            html += "<td>\(money(t.averagePremium))</td><td>\(Render.percent(t.premiumShare))</td></tr>\n"
        }
        return html + "</table></section>\n"
    }

    private func agentTable(money: (Money?) -> String) -> String {
        var html = "<section class=\"agents\"><h2>Agents 坐席</h2>\n<div class=\"wide\"><table><thead><tr><th class=\"l\">agent</th><th class=\"l\">name</th><th class=\"l\">team</th><th class=\"l\">tier</th>"
        html += "<th>dials</th><th>contacts</th><th>effective</th><th>talk min</th><th>proposals</th><th>sales</th><th>premium</th><th>件均保费</th>"
        html += "<th>conversion</th><th>calls att.</th><th>calls/day att.</th><th>proposals att.</th><th>sales att.</th><th>premium att.</th><th>referrals 转介绍</th><th>121 done</th><th>rank</th><th class=\"l\">flags</th></tr></thead>\n"
        func row(_ f: AgentFigures, _ by: Attainment?, code: String, rank: String, total: Bool) -> String {
            let cls = total ? " class=\"total\"" : f.flags.isEmpty ? "" : " class=\"flagged\""
            var cells = "<tr\(cls)><td class=\"l\">\(Self.esc(code))</td><td class=\"l\">\(Self.esc(f.name))</td><td class=\"l\">\(Self.esc(f.team))</td>"
            cells += "<td class=\"l\">\(total ? "" : f.tier.rawValue)</td><td>\(f.dials)</td><td>\(f.contacts)</td><td>\(f.effectiveCalls)</td>"
            cells += "<td>\(Render.number(f.talkMinutes))</td><td>\(f.proposals)</td><td>\(f.sales)</td><td>\(money(f.premium))</td><td>\(money(f.averagePremium))</td>"
            cells += "<td>\(Render.percent(f.conversionRate))</td><td>\(Render.percent(by?.effectiveCalls))</td><td>\(Render.percent(by?.dailyEffectiveCalls))</td>"
            cells += "<td>\(Render.percent(by?.proposals))</td><td>\(Render.percent(by?.sales))</td><td>\(Render.percent(by?.premium))</td>"
            cells += "<td>\(referralsText(f))</td><td>\(Render.percent(f.programme121Rate))</td>"
            return cells + "<td>\(rank)</td><td class=\"l flag\">\(f.flags.joined(separator: " "))</td></tr>\n"
        }
        for f in agents { html += row(f, f.attainmentBy, code: f.agentCode, rank: String(f.rankInTeam), total: false) }
        if !agents.isEmpty {
            let total = agentTotal
            html += row(agentsReferrals(total.figures), total.attainment, code: totalLabel, rank: "", total: true)
        }
        return html + "</table></div></section>\n"
    }

    /// The trend per working day: premium, sales, effective calls and contact rate, each a
    /// small column chart with its peak marked.
    private func trendCharts() -> String {
        let labels = days.map { String($0.day.suffix(5)) }
        let series: [(String, [Double?], (Double) -> String)] = [
            ("Premium 保费", days.map { $0.premium.yuan }, { "¥" + Render.number($0, digits: 0) }),
            ("Sales 件数", days.map { Double($0.sales) }, { Render.number($0, digits: 0) }),
            ("Effective calls 有效通话", days.map { Double($0.effectiveCalls) }, { Render.number($0, digits: 0) }),
            ("Contact rate 接通率", days.map(\.contactRate), { Render.percent($0) }),
        ]
        var html = "<div class=\"trend\">\n"
        for (title, values, format) in series {
            html += "<figure><figcaption>\(Self.esc(title))</figcaption>\n" + Self.columnChart(values, labels: labels, format: format) + "</figure>\n"
        }
        return html + "</div>\n"
    }

    /// Columns of `values` over `labels` (nil shows no column), scaled to the largest value.
    static func columnChart(_ values: [Double?], labels: [String], format: (Double) -> String) -> String {
        let width = 460, height = 170, left = 8, bottom = 28, top = 18
        let plotHeight = height - bottom - top
        let peak = values.compactMap { $0 }.max() ?? 0
        let step = Double(width - left * 2) / Double(max(1, values.count))
        let bar = max(2, Int(step * 0.7))
        var svg = "<svg viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"daily trend\">\n"
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - left)\" y2=\"\(height - bottom)\" stroke=\"#9aa5b1\"/>\n"
        // Every label when they fit, else about eight.
        let every = max(1, Int((Double(values.count) / 8).rounded(.up)))
        // The first day at the peak carries its value.
        let peakIndex = values.firstIndex { $0 == peak }
        for (i, value) in values.enumerated() {
            let x = left + Int(Double(i) * step + (step - Double(bar)) / 2)
            if let value, peak > 0 {
                let h = max(value > 0 ? 1 : 0, Int(Double(plotHeight) * value / peak))
                svg += "<rect x=\"\(x)\" y=\"\(height - bottom - h)\" width=\"\(bar)\" height=\"\(h)\" fill=\"\(i == peakIndex ? "#d9822b" : "#3e7cb1")\">"
                svg += "<title>\(esc(labels[i])): \(esc(format(value)))</title></rect>"
                if i == peakIndex { svg += "<text x=\"\(x + bar / 2)\" y=\"\(height - bottom - h - 4)\" text-anchor=\"middle\">\(esc(format(value)))</text>" }
            }
            if i % every == 0 {
                svg += "<text x=\"\(x + bar / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\" fill=\"#52606d\">\(esc(labels[i]))</text>"
            }
            svg += "\n"
        }
        return svg + "</svg>\n"
    }

    private func barChart() -> String {
        let rows = agents.sorted { $0.premium > $1.premium }
        let maximum = max(1, rows.map(\.premium.fen).max() ?? 1)
        let barHeight = 20, labelWidth = 150, chartWidth = 520
        var svg = "<svg width=\"\(labelWidth + chartWidth + 120)\" height=\(rows.count * (barHeight + 6) + 10) role=\"img\" aria-label=\"premium per agent\">\n"
        for (i, f) in rows.enumerated() {
            let y = i * (barHeight + 6) + 4
            let width = Int(Double(chartWidth) * Double(f.premium.fen) / Double(maximum))
            let color = f.flags.isEmpty ? "#3e7cb1" : "#d9822b"
            svg += "<text x=\"0\" y=\"\(y + 14)\">\(Self.esc(f.agentCode)) \(Self.esc(f.name))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(max(width, 1))\" height=\"\(barHeight)\" fill=\"\(color)\"><title>\(Self.esc(f.name)): ¥\(f.premium)</title></rect>"
            svg += "<text x=\"\(labelWidth + max(width, 1) + 6)\" y=\"\(y + 14)\">¥\(f.premium)</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Dials, contacts and effective calls as shares of the dials; then the leads sold, as a
    /// share of the leads worked (the conversion): policies over dials mixed units and went past
    /// 100% for a household that bought twice after one call.
    private func funnel() -> String {
        let dials = agents.reduce(0) { $0 + $1.dials }
        let total = agentTotal.figures
        let steps: [(String, Int, Double?)] = [
            ("dials 拨打", dials, dials > 0 ? 1 : nil),
            ("contacts 接通", total.contacts, dials > 0 ? Double(total.contacts) / Double(dials) : nil),
            ("effective 有效通话", total.effectiveCalls, dials > 0 ? Double(total.effectiveCalls) / Double(dials) : nil),
            ("leads sold 成交", total.leadsSold, total.conversionRate),
        ]
        var svg = "<svg width=\"700\" height=\"\(steps.count * 34 + 10)\" role=\"img\" aria-label=\"call funnel\">\n"
        for (i, step) in steps.enumerated() {
            let width = min(560, step.2.map { max(2, Int(560.0 * $0)) } ?? 2)
            let x = 130 + (560 - width) / 2
            let share = step.2.map { " (" + Render.percent($0) + (i == steps.count - 1 ? " of leads worked" : "") + ")" } ?? ""
            svg += "<text x=\"0\" y=\"\(i * 34 + 22)\">\(step.0)</text><rect x=\"\(x)\" y=\"\(i * 34 + 6)\" width=\"\(width)\" height=\"26\" fill=\"#5a9e6f\"/>"
            svg += "<text x=\"\(130 + 280)\" y=\"\(i * 34 + 24)\" text-anchor=\"middle\" fill=\"#102a43\">\(step.1)\(share)</text>\n"
        }
        return svg + "</svg>\n"
    }
}
