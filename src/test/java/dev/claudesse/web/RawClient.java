package dev.claudesse.web;

import dev.claudesse.fake.Gate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser that vanishes: plain socket, then a TCP reset in the middle of the answer. */
final class RawClient {

    private static final Pattern MESSAGE_ID = Pattern.compile("\"messageId\":\"([^\"]+)\"");

    private RawClient() {
    }

    /** Posts a chat, reads until the first chunk, resets the connection and returns the message id. */
    static String postAndReset(int port, String ownerCookie, String json, Gate gate) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Cookie: claude_sse_owner=" + ownerCookie + "\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            socket.setSoTimeout(10_000);
            String seen = readUntil(socket.getInputStream(), "event: start", "\n\n");
            Matcher id = MESSAGE_ID.matcher(seen);
            if (!id.find()) {
                throw new AssertionError("no message id in " + seen);
            }
            gate.release();
            readUntil(socket.getInputStream(), "event: chunk", "\n\n");
            socket.setSoLinger(true, 0); // close with RST, like a browser tab killed mid-stream
            return id.group(1);
        }
    }

    private static String readUntil(InputStream in, String marker, String thenEnd) throws IOException {
        StringBuilder seen = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("stream ended before " + marker + ": " + seen);
            }
            seen.append((char) b);
            int at = seen.indexOf(marker);
            if (at >= 0 && seen.indexOf(thenEnd, at) >= 0) {
                return seen.toString();
            }
        }
    }
}
