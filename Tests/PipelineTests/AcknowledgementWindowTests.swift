import Testing
@testable import Pipeline

@Suite struct AcknowledgementWindowTests {
    @Test func outOfOrderCompletionsWaitForTheEarliest() {
        var w = AcknowledgementWindow()
        #expect(w.complete(sequence: 2, checkpoint: Checkpoint("c2")) == nil)
        #expect(w.complete(sequence: 3, checkpoint: Checkpoint("c3")) == nil)
        #expect(w.waiting == 2)
        #expect(w.complete(sequence: 1, checkpoint: Checkpoint("c1")) == Checkpoint("c3"))
        #expect(w.nextExpected == 4)
        #expect(w.waiting == 0)
    }

    @Test func batchesWithoutCheckpointKeepTheLastOne() {
        var w = AcknowledgementWindow()
        #expect(w.complete(sequence: 1, checkpoint: Checkpoint("a")) == Checkpoint("a"))
        #expect(w.complete(sequence: 2, checkpoint: nil) == nil)
        #expect(w.complete(sequence: 3, checkpoint: Checkpoint("b")) == Checkpoint("b"))
    }

    @Test func subsetKeepsItemBytes() {
        var b = BatchBuilder(inputID: "x", maxDocuments: 10, maxBytes: 4096)
        for i in 0..<3 {
            b.append(writeAction: { $0.append(contentsOf: Array("a\(i)".utf8)) },
                     writeDocument: { $0.append(contentsOf: Array("{\"n\":\(i)}".utf8)) })
        }
        let batch = b.take(checkpoint: Checkpoint("k"))
        let sub = batch.subset([0, 2])
        #expect(String(decoding: sub.body, as: UTF8.self) == "a0\n{\"n\":0}\na2\n{\"n\":2}\n")
        #expect(String(decoding: sub.documentLine(1), as: UTF8.self) == "{\"n\":2}\n")
        #expect(sub.checkpoint == Checkpoint("k"))
        #expect(b.batch.sequence == 2)
    }
}
