@_spi(Fuzzing) import Bulk
import FuzzSupport

// `_bulk` answers come from the network (a cluster, a proxy, a misconfigured port): any bytes must be
// read as an answer or refused, never crash the delivery thread.
FuzzSupport.main { bytes in
    _ = BulkResponseFuzzing.scan(bytes)
}
