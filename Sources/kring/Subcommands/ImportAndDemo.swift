import ArgumentParser
import Foundation
import KringApp
import KringDomain
import KringExamples

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Load a scenario file (YAML or JSON) of facilitators, groups, series and participants: all or nothing.",
        discussion:
            "The format is described in docs/scenario.md.\n\nExample:\n  kring import Examples/flanders-groups.yaml")
    @Argument(help: "The scenario file.") var file: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw KringError.notFound("file", file, "cannot be read")
        }
        let view = try database.operations().importScenario(fileData: data, file: file)
        emit(view, format: output.format) { view in
            "imported \(view.groups.count) groups, \(view.sessions) sessions, \(view.participants) participants, "
                + "\(view.facilitators) facilitators\n" + Render.groups(view.groups)
        }
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Import the example scenario into a fresh database and show what a coordinator looks at first.",
        discussion: "Example:\n  kring demo --db /tmp/kring-demo.sqlite")
    @Option(help: "A new database file (default: a fresh one in a temporary folder).") var db: String?
    @OptionGroup var output: FormatOptions

    func run() throws {
        let path: String
        if let db {
            guard !FileManager.default.fileExists(atPath: db) else {
                throw KringError.conflict("db", db, "already exists; the demo needs a fresh database")
            }
            path = db
        } else {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "kring-demo-\(UUID().uuidString.prefix(8))")
            path = folder.appendingPathComponent("kring.sqlite").path
        }
        var configuration = try KringConfiguration.resolve(databaseFlag: path)
        if !configuration.keyFileExists {
            // The demo holds no contact data; its key lives beside the throwaway database, never in the user's config.
            configuration.useKeyFile(at: (path as NSString).deletingLastPathComponent + "/demo.key")
        }
        _ = try Kring.initialise(configuration: configuration)
        let kring = try Kring.open(configuration: configuration)
        let data: Data
        do { data = try ExampleScenario.data() } catch {
            throw KringError(
                .environment, field: "scenario", value: ExampleScenario.fileName, reason: "is missing from this build")
        }
        let imported = try kring.importScenario(
            Scenario.decode(data, file: ExampleScenario.fileName),
            planning: ScenarioPlanning.decode(data, file: ExampleScenario.fileName))
        // Staff every upcoming session of the scenario; every slot is filled or explained.
        let plan = try kring.assign(AssignRequest())
        let now = configuration.clock()
        let upcoming = try kring.listSessions(group: nil, from: nil, to: nil)
            .filter { session in
                session.status != .cancelled
                    && (ISO8601DateFormatter().date(from: session.start).map { $0 >= now } ?? false)
            }
            .prefix(8)
        let running = imported.groups.first { $0.state == .running } ?? imported.groups[0]
        let roster = try kring.roster(group: String(running.id), session: nil)
        switch output.format {
        case .json:
            struct DemoView: Encodable {
                let database: String
                let groups: [GroupView]
                let nextSessions: [SessionView]
                let roster: RosterView
                let assignment: AssignRunView
            }
            emit(
                DemoView(
                    database: path, groups: imported.groups, nextSessions: Array(upcoming), roster: roster,
                    assignment: plan),
                format: .json
            ) { _ in "" }
        case .table:
            print("Kring demo: the example scenario imported into \(path)\n")
            print("Groups\n" + Render.groups(imported.groups) + "\n")
            print("Next sessions\n" + Render.sessions(Array(upcoming)) + "\n")
            print(Render.roster(roster))
            print("\nFacilitator plan (kring assign)\n" + Render.assignSummary(plan))
            print("\nTry: kring group list --db \(path)")
        }
    }
}
