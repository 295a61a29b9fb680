import CallOpsStore
import FollowUp

/// The migrations of every module with tables, in dependency order: the back office stands on
/// all the others. The command line and the benchmark open databases with this list.
public enum BackOfficeSchema {
    public static let migrations: [Migration] = FollowUpSchema.migrations + Planning.migrations + Training.migrations + Recruiting.migrations + PayRun.migrations + Campaigns.migrations
}
