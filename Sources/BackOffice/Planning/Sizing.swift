import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import GRDB
import LeadData

/// A class of customers to serve in a year (seed 004's first two steps): how many, and how
/// many contacts each needs.
public struct CustomerClass: Equatable, Sendable {
    public var name: String
    public var customers: Int
    public var contactsPerYear: Double

    public init(name: String, customers: Int, contactsPerYear: Double) {
        self.name = name
        self.customers = customers
        self.contactsPerYear = contactsPerYear
    }

    /// `NAME=CUSTOMERS:CONTACTS`, such as `存量=1200:4`.
    public init?(parsing text: String) {
        let halves = text.split(separator: "=", maxSplits: 1)
        guard halves.count == 2, !halves[0].isEmpty else { return nil }
        let numbers = halves[1].split(separator: ":")
        guard numbers.count == 2, let customers = Int(numbers[0]), let contacts = Double(numbers[1]), (0...InputRange.maximumCount).contains(customers), contacts >= 0, contacts <= Double(InputRange.maximumCount) else {
            return nil
        }
        self.init(name: String(halves[0]), customers: customers, contactsPerYear: contacts)
    }
}

/// `callops plan sizing`: seats from the year's contacts (seed 004's five steps), leads to buy
/// from the sales target (seed 003's funnel).
public struct SizingPlan: Encodable, Equatable, Sendable {
    public struct ClassLine: Encodable, Equatable, Sendable {
        public var name: String
        public var customers: Int
        public var contactsPerYear: Double
        public var yearlyContacts: Double

        enum CodingKeys: String, CodingKey {
            case name, customers
            case contactsPerYear = "contacts_per_year"
            case yearlyContacts = "yearly_contacts"
        }
    }

    public var classes: [ClassLine]
    public var yearlyContacts: Double
    public var contactsPerAgentYear: Double
    public var contactsSource: String
    public var seats: Int
    public var targetSales: Int
    public var leadsPerSale: Double
    public var leadsSource: String
    public var leadsPerMonth: Int
    /// Seed 003's 25 : 17 : 7 : 5 : 4 : 3 : 1, scaled to the month's sales target.
    public var funnel: [Int]

    enum CodingKeys: String, CodingKey {
        case classes, seats, funnel
        case yearlyContacts = "yearly_contacts"
        case contactsPerAgentYear = "contacts_per_agent_year"
        case contactsSource = "contacts_source"
        case targetSales = "target_sales"
        case leadsPerSale = "leads_per_sale"
        case leadsSource = "leads_source"
        case leadsPerMonth = "leads_per_month"
    }
}

public enum Sizing {
    /// The plan, from plain numbers.
    /// - Parameters:
    ///   - funnel: `planning.lead_funnel`, seed 003's 25 : 17 : 7 : 5 : 4 : 3 : 1 by default.
    public static func plan(classes: [CustomerClass], contactsPerAgentYear: Double, contactsSource: String,
                            targetSales: Int, leadsPerSale: Double, leadsSource: String,
                            funnel: [Int] = Settings.PlanningRules().leadFunnel) -> SizingPlan {
        let lines = classes.map {
            SizingPlan.ClassLine(name: $0.name, customers: $0.customers, contactsPerYear: $0.contactsPerYear,
                                 yearlyContacts: Double($0.customers) * $0.contactsPerYear)
        }
        let yearly = lines.reduce(0) { $0 + $1.yearlyContacts }
        let seats = contactsPerAgentYear > 0 ? Int((yearly / contactsPerAgentYear - 1e-9).rounded(.up)) : 0
        return SizingPlan(classes: lines, yearlyContacts: yearly, contactsPerAgentYear: contactsPerAgentYear, contactsSource: contactsSource,
                          seats: max(0, seats), targetSales: targetSales, leadsPerSale: leadsPerSale, leadsSource: leadsSource,
                          leadsPerMonth: Int((Double(targetSales) * leadsPerSale - 1e-9).rounded(.up)),
                          funnel: funnel.map { $0 * targetSales })
    }

    /// Contacts per agent per working day over [from, to): contacts over the agent-days with a
    /// call; nil without calls (FollowUp's call figures).
    public static func observedContactsPerAgentDay(_ db: Database, from: String, to: String) throws -> Double? {
        try ActivityFigures.contactsPerAgentDay(db, from: from, to: to)
    }

    /// Leads accepted per customer sold, over every batch; nil before the first sale (the leads
    /// from LeadData's batches, the customers from FollowUp's policies).
    public static func observedLeadsPerSale(_ db: Database) throws -> Double? {
        let leads = try LeadStats.acceptedLeads(db)
        let sales = try Sales.customersSold(db)
        return sales > 0 ? Double(leads) / Double(sales) : nil
    }
}
