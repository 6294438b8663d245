package dev.claudesse.fake;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request as the fake received it.
 *
 * @param headers     header values by lower-case name, in arrival order
 * @param requestId   the {@code request-id} the fake answered with ({@code req_fake_<n>})
 * @param connection  number of the TCP connection it came on (1, 2, ...), to see keep-alive reuse
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> headers, String body,
                              Instant arrivedAt, String requestId, int connection) {

    /** The first value of a header, or null; the name is matched case-insensitively. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
