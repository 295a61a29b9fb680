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
        guard numbers.count == 2, let customers = Int(numbers[0]), let contacts = DecimalText.parse(String(numbers[1])), (0...InputRange.maximumCount).contains(customers), contacts >= 0, contacts <= Double(InputRange.maximumCount) else {
            return nil
        }
        self.init(name: String(halves[0]), customers: customers, contactsPerYear: contacts)
    }
}

/// `callops plan sizing`: seats from the year's contacts (seed 004's five steps), leads to buy
/// from the sales target (seed 003's funnel).
public struct SizingPlan: Encodable, Equatable, Sendable {
    public struct ClassLine: TabularRow, Equatable, Sendable {
        /// The columns of a plan with no customer classes (its CSV keeps its header).
        public static var blank: ClassLine { ClassLine(name: "", customers: 0, contactsPerYear: 0, yearlyContacts: 0) }

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
                            funnel: [Int] = Settings.PlanningRules().leadFunnel) throws -> SizingPlan {
        let lines = classes.map {
            SizingPlan.ClassLine(name: $0.name, customers: $0.customers, contactsPerYear: $0.contactsPerYear,
                                 yearlyContacts: Double($0.customers) * $0.contactsPerYear)
        }
        let yearly = lines.reduce(0) { $0 + $1.yearlyContacts }
        // Each input is in range, but their quotient need not be (100,000,000 customers contacted
        // 100,000,000 times a year by agents making 0.000001 contacts): a count past
        // `InputRange.maximumCount` is an error, never an Int(Double) conversion that traps.
        let seats = try count(contactsPerAgentYear > 0 ? yearly / contactsPerAgentYear : 0, of: "seats")
        let leads = try count(Double(targetSales) * leadsPerSale, of: "leads a month")
        return SizingPlan(classes: lines, yearlyContacts: yearly, contactsPerAgentYear: contactsPerAgentYear, contactsSource: contactsSource,
                          seats: seats, targetSales: targetSales, leadsPerSale: leadsPerSale, leadsSource: leadsSource,
                          leadsPerMonth: leads,
                          funnel: funnel.map { Int(min(Double($0) * Double(targetSales), 1e15)) })
    }

    /// ⌈value⌉ (less a hair for rounding noise) as a count up to `InputRange.maximumCount`.
    static func count(_ value: Double, of what: String) throws -> Int {
        let rounded = (value - 1e-9).rounded(.up)
        guard rounded.isFinite, rounded <= Double(InputRange.maximumCount) else {
            throw CallOpsError.invalidValue(field: "the sizing inputs", value: value.isFinite ? Render.number(value, digits: 0) : String(value),
                                            expected: "inputs that give at most \(InputRange.maximumCount) \(what)")
        }
        return max(0, Int(rounded))
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
