/// A `multipart/form-data` body with one file part: what the saved-objects import endpoint reads.
struct MultipartForm {
    let boundary: String
    let body: [UInt8]

    init(fieldName: String, fileName: String, contentType: String, content: [UInt8], boundary: String) {
        self.boundary = boundary
        var body = Array("--\(boundary)\r\n".utf8)
        body += Array("Content-Disposition: form-data; name=\"\(fieldName)\"; filename=\"\(fileName)\"\r\n".utf8)
        body += Array("Content-Type: \(contentType)\r\n\r\n".utf8)
        body += content
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        self.body = body
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}
