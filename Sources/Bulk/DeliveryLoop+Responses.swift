import ECS
import Logging
import Pipeline
import Reporting

/// What becomes of each answer (or non-answer) to a `_bulk` request.
extension DeliveryLoop {
    func process(_ result: Result<HTTPResponse, ClusterError>, of attempt: Attempt, hostIndex: Int, now: Double) {
        let host = hosts.hosts[hostIndex]
        let response: HTTPResponse
        switch result {
        case .failure(let error):
            hosts.markDown(hostIndex, now: now)
            mailbox.updateStats { $0.failedRequests += 1 }
            retryWhole(attempt, host: host, reason: error.description, now: now,
                       failover: hosts.anotherIsUp(than: hostIndex, now: now))
            return
        case .success(let r):
            response = r
        }

        switch response.status {
        case 200..<300:
            hosts.markUp(hostIndex)
            guard response.discardedBytes == 0, let parsed = BulkResponseScanner.scan(response.body) else {
                mailbox.updateStats { $0.failedRequests += 1 }
                let reason = response.discardedBytes > 0
                    ? "_bulk response larger than \(response.body.count) bytes for \(attempt.piece.count) items (\(response.discardedBytes) more bytes discarded)"
                    : "unreadable _bulk response: \(preview(response.body))"
                retryWhole(attempt, host: host, reason: reason, now: now, failover: false)
                return
            }
            switch parsed {
            case .allSucceeded:
                succeeded(attempt, count: attempt.piece.count, duplicates: 0)
            case .items(let items) where items.count == attempt.piece.count:
                sortItems(items, of: attempt, host: host, now: now)
            case .items(let items):
                mailbox.updateStats { $0.failedRequests += 1 }
                retryWhole(attempt, host: host, reason: "_bulk answered \(items.count) items for \(attempt.piece.count) sent",
                           now: now, failover: false)
            }
        case 413:
            mailbox.updateStats { $0.failedRequests += 1 }
            if attempt.piece.count == 1 {
                reject(attempt, indices: [0], errors: [("request_entity_too_large", "the document alone exceeds the cluster's request size limit (HTTP 413)")], now: now)
            } else {
                // Too large: halves go out at once; no backoff, nothing failed that time would fix.
                let mid = attempt.piece.count / 2
                var first = attempt, second = attempt
                first.piece = attempt.piece.subset(Array(0..<mid))
                second.piece = attempt.piece.subset(Array(mid..<attempt.piece.count))
                schedule(first, after: 0, now: now)
                schedule(second, after: 0, now: now)
            }
        case 400..<500 where !Self.retryableRequestStatus(response.status):
            mailbox.updateStats { $0.failedRequests += 1 }
            let error = BulkResponseScanner.requestError(response.body)
                ?? ("http_\(response.status)", preview(response.body))
            logger.error("\(host) rejected a whole _bulk request (HTTP \(response.status) \(error.type): \(error.reason)); dead-lettering its \(attempt.piece.count) items")
            reject(attempt, indices: Array(0..<attempt.piece.count),
                   errors: Array(repeating: error, count: attempt.piece.count), now: now)
        default:
            mailbox.updateStats { $0.failedRequests += 1 }
            let detail = BulkResponseScanner.requestError(response.body).map { "\($0.type): \($0.reason)" } ?? preview(response.body)
            retryWhole(attempt, host: host, reason: "HTTP \(response.status) \(detail)", now: now, failover: false)
        }
    }

    /// 408, 429 and every 5xx are the cluster being busy or broken for now. 401, 403, 404, 405 and 415 say
    /// the request's envelope is wrong (credentials, a proxy path, compression): that is configuration, fixed
    /// by an operator, and must not cost every document sent in the meantime its place in the cluster.
    /// Only the remaining 4xx (400 malformed and the like) are about the documents and dead-letter them.
    static func retryableRequestStatus(_ status: Int) -> Bool {
        switch status {
        case 401, 403, 404, 405, 408, 415, 429: return true
        case 400..<500: return false
        default: return true
        }
    }

    static func retryableItemStatus(_ status: Int) -> Bool {
        status == 429 || status == 408 || status >= 500
    }

    /// Sends the whole attempt again after a backoff (or at once on another host when `failover`).
    func retryWhole(_ attempt: Attempt, host: String, reason: String, now: Double, failover: Bool) {
        var again = attempt
        again.failures += 1
        let count = attempt.piece.count
        attempt.progress.outcome.retried += count
        mailbox.updateStats { $0.retriedItems += count }
        let delay = failover ? 0 : backoff.delay(failures: again.failures)
        retryLog.log(logger, .warning, key: host,
                     "bulk request to \(host) failed: \(reason); retrying \(count) items in \(formatSeconds(delay))")
        schedule(again, after: delay, now: now)
    }

