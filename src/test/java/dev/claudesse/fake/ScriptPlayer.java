package dev.claudesse.fake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Writes one script as an HTTP/1.1 response onto a connection, paced as the script says. */
final class ScriptPlayer {

    /**
     * A reset makes the client's kernel throw away bytes it received but the client did not read yet.
     * Waiting this long first lets the client take in the parts sent, so a drop after n parts shows n parts.
     */
    private static final Duration DROP_GRACE = Duration.ofMillis(150);

    private ScriptPlayer() {
    }

    /** Returns whether the connection may carry another request afterwards. */
    static boolean play(FakeConnection connection, FakeConnection.Exchange exchange)
            throws IOException, InterruptedException {
        Script script = exchange.script();
        String requestId = exchange.request().requestId();
        if (!script.streaming()) {
            byte[] body = script.body(requestId);
            connection.write(concat(head(script, requestId, "application/json", "content-length: " + body.length), body));
            return true;
        }
        connection.write(head(script, requestId, "text/event-stream; charset=utf-8", "transfer-encoding: chunked"));
        return playParts(connection, script);
    }

    private static boolean playParts(FakeConnection connection, Script script) throws IOException, InterruptedException {
        List<byte[]> parts = script.parts();
        int cut = script.dropAfter() >= 0 ? script.dropAfter() : script.hangAfter();
        int limit = cut >= 0 ? Math.min(cut, parts.size()) : parts.size();
        Gate gate = script.gate();
        for (int i = 0; i < limit; i++) {
            if (i > 0 && !script.delay().isZero()) {
                Thread.sleep(script.delay());
            }
            if (gate != null && i >= script.freeParts() && !gate.awaitPermit(connection::gone)) {
                return false;
            }
            writePart(connection, parts.get(i), script.sliceBytes());
            if (gate != null) {
                gate.partSent();
            }
        }
        if (script.dropAfter() >= 0) {
            Thread.sleep(DROP_GRACE);
            connection.reset();
            return false;
        }
        if (script.hangAfter() >= 0) {
            connection.awaitGone();
            return false;
        }
        connection.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return true;
    }

    private static void writePart(FakeConnection connection, byte[] part, int sliceBytes)
            throws IOException, InterruptedException {
        if (sliceBytes <= 0) {
            connection.write(chunk(part, 0, part.length));
            return;
        }
        for (int from = 0; from < part.length; from += sliceBytes) {
            if (from > 0) {
                Thread.sleep(1);
            }
            connection.write(chunk(part, from, Math.min(part.length, from + sliceBytes)));
        }
    }

    /** One HTTP chunk: size line, data, CRLF; built as one array so it leaves in one write. */
    private static byte[] chunk(byte[] data, int from, int to) {
        byte[] size = (Integer.toHexString(to - from) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[size.length + (to - from) + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(data, from, chunk, size.length, to - from);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }

    private static byte[] head(Script script, String requestId, String contentType, String framing) {
        StringBuilder head = new StringBuilder()
                .append("HTTP/1.1 ").append(script.status()).append(' ').append(reason(script.status())).append("\r\n")
                .append("date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .append("\r\n")
                .append("content-type: ").append(contentType).append("\r\n")
                .append(framing).append("\r\n")
                .append("connection: keep-alive\r\n")
                .append("request-id: ").append(requestId).append("\r\n")
                .append("cache-control: no-cache\r\n");
        for (Map.Entry<String, String> header : script.headers()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Request Entity Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 529 -> "Overloaded";
            default -> "Status";
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
