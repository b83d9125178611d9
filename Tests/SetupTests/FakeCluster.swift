import JSON
import Setup

/// An in-memory stand-in answering setup's requests in the shapes Elasticsearch and OpenSearch use, for the
/// cases the live engine cannot show (ILM, ISM updates with sequence numbers, refusals).
final class FakeCluster {
    var stored: [String: JSONValue] = [:]
    var seqNo: [String: Int] = [:]
    var requests: [SetupRequest] = []
    var hasLifecycleAPI = true
    /// path → reason: PUTs there are refused with HTTP 400.
    var refusals: [String: String] = [:]

    var writes: [SetupRequest] { requests.filter { $0.method == "PUT" } }

    func handle(_ request: SetupRequest) -> SetupResponse {
        requests.append(request)
        let path = String(request.path.prefix { $0 != "?" })
        let name = String(path.split(separator: "/").last ?? "")
        let isPolicy = path.hasPrefix("/_ilm/") || path.hasPrefix("/_plugins/_ism/")
        if isPolicy && !hasLifecycleAPI {
            return Self.answer(400, "{\"error\":\"no handler found for uri [\(path)] and method [\(request.method)]\"}")
        }
        switch request.method {
        case "GET":
            guard let body = stored[path] else {
                return Self.answer(404, "{\"error\":{\"type\":\"resource_not_found_exception\",\"reason\":\"\(name) missing\"},\"status\":404}")
            }
            return SetupResponse(status: 200, body: shape(path: path, name: name, body: body).compactBytes)
        case "PUT":
            if let reason = refusals[path] {
                return Self.answer(400, "{\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":\"\(reason)\"},\"status\":400}")
            }
            // Real ISM refuses to overwrite a policy without naming the revision it replaces.
            if path.hasPrefix("/_plugins/_ism/"), let current = seqNo[path],
               !request.path.contains("if_seq_no=\(current)&if_primary_term=1") {
                return Self.answer(409, "{\"error\":{\"type\":\"version_conflict_engine_exception\",\"reason\":\"conflict\"},\"status\":409}")
            }
            stored[path] = request.body
            seqNo[path] = (seqNo[path] ?? -1) + 1
            return Self.answer(200, "{\"acknowledged\":true}")
        default:
            return Self.answer(405, "{\"error\":\"method\"}")
        }
    }

    private func shape(path: String, name: String, body: JSONValue) -> JSONValue {
        let named: (String, String) -> JSONValue = { list, key in
            .object([list: .array([.object(["name": .string(name), key: body])])])
        }
        if path.hasPrefix("/_component_template/") { return named("component_templates", "component_template") }
        if path.hasPrefix("/_index_template/") { return named("index_templates", "index_template") }
        if path.hasPrefix("/_ilm/") {
            return .object([name: .object(["version": .int(seqNo[path] ?? 0), "policy": body["policy"] ?? .null])])
        }
        if path.hasPrefix("/_plugins/_ism/") {
            return .object(["_id": .string(name), "_seq_no": .int(seqNo[path] ?? 0), "_primary_term": .int(1),
                            "policy": body["policy"] ?? .null])
        }
        return .object([name: body])
    }

    private static func answer(_ status: Int, _ text: String) -> SetupResponse {
        SetupResponse(status: status, body: Array(text.utf8))
    }
}