    private func sortItems(_ items: [BulkItemResult], of attempt: Attempt, host: String, now: Double) {
        var created = 0, duplicates = 0
        var retry: [Int] = []
        var rejected: [Int] = []
        var errors: [(type: String, reason: String)] = []
        for (i, item) in items.enumerated() {
            switch item.status {
            case 200..<300: created += 1
            case 409: duplicates += 1
            case let s where Self.retryableItemStatus(s): retry.append(i)
            default:
                rejected.append(i)
                errors.append((item.errorType ?? "http_\(item.status)", item.errorReason ?? ""))
            }
        }
        if created + duplicates > 0 { succeeded(attempt, count: created, duplicates: duplicates) }
        if !retry.isEmpty {
            var again = attempt
            again.piece = attempt.piece.subset(retry)
            again.failures += 1
            attempt.progress.outcome.retried += retry.count
            let count = retry.count
            mailbox.updateStats { $0.retriedItems += count }
            let delay = backoff.delay(failures: again.failures)
            let first = items[retry[0]]
            retryLog.log(logger, .warning, key: host,
                         "\(host) refused \(count) of \(items.count) items for now (HTTP \(first.status) \(first.errorType ?? "")); retrying them in \(formatSeconds(delay))")
            schedule(again, after: delay, now: now)
        }
        if !rejected.isEmpty { reject(attempt, indices: rejected, errors: errors, now: now) }
    }

    /// Items the cluster took: documents indexed (or already there), or dead letters stored in the index.
    private func succeeded(_ attempt: Attempt, count: Int, duplicates: Int) {
        let total = count + duplicates
        switch attempt.kind {
        case .documents:
            attempt.progress.outcome.indexed += count
            attempt.progress.outcome.duplicates += duplicates
            mailbox.updateStats { $0.indexed += count; $0.duplicates += duplicates }
        case .deadLetters:
            attempt.progress.outcome.deadLettered += total
            mailbox.updateStats { $0.deadLettered += total }
        }
        resolve(attempt.progress, count: total)
    }

    /// Items rejected for good. Documents go to the dead-letter index; dead letters the index refused go to
    /// the local file. Either way the batch only completes once they are stored.
    private func reject(_ attempt: Attempt, indices: [Int], errors: [(type: String, reason: String)], now: Double) {
        switch attempt.kind {
        case .documents:
            let wallTime = WallClock.microseconds()
            var namer = IndexNamer(pattern: settings.deadLetter.indexPattern, dataset: "dead-letter")
            let index = String(decoding: namer.name(microseconds: wallTime), as: UTF8.self)
            var timestampBytes: [UInt8] = []
            var timestamps = TimestampWriter()
            timestamps.append(microseconds: wallTime, to: &timestampBytes)
            let timestamp = String(decoding: timestampBytes, as: UTF8.self)
            var piece = Batch(inputID: attempt.piece.inputID, sequence: attempt.piece.sequence,
                              checkpoint: attempt.piece.checkpoint)
            for (n, i) in indices.enumerated() {
                let letter = DeadLetter(original: attempt.piece.documentLine(i), errorType: errors[n].type,
                                        errorMessage: errors[n].reason,
                                        target: ActionTarget(actionLine: attempt.piece.actionLine(i)),
                                        inputID: attempt.piece.inputID)
                let start = piece.body.count
                piece.body.append(contentsOf: letter.actionLine(deadLetterIndex: index))
                piece.body.append(0x0A)
                let documentStart = piece.body.count
                piece.body.append(contentsOf: letter.document(timestamp: timestamp))
                piece.body.append(0x0A)
                piece.items.append(BatchItem(start: start, documentStart: documentStart, end: piece.body.count))
            }
            retryLog.log(logger, .warning, key: "dead-letter",
                         "\(indices.count) items rejected (\(errors[0].type): \(errors[0].reason)); sending them to \(index)")
            schedule(Attempt(progress: attempt.progress, piece: piece, kind: .deadLetters), after: 0, now: now)
        case .deadLetters:
            let lines = indices.map { Array(attempt.piece.documentLine($0).dropLast()) }
            do {
                try deadLetterFile.append(lines: lines)
                logger.error("dead-letter index refused \(lines.count) items (\(errors[0].type): \(errors[0].reason)); appended them to \(deadLetterFile.path)")
            } catch {
                // Nowhere left to put them but the log itself.
                for line in lines {
                    logger.critical("could not store dead letter (\(error)): \(String(decoding: line, as: UTF8.self))")
                }
            }
            attempt.progress.outcome.deadLettered += lines.count
            let count = lines.count
            mailbox.updateStats { $0.deadLettered += count }
            resolve(attempt.progress, count: count)
        }
    }

    private func preview(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return body.count > 200 ? text + "…" : text
    }

    private func formatSeconds(_ s: Double) -> String {
        let ms = Int((s * 1000).rounded())
        return ms < 1000 ? "\(ms) ms" : "\(ms / 1000).\(ms % 1000 / 100) s"
    }
}
