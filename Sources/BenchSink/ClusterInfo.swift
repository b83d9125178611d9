/// What `GET /` answers, so clients detect the flavour they would talk to in production.
enum ClusterInfo {
    static func body(openSearch: Bool) -> String {
        if openSearch {
            return #"{"name":"benchsink","cluster_name":"benchsink","cluster_uuid":"bench-sink-0000000000","#
                + #""version":{"distribution":"opensearch","number":"2.11.0","build_type":"tar","#
                + #""build_hash":"0000000","build_date":"2023-10-13T02:55:55.511945994Z","build_snapshot":false,"#
                + #""lucene_version":"9.7.0","minimum_wire_compatibility_version":"7.10.0","#
                + #""minimum_index_compatibility_version":"7.0.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#
        }
        return #"{"name":"benchsink","cluster_name":"benchsink","cluster_uuid":"bench-sink-0000000000","#
            + #""version":{"number":"8.11.0","build_flavor":"default","build_type":"tar","build_hash":"0000000","#
            + #""build_date":"2023-11-04T10:04:57.184859352Z","build_snapshot":false,"lucene_version":"9.8.0","#
            + #""minimum_wire_compatibility_version":"7.17.0","minimum_index_compatibility_version":"7.0.0"},"#
            + #""tagline":"You Know, for Search"}"#
    }

    /// Elasticsearch clients refuse a server without this header; OpenSearch sends none.
    static func productHeader(openSearch: Bool) -> String {
        openSearch ? "" : "X-elastic-product: Elasticsearch\r\n"
    }
}
