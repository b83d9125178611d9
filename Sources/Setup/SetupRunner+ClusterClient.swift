import Bulk
import Config
import JSON
import Logging

extension SetupRunner {
    /// The program's entry point: reads `mappingsDirectory` (or the default location when nil) and talks to
    /// the cluster through `client`, asking it what it is at the start of each run. The layout follows the
    /// client's `output.mode`.
    public init(mappingsDirectory: String?, client: ClusterClient, logger: Logger) throws {
        let directory = try mappingsDirectory ?? MappingsLocator.defaultDirectory()
        self.init(mappings: try MappingSet.load(from: directory), transport: client.setupTransport,
                  detectTarget: { try SetupTarget(client.detect()) }, logger: logger,
                  layout: client.settings.mode == .dataStream ? .dataStreams(namespace: client.settings.namespace) : .dailyIndices)
    }
}

extension SetupTarget {
    public init(_ info: ClusterInfo) {
        self.init(flavor: info.flavor == .opensearch ? .opensearch : .elasticsearch, version: info.version)
    }
}

extension ClusterClient {
    /// Bodies go out compact, with keys sorted, as `JSONValue` prints them.
    public var setupTransport: SetupTransport {
        { request in
            let response = try self.request(request.method, request.path, body: request.body?.compactBytes)
            return SetupResponse(status: response.status, body: response.body)
        }
    }
}
