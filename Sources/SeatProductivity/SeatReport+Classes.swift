import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import LeadData

/// One lead class's figures over the period (SPEC section 7: the seat report shows leads,
/// contacts, sales and conversion per class: 缘故 warm, 转介绍 referral, 陌生 cold).
public struct ClassFigures: Equatable, Sendable {
    /// The class; nil for the total row.
    public var leadClass: LeadClass?
    /// Leads called or sold in the period.
    public var leadsWorked = 0
    public var dials = 0
    public var contacts = 0
    /// Leads with a sale in the period (a customer who bought twice counts once).
    public var leadsSold = 0
    /// Policies sold (件数).
    public var sales = 0
    public var premium = Money.zero

    public init(leadClass: LeadClass?) { self.leadClass = leadClass }

    /// Leads sold / leads worked: a sold lead is a worked lead, so it is a fraction; nil when none was worked.
    public var conversionRate: Double? { leadsWorked > 0 ? Double(leadsSold) / Double(leadsWorked) : nil }
    public var contactRate: Double? { dials > 0 ? Double(contacts) / Double(dials) : nil }
    /// 件均保费.
    public var averagePremium: Money? { premium.divided(by: sales) }

    /// Adds one lead's figures.
    mutating func add(_ lead: LeadActivity) {
        leadsWorked += 1
        dials += lead.dials
        contacts += lead.contacts
        leadsSold += lead.sales > 0 ? 1 : 0
        sales += lead.sales
        premium += lead.premium
    }

    /// The classes' counts summed (the total row): its rates come from the sums.
    public static func total(of classes: [ClassFigures]) -> ClassFigures {
        var t = ClassFigures(leadClass: nil)
        for c in classes {
            t.leadsWorked += c.leadsWorked
            t.dials += c.dials
            t.contacts += c.contacts
            t.leadsSold += c.leadsSold
            t.sales += c.sales
            t.premium += c.premium
        }
        return t
    }
}

extension SeatReportBuilder {
    /// Every class's figures over [from, to), in the classes' order (warm, referral, cold), each
    /// present: the calls and sales come from the follow-up module per lead, the lead's class from
    /// the lead data module.
    func classes(_ db: Database, from: String, to: String, agents: [Int64]?) throws -> [ClassFigures] {
        let leads = try ActivityFigures.perLead(db, from: from, to: to, agents: agents)
        let classOf = try LeadStats.classes(db, leads: leads.map(\.leadID))
        var rows = Dictionary(uniqueKeysWithValues: LeadClass.allCases.map { ($0, ClassFigures(leadClass: $0)) })
        for lead in leads {
            guard let leadClass = classOf[lead.leadID] else { continue }
            rows[leadClass]?.add(lead)
        }
        return LeadClass.allCases.compactMap { rows[$0] }
    }
}

extension SeatReport {
    /// The classes' total row; nil when the classes were not counted.
    public var classTotal: ClassFigures? { classes.map(ClassFigures.total(of:)) }

    struct ClassJSON: TabularRow {
        static var blank: ClassJSON { ClassJSON(c: ClassFigures(leadClass: .cold)) }
        let c: ClassFigures
        enum K: String, CodingKey {
            case leadClass = "class", leadsWorked = "leads_worked", dials, contacts, contactRate = "contact_rate", leadsSold = "leads_sold"
            case sales, premium, avgPremium = "avg_premium", conversionRate = "conversion_rate"
        }
        func encode(to encoder: any Encoder) throws {
            var e = encoder.container(keyedBy: K.self)
            try e.encode(c.leadClass?.rawValue, forKey: .leadClass)
            try e.encode(c.leadsWorked, forKey: .leadsWorked)
            try e.encode(c.dials, forKey: .dials)
            try e.encode(c.contacts, forKey: .contacts)
            try e.encode(c.contactRate, forKey: .contactRate)
            try e.encode(c.leadsSold, forKey: .leadsSold)
            try e.encode(c.sales, forKey: .sales)
            try e.encode(c.premium.yuan, forKey: .premium)
            try e.encode(c.averagePremium?.yuan, forKey: .avgPremium)
            try e.encode(c.conversionRate, forKey: .conversionRate)
        }
    }

    /// `--by class` for a terminal: one row per class, then the total from the counts.
    func classTable(footer: [String]) -> CallOpsCore.Table {
        var table = CallOpsCore.Table(["class", ">leads worked", ">dials", ">contacts", ">contact %", ">leads sold", ">sales", ">premium", ">件均保费", ">conversion"])
        func row(_ c: ClassFigures, name: String) -> [String] {
            [name, String(c.leadsWorked), String(c.dials), String(c.contacts), Render.percent(c.contactRate), String(c.leadsSold), String(c.sales),
             c.premium.description, c.averagePremium?.description ?? "-", Render.percent(c.conversionRate)]
        }
        for c in classes ?? [] { table.append(row(c, name: c.leadClass?.rawValue ?? "")) }
        if let total = classTotal { table.append(row(total, name: totalLabel)) }
        table.footer = footer
        return table
    }

    /// The page's section per class; empty when the classes were not counted.
    func classSection(money: (Money?) -> String) -> String {
        guard let classes, let total = classTotal else { return "" }
        var html = "<section><h2>Classes 客户类别</h2>\n<table><thead><tr><th class=\"l\">class</th><th>leads worked</th><th>contacts</th>"
        html += "<th>leads sold</th><th>sales</th><th>premium</th><th>conversion</th></tr></thead><tbody>\n"
        func row(_ c: ClassFigures, name: String, isTotal: Bool) -> String {
            "<tr\(isTotal ? " class=\"total\"" : "")><td class=\"l\">\(Self.esc(name))</td><td>\(c.leadsWorked)</td><td>\(c.contacts)</td>"
                + "<td>\(c.leadsSold)</td><td>\(c.sales)</td><td>\(money(c.premium))</td><td>\(Render.percent(c.conversionRate))</td></tr>\n"
        }
        for c in classes { html += row(c, name: c.leadClass?.rawValue ?? "", isTotal: false) }
        html += row(total, name: totalName, isTotal: true)
        return html + "</tbody></table></section>\n"
    }
}
