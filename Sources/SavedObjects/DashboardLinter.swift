import Foundation
import Setup

/// The offline checks of `logbridge dashboards lint` over a directory of `.ndjson` files (docs/dashboards.md).
public struct DashboardLinter {
    public var catalog: FieldCatalog

    /// The newest migration version of each type OpenSearch Dashboards 2.x knows; newer objects import into
    /// Kibana only, so they are refused.
    public static let newestMigration = ["index-pattern": "7.6.0", "visualization": "7.10.0", "dashboard": "7.9.3",
                                         "search": "7.9.3"]
    /// Visualization types both OpenSearch Dashboards and Kibana 7.10+/8.x import and render.
    public static let portableVisualizations: Set<String> = ["histogram", "horizontal_bar", "line", "area", "pie",
                                                             "table", "metric", "input_control_vis", "markdown"]
    public static let formatCommand = "logbridge dashboards format"

    public init(mappings: MappingSet) {
        catalog = FieldCatalog(mappings: mappings)
    }

    public func lint(directory: String) throws -> [LintProblem] {
        var problems: [LintProblem] = []
        var firstByID: [String: SavedObject] = [:]
        let files = try SavedObjectFile.files(in: directory)
        if files.isEmpty { return [LintProblem(file: directory, line: 0, objectID: "", message: "no .ndjson files")] }
        for file in files {
            let objects: [SavedObject]
            do {
                objects = try SavedObjectFile.read(file)
            } catch let error as SavedObjectFile.ReadError {
                problems.append(LintProblem(file: error.file, line: error.line, objectID: "", message: error.reason))
                continue
            }
            problems += lint(file: file, objects: objects)
            for object in objects {
                let key = object.type + "/" + object.id
                if let first = firstByID[key] {
                    if (try? first.normalised().json) != (try? object.normalised().json) {
                        problems.append(problem(object, "differs from the object with the same id at \(first.location); "
                                                + "an id must mean one object everywhere"))
                    }
                } else {
                    firstByID[key] = object
                }
            }
        }
        return problems
    }

    /// The rules that concern one file: normal form, and each object judged against the file's other objects
    /// (a file must import on its own, so everything it references is in it).
    public func lint(file: String, objects: [SavedObject]) -> [LintProblem] {
        var problems: [LintProblem] = []
        if let text = try? String(contentsOfFile: file, encoding: .utf8), let normal = try? SavedObjectFile.normalText(objects),
           text != normal {
            problems.append(LintProblem(file: file, line: 0, objectID: "",
                                        message: "not in normal form; run `\(Self.formatCommand)`"))
        }
        var seen: Set<String> = []
        for object in objects {
            if !seen.insert(object.type + "/" + object.id).inserted {
                problems.append(problem(object, "appears twice in this file"))
            }
            problems += lint(object, in: objects)
        }
        return problems
    }

    private func lint(_ object: SavedObject, in objects: [SavedObject]) -> [LintProblem] {
        var problems: [String] = []
        if object.id.isEmpty || object.type.isEmpty { problems.append("needs an id and a type") }
        if object.title.isEmpty { problems.append("needs attributes.title") }
        for name in SavedObject.nestedJSONAttributes {
            do { _ = try object.nested(name) } catch { problems.append("attributes.\(name) is not JSON: \(error)") }
        }
        if let newest = Self.newestMigration[object.type] {
            let version = object.json[path: "migrationVersion"]?[object.type]?.stringValue
            if let version, Self.isNewer(version, than: newest) {
                problems.append("migrationVersion \(version) is newer than OpenSearch Dashboards knows (\(newest))")
            } else if version == nil {
                problems.append("migrationVersion.\(object.type) is missing")
            }
        } else {
            problems.append("type \(object.type) is not one of \(Self.newestMigration.keys.sorted())")
        }
        for ref in object.references where !objects.contains(where: { $0.type == ref.type && $0.id == ref.id }) {
            problems.append("reference \(ref.name) → \(ref.type) \(ref.id) is not in this file")
        }
        switch object.type {
        case "index-pattern": problems += indexPatternProblems(object)
        case "dashboard": problems += dashboardProblems(object)
        default: problems += panelProblems(object, in: objects)
        }
        return problems.map { problem(object, $0) }
    }

