// curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt are variadic and cannot be called from Swift:
// these typed wrappers are the whole bridge.
#include <curl/curl.h>

static inline CURLcode lb_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lb_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lb_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lb_easy_setopt_write(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode lb_easy_setopt_header(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
}
static inline CURLcode lb_easy_setopt_read(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_READFUNCTION, f);
}
static inline CURLcode lb_easy_setopt_seek(CURL *h, int (*f)(void *, curl_off_t, int)) {
    return curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, f);
}
static inline CURLcode lb_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode lb_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode lb_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode lb_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode lb_multi_poll(CURLM *m, int timeoutMs) { return curl_multi_poll(m, NULL, 0, timeoutMs, NULL); }

// libcurl never compresses request bodies; `_bulk` NDJSON shrinks ~10x, so we gzip it ourselves with zlib.
#include <zlib.h>

/// Upper bound on what `lb_gzip` may write for `n` input bytes (zlib bound plus the gzip header and trailer).
static inline size_t lb_gzip_bound(size_t n) { return (size_t)compressBound((uLong)n) + 32; }

/// Gzips `in` into `out` in one pass; returns the compressed size, or 0 when zlib fails or `out` is too small.
static inline size_t lb_gzip(const unsigned char *in, size_t inLen, unsigned char *out, size_t outCap, int level) {
    z_stream s = {0};
    // windowBits 15 + 16 asks zlib for a gzip wrapper rather than a zlib one.
    if (deflateInit2(&s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    s.next_out = out;
    s.avail_out = (uInt)(outCap > 0xFFFFFFFFu ? 0xFFFFFFFFu : outCap);
    size_t remaining = inLen;
    const unsigned char *p = in;
    int rc = Z_OK;
    do {
        uInt chunk = remaining > 0x40000000u ? 0x40000000u : (uInt)remaining;
        s.next_in = (Bytef *)p;
        s.avail_in = chunk;
        p += chunk;
        remaining -= chunk;
        rc = deflate(&s, remaining == 0 ? Z_FINISH : Z_NO_FLUSH);
    } while (remaining > 0 && rc == Z_OK);
    size_t produced = (size_t)s.total_out;
    deflateEnd(&s);
    return rc == Z_STREAM_END ? produced : 0;
}

// Macros with casts in them do not import into Swift.
static inline long lb_curlauth_basic(void) { return (long)CURLAUTH_BASIC; }
