package dev.claudesse.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Where the load client sends answers and how to read them: the app's POST api/chat (events chunk/done),
 * or, with direct mode, BenchClaude's own /v1/messages (events content_block_delta/message_stop) to measure
 * the harness alone.
 */
record LoadTarget(String host, int port, String path, boolean direct) {

    static LoadTarget of(String baseUrl, boolean direct) {
        URI uri = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        return new LoadTarget(uri.getHost(), port, uri.getPath() + (direct ? "v1/messages" : "api/chat"), direct);
    }

    String chunkEvent() {
        return direct ? "content_block_delta" : "chunk";
    }

    String doneEvent() {
        return direct ? "message_stop" : "done";
    }

    byte[] request() {
        String body = direct
                ? "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"bench\"}]}"
                : "{\"message\":\"bench\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                + "Content-Type: application/json\r\nAccept: text/event-stream\r\n"
                + (direct ? "x-api-key: bench-key\r\nanthropic-version: 2023-06-01\r\n" : "")
                + "Content-Length: " + bytes.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(headBytes, headBytes.length + bytes.length);
        System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
        return all;
    }
}
