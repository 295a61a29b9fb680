import Foundation
import Testing

/// Issue 14: a CSV of no rows still carries its header, so a script or a BI tool reading an
/// empty result gets the columns (SPEC section 3); JSON of no rows stays an empty array.
@Suite(.serialized) struct EmptyOutputCLITests {
    /// Each listing or report on a center with nothing in it, and the header its CSV must print
    /// (the JSON keys of SPEC section 13, nested ones as `parent_key`).
    static let listings: [([String], String)] = [
        (["roster", "list"], "agent_code,name,team,role,tier,tier_source,tier_why,status,hire_date,left_on,seat,daily_new_leads,max_open_leads,dialer_user"),
        (["leads", "dnc", "list"], "phone,source,added_at"),
        (["leads", "stats"], "batch_id,source,file_name,received_at,rows,accepted,rejected_dnc,rejected_duplicate_existing,rejected_duplicate_in_file,"
            + "rejected_invalid_phone,rejected_malformed_row,rejected_missing_phone,rejected_out_of_age_range,allocated,dialed,contacted,effective,"
            + "interested,sold,premium,cost,cost_per_sale,premium_per_lead,data_usage_rate"),
        (["leads", "stats", "--by", "attempt"], "attempt,calls,contacts,sales,contact_rate,sale_rate"),
        (["leads", "stats", "--by", "score-decile"], "decile,leads,predicted,contacted,sold,premium,sale_rate"),
        (["customers", "programme"], "customer,name,agent_code,programme,window_start,window_end,steps_care_done,steps_care_required,steps_touches_done,"
            + "steps_touches_required,steps_attempts_done,steps_attempts_required,steps_referrals_done,steps_referrals_required,complete,overdue,due,"
            + "days_left,next_deadline"),
        (["training", "report"], "course,name,kind,enrolled,passed,failed,average_score"),
        (["training", "report", "--regularization"], "name,team,agent_code,hire_date,days_employed,sales_last_30_days"),
        (["recruit", "list"], "id,name,channel,stage,since,days_in_stage,dropped,drop_reason,agent_code"),
        (["recruit", "report", "--retention"], "channel,month,signed,retained_3m,retained_6m,retained_12m"),
        (["pay", "run", "--month", "2026-10"], "agent_code,name,team,tier,base,commission,tier_bonus,selling_bonus,clawback,campaign,override,adjustment,total,variable_share"),
        (["pay", "review", "--quarter", "2026-Q3"], "agent_code,name,team,tier,quarter_fyc,keep,next,verdict"),
        (["renewals", "undelivered"], "product,customer,policy_id,agent_code,sold_on,days_since_sale"),
        (["renewals", "due"], "policy_id,lead_id,agent_code,team,customer,product,mode,installment,amount,due_on,grace_until,days_overdue"),
        (["renewals", "report"], "agent_code,team,due,due_amount,collected,collected_amount,collection_rate,lapses,lapsed_premium,cohort_issued,"
            + "cohort_in_force,persistency"),
        (["seats", "report"], "agent_code,name,team,tier,dials,contacts,contact_rate,effective_calls,talk_minutes,avg_talk_seconds,leads_allocated,"
            + "leads_worked,sales,premium,avg_premium,conversion_rate,premium_per_lead,data_usage_rate,attainment,rank,flags,proposals,fyc,working_days,"
            + "targets_effective_calls,targets_proposals,targets_sales,targets_premium,targets_daily_effective_calls,attainment_by_effective_calls,"
            + "attainment_by_proposals,attainment_by_sales,attainment_by_premium,attainment_by_daily_effective_calls,referrals,referrals_target,"
            + "programme_121_rate"),
        (["seats", "report", "--by", "team"], "team,headcount,active_sellers,active_seller_rate,sales,premium,policies_per_agent,avg_premium,"
            + "premium_per_agent,seat_utilization,dials,contacts,contact_rate,effective_calls,proposals,fyc,lead_cost,pay_cost,pay_cost_draft,"
            + "premium_per_yuan,leads_allocated"),
        (["seats", "report", "--by", "tier"], "tier,headcount,active_sellers,active_seller_rate,sales,premium,policies_per_agent,avg_premium,premium_share"),
    ]

    @Test func everyEmptyListingPrintsItsHeader() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for (arguments, header) in Self.listings {
            let csv = try cli.ok(arguments + ["--format", "csv"])
            #expect(csv.stdout == header + "\n", "\(arguments)")
            if arguments.first != "pay" || arguments[1] != "run" {
                let json = try cli.ok(arguments + ["--format", "json"])
                #expect(try CLI.json(json) as? [Any] != nil || (try CLI.json(json) as? [String: Any]) != nil, "\(arguments): \(json.stdout)")
            }
        }
        // A campaign with nobody on the floor: its standings (not its tiers) are the CSV.
        try cli.ok(["plan", "campaign", "add", "C1", "--name", "冲刺", "--metric", "premium", "--from", "2026-11-01", "--to", "2026-11-30", "--tier", "1000:10"])
        #expect(try cli.ok(["plan", "campaign", "standings", "C1", "--format", "csv"]).stdout == "rank,agent_code,name,team,value,tier,reward,to_next_tier\n")
        // A CSV file for people: the BOM, then the header.
        try cli.ok(["leads", "stats", "--format", "csv", "--out", "stats.csv"])
        let file = try Data(contentsOf: cli.folder.appendingPathComponent("stats.csv"))
        #expect(file.starts(with: [0xEF, 0xBB, 0xBF]) && String(decoding: file.dropFirst(3), as: UTF8.self) == Self.listings[2].1 + "\n")
        // The JSON of an empty list is still `[]`.
        #expect(try CLI.json(try cli.ok(["roster", "list", "--format", "json"])) as? [Any] != nil)
        #expect((try CLI.json(try cli.ok(["roster", "list", "--format", "json"])) as? [Any])?.isEmpty == true)
    }

    @Test func emptyQueuesRejectsAndDailyFilesPrintTheirHeaders() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        // An agent with nothing to call.
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        #expect(try cli.ok(["queue", "next", "--agent", "A001", "--format", "csv"]).stdout
                == "lead_id,name,phone,grade,reason,follow_up,due_at,purpose,why,policy_id\n")
        #expect(try cli.ok(["queue", "cross-sell", "--agent", "A001", "--format", "csv"]).stdout
                == "lead_id,customer,member,member_age,line,product,reason,rank\n")
        // A rejects file of an import with nothing rejected is its header.
        try cli.ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n"), "--source", "v", "--rejects", "rejects.csv"])
        #expect(try String(contentsOf: cli.folder.appendingPathComponent("rejects.csv"), encoding: .utf8).hasSuffix("line,reason,detail,row\n"))
        // The nightly run's CSV files, on a day with nothing due.
        try cli.ok(["daily", "--out", "night"])
        let reports = cli.folder.appendingPathComponent("night/reports")
        for name in try FileManager.default.contentsOfDirectory(atPath: reports.path) where name.hasSuffix(".csv") {
            // Read as bytes: Foundation's decoding drops the BOM.
            let bytes = try Data(contentsOf: reports.appendingPathComponent(name))
            let text = String(decoding: bytes, as: UTF8.self)
            let header = text.split(separator: "\n").first.map(String.init) ?? ""
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]) && header.split(separator: ",").count > 3, "\(name): \(text)")
        }
    }
}
