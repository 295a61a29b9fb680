import ArgumentParser
import CallOpsCore
import CallOpsStore
import Foundation
import LeadData

extension LeadsCommand {
    /// `callops leads score train|apply` (SPEC section 5, learned lead scoring).
    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learned lead scoring: train a model of P(sale) on the center's closed leads, score open and pool leads.",
            subcommands: [Train.self, Apply.self])

        struct Train: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Fit P(sale) on closed leads (won against lost or exhausted), store the model and print its card.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption
            @Option(parsing: .unconditional, help: "Only leads closed on or after this day (YYYY-MM-DD).") var since: String?
            @Option(parsing: .unconditional, help: "Share of closed leads kept out to measure the model. Default: the config's (0.2).", transform: decimalOption) var holdout: Double?
            @Option(parsing: .unconditional, help: "Seed of the hold-out split and the cross-validation folds.", transform: seedOption) var seed: UInt64 = 1

            func validate() throws {
                if let holdout, !(holdout >= 0.05 && holdout <= 0.5) {
                    throw ValidationError("--holdout is a share between 0.05 and 0.5, such as 0.2")
                }
            }

            func run() throws {
                let context = try global.checkedContext()
                let card = try LeadScoring(settings: context.settings, clock: context.clock)
                    .train(context.db, options: .init(since: since, holdout: holdout, seed: seed))
                if output.format == .json {
                    try emit(try Render.json(card), data: true)
                    return
                }
                if output.format == .csv {
                    // The rows of the card's main array, keys and raw values as its JSON (SPEC section 3).
                    try emit(Table(["decile", "leads", "predicted", "observed"], rows: card.deciles.map {
                        [String($0.decile), String($0.leads), String($0.predicted), String($0.observed)]
                    }).csv())
                    return
                }
                let table = Table([">decile", ">leads", ">predicted", ">observed"], rows: card.deciles.map {
                    [String($0.decile), String($0.leads), Render.percent($0.predicted), Render.percent($0.observed)]
                })
                func figure(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }
                var text = """
                    model \(card.modelID ?? 0), trained \(card.trainedAt)\(card.since.map { " on leads closed since \($0)" } ?? "")
                    leads \(card.leads) (sales \(card.sales), base rate \(Render.percent(card.baseRate))); hold-out \(card.holdoutLeads) leads, \(card.holdoutSales) sales (seed \(card.seed), share \(card.holdout))
                    hold-out AUC \(figure(card.auc)) against the grades' \(figure(card.gradeAUC)): \(card.beatsGrades ? "the model ranks better" : "the model does not beat the grades; rank_by = \"score\" keeps grade order")
                    top 20% by score: lift \(card.liftTop20.map { String(format: "×%.2f", $0) } ?? "-"), capture \(Render.percent(card.captureTop20)) of the hold-out's sales
                    \(card.featureCount) features, L2 penalty \(card.lambda) (by \(context.settings.leads.scoring.folds)-fold cross-validation)

                    calibration on the hold-out, by decile of score:

                    """
                text += table.rendered()
                text += "\nthe ten strongest features:\n" + card.features.map { "  " + $0.words }.joined(separator: "\n") + "\n"
                try emit(text)
            }
        }

        struct Apply: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Score open and pool leads with the newest model (0-1, kept beside the grade).")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption
            @Option(parsing: .unconditional, help: "Only leads of this batch.") var batch: Int64?

            func run() throws {
                let context = try global.checkedContext()
                let result = try LeadScoring(settings: context.settings, clock: context.clock).apply(context.db, batch: batch)
                let table = Table([">model", ">scored", ">mean score"], rows: [[
                    String(result.modelID), String(result.scored), result.meanScore.map { String(format: "%.4f", $0) } ?? "-",
                ]])
                try emit(try Render.output(result, table: table, format: output.format), data: output.format != .table)
            }
        }
    }
}

extension LeadsCommand.Stats {
    /// `leads stats --by score-decile`: contacts, sales and premium per decile of learned score.
    func scoreDeciles(_ context: Context) throws {
        let deciles = try context.db.read { db in try LeadScoring.deciles(db, batch: batch) }
        var table = Table([">decile", ">leads", ">predicted", ">contacted", ">sold", ">sale rate", ">premium"], rows: deciles.map {
            [String($0.decile), String($0.leads), Render.percent($0.predicted), String($0.contacted), String($0.sold), Render.percent($0.saleRate),
             $0.premium.description]
        })
        if deciles.isEmpty { table.footer = ["no scored leads yet: `callops leads score train`, then `callops leads score apply`"] }
        try output.present(global: global, deciles, text: table.rendered)
    }
}