    private func indexPatternProblems(_ object: SavedObject) -> [String] {
        guard let timeField = object.json[path: "attributes.timeFieldName"]?.stringValue else { return [] }
        let title = object.json[path: "attributes.title"]?.stringValue ?? ""
        return typeProblems(field: timeField, use: .dateHistogram, by: "the time field", pattern: title)
    }

    private func dashboardProblems(_ object: SavedObject) -> [String] {
        guard let panels = (try? object.nested("panelsJSON"))??.arrayValue else { return ["panelsJSON is missing"] }
        return panels.compactMap { panel in
            guard let name = panel["panelRefName"]?.stringValue else { return "a panel has no panelRefName" }
            return object.reference(named: name) == nil ? "panelRefName \(name) names no reference" : nil
        }
    }

    private func panelProblems(_ object: SavedObject, in objects: [SavedObject]) -> [String] {
        let panel: Panel
        do {
            guard let read = try Panel(object) else { return [] }
            panel = read
        } catch {
            return ["\(error)"]
        }
        var problems: [String] = []
        if case .visualization(let type) = panel.kind {
            if !Self.portableVisualizations.contains(type) {
                problems.append("visualization type \(type) is not one both OpenSearch Dashboards and Kibana render")
            }
            if let state = try? object.nested("visState") {
                problems += PanelContentRules.problems(
                    visState: state, migration: object.json[path: "migrationVersion"]?["visualization"]?.stringValue,
                    aggregations: panel.aggregations, rangeSeconds: Self.longestTimeRange(showing: object, in: objects))
            }
        }
        if !panel.queryText.isEmpty {
            problems.append("query text \"\(panel.queryText)\": use filters instead, so lint can check their fields")
        }
        guard let pattern = objects.first(where: { $0.type == "index-pattern" && $0.id == panel.indexPatternID }) else {
            return problems + ["its index pattern \(panel.indexPatternID) is not in this file"]
        }
        let title = pattern.json[path: "attributes.title"]?.stringValue ?? ""
        for use in panel.fieldUses {
            problems += typeProblems(field: use.field, use: use.use, by: use.by, pattern: title)
        }
        return problems
    }

    /// The longest time range a dashboard of the file that shows `object` restores (`timeRestore`), in seconds.
    static func longestTimeRange(showing object: SavedObject, in objects: [SavedObject]) -> Double? {
        objects.filter { dashboard in
            dashboard.type == "dashboard" && dashboard.json[path: "attributes.timeRestore"] == .bool(true)
                && dashboard.references.contains { $0.type == object.type && $0.id == object.id }
        }.compactMap { dashboard in
            guard let from = dashboard.json[path: "attributes.timeFrom"]?.stringValue,
                  let to = dashboard.json[path: "attributes.timeTo"]?.stringValue else { return nil }
            return PanelContentRules.rangeSeconds(from: from, to: to)
        }.max()
    }

    private func typeProblems(field: String, use: FieldUse, by: String, pattern: String) -> [String] {
        guard let types = catalog.fields(forPattern: pattern)[field] else {
            return ["field \(field) (\(by)) is not mapped for \(pattern) in Mappings/"]
        }
        if types.count > 1 { return ["field \(field) (\(by)) has conflicting types \(types.sorted()) under \(pattern)"] }
        let type = types.first!
        return use.allows(type) ? [] : ["field \(field) is \(type), which cannot be \(use.rawValue) (\(by))"]
    }

    private func problem(_ object: SavedObject, _ message: String) -> LintProblem {
        LintProblem(file: object.file, line: object.line, objectID: object.id, message: message)
    }

    static func isNewer(_ version: String, than other: String) -> Bool {
        let a = version.split(separator: ".").map { Int($0) ?? 0 }, b = other.split(separator: ".").map { Int($0) ?? 0 }
        for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : 0) != (i < b.count ? b[i] : 0) {
            return (i < a.count ? a[i] : 0) > (i < b.count ? b[i] : 0)
        }
        return false
    }
}
