import Bulk
import Config
import Foundation
import JSON
import Setup

/// The saved-objects API of OpenSearch Dashboards and Kibana, over the same libcurl client the shipper uses.
public struct DashboardsClient {
    /// OpenSearch Dashboards checks the first, Kibana the second; each ignores the other's.
    public static let xsrfHeaders = ["osd-xsrf: true", "kbn-xsrf: true"]

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let client: ClusterClient

    /// `settings.hosts` are the Dashboards base URLs (e.g. `https://dashboards:5601`); bodies go uncompressed.
    public init(settings: OutputSettings) {
        var settings = settings
        settings.compression = .none
        client = ClusterClient(settings: settings)
    }

    public struct ImportResult: Sendable, Equatable {
        public var successCount: Int
    }

    /// `POST /api/saved_objects/_import?overwrite=true`. Anything but `success: true` with no per-object error
    /// is a failure naming each refused object.
    public func importFile(_ path: String) throws -> ImportResult {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "\(path): cannot be read") }
        let form = MultipartForm(fieldName: "file", fileName: (path as NSString).lastPathComponent,
                                 contentType: "application/ndjson", content: Array(data),
                                 boundary: "logbridge-\(UUID().uuidString)")
        let response = try client.request("POST", "/api/saved_objects/_import?overwrite=true", body: form.body,
                                          contentType: form.contentType, headers: Self.xsrfHeaders)
        return try Self.importResult(status: response.status, body: response.body, file: path)
    }

    static func importResult(status: Int, body: [UInt8], file: String) throws -> ImportResult {
        let json = try? JSONValue(parsing: body)
        guard (200..<300).contains(status), let json else {
            let reason = SetupResponse(status: status, body: body).errorReason
            throw Failure(description: "\(file): import refused: HTTP \(status): \(json?["message"]?.stringValue ?? reason)")
        }
        let errors = json["errors"]?.arrayValue ?? []
        if json["success"] != .bool(true) || !errors.isEmpty {
            let each = errors.map { error in
                let what = "\(error["type"]?.stringValue ?? "?") \(error["id"]?.stringValue ?? "?")"
                let why = error[path: "error.type"]?.stringValue ?? "error"
                let detail = error[path: "error.message"]?.stringValue
                    ?? (error[path: "error.references"]?.arrayValue).map { refs in
                        "missing " + refs.map { "\($0["type"]?.stringValue ?? "") \($0["id"]?.stringValue ?? "")" }
                            .joined(separator: ", ")
                    } ?? ""
                return "\(what): \(why)\(detail.isEmpty ? "" : " (\(detail))")"
            }
            throw Failure(description: "\(file): import failed" + (each.isEmpty ? " (success: false)" : ": " + each.joined(separator: "; ")))
        }
        return ImportResult(successCount: json["successCount"]?.intValue ?? 0)
    }

    /// `POST /api/saved_objects/_export` of exactly these objects, in the order given.
    public func export(_ objects: [SavedObject]) throws -> [SavedObject] {
        let wanted = JSONValue.object([
            "objects": .array(objects.map { .object(["type": .string($0.type), "id": .string($0.id)]) }),
            "includeReferencesDeep": .bool(false),
        ])
        let response = try client.request("POST", "/api/saved_objects/_export", body: wanted.compactBytes,
                                          headers: Self.xsrfHeaders)
        guard response.isSuccess else {
            throw Failure(description: "export refused: HTTP \(response.status): \(response.text.prefix(300))")
        }
        let exported = try SavedObjectFile.parse(response.text, file: "export")
        return try objects.map { wanted in
            guard let found = exported.first(where: { $0.type == wanted.type && $0.id == wanted.id }) else {
                throw Failure(description: "export did not return \(wanted.type) \(wanted.id)")
            }
            return SavedObject(json: found.json, file: wanted.file, line: wanted.line)
        }
    }
}
