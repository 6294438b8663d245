package dev.claudesse.fake;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves the fake itself, with the JDK HttpClient our upstream client also uses. */
class FakeClaudeTest {

    private static final String BODY =
            "{\"model\":\"claude-sonnet-5-5\",\"max_tokens\":1024,\"stream\":true,\"messages\":[]}";

    private FakeClaude fake;
    private HttpClient client;

    @BeforeEach
    void start() {
        fake = FakeClaude.start();
        client = HttpClient.newHttpClient(); // default version HTTP_2: it asks for an h2c upgrade
    }

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain_text", "crlf", "cr", "bom", "padded_json"})
    void exactBytesArriveEvenWhenSlicedSmall(String transcript) throws Exception {
        fake.enqueue(Script.transcript(transcript).splitEvery(3));

        HttpResponse<byte[]> response = client.send(post(), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, response.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, response.version());
        assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
        assertEquals("no-cache", response.headers().firstValue("cache-control").orElseThrow());
        assertEquals("req_fake_1", response.headers().firstValue("request-id").orElseThrow());
        assertArrayEquals(Script.transcriptBytes(transcript), response.body());
    }

    @Test
    void slicesReachTheClientAsSeparateReads() throws Exception {
        Script script = Script.transcript("plain_text").splitEvery(4);
        fake.enqueue(script);
        int parts = script.partCount();

        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response =
                client.send(post(), HttpResponse.BodyHandlers.ofPublisher());
        AtomicInteger deliveries = new AtomicInteger();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        response.body().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<ByteBuffer> buffers) {
                deliveries.incrementAndGet();
                buffers.forEach(b -> {
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    received.writeBytes(bytes);
                });
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(10, TimeUnit.SECONDS);

        assertArrayEquals(Script.transcriptBytes("plain_text"), received.toByteArray());
        assertTrue(deliveries.get() > 2 * parts, "events arrive in pieces: " + deliveries.get() + " reads");
    }

    @Test
    void recordsTheRequest() throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        Instant before = Instant.now();

        client.send(post(), HttpResponse.BodyHandlers.discarding());

        RecordedRequest request = fake.takeRequest(Duration.ofSeconds(1));
        assertEquals("POST", request.method());
        assertEquals("/v1/messages", request.path());
        assertEquals(BODY, request.body());
        assertEquals("sk-ant-test", request.header("X-Api-Key"));
        assertEquals("2023-06-01", request.headers().get("anthropic-version").getFirst());
        assertEquals("h2c", request.header("upgrade"), "the JDK asks for h2c, the fake answers HTTP/1.1 anyway");
        assertFalse(request.arrivedAt().isBefore(before));
        assertEquals(List.of(request), fake.requests());
    }

    @Test
    void scriptsAreServedInOrderOnOneKeptAliveConnection() throws Exception {
        fake.enqueue(Script.error(529, "overloaded_error", "Overloaded").header("retry-after", "2"));
        fake.enqueue(Script.error(429, "rate_limit_error", "Slow \"down\"").header("retry-after-ms", "1500"));
        fake.enqueue(Script.transcript("tool_use"));

        HttpResponse<String> first = client.send(post(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = client.send(post(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<byte[]> third = client.send(post(), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(529, first.statusCode());
        assertEquals("2", first.headers().firstValue("retry-after").orElseThrow());
        assertEquals("application/json", first.headers().firstValue("content-type").orElseThrow());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},"
                + "\"request_id\":\"req_fake_1\"}", first.body());
        assertEquals(429, second.statusCode());
        assertEquals("1500", second.headers().firstValue("retry-after-ms").orElseThrow());
        assertEquals("Slow \"down\"", TranscriptFacts.parse(second.body()).path("error").path("message").asText());
        assertEquals(200, third.statusCode());
        assertArrayEquals(Script.transcriptBytes("tool_use"), third.body());

        List<RecordedRequest> requests = fake.requests();
        assertEquals(3, requests.size());
        assertEquals(1, requests.stream().map(RecordedRequest::connection).distinct().count(), "keep-alive");
        assertEquals(0, fake.unservedRequests());
        assertEquals(0, fake.pendingScripts());
    }

    @Test
    void emptyQueueAnswers500AndCountsIt() throws Exception {
        HttpResponse<String> response = client.send(post(), HttpResponse.BodyHandlers.ofString());

        assertEquals(500, response.statusCode());
        assertEquals("api_error", TranscriptFacts.parse(response.body()).path("error").path("type").asText());
        assertEquals(1, fake.unservedRequests());
        assertEquals(1, fake.requests().size());
    }

    @Test
    void droppedStreamEndsInAnIOExceptionAtTheClient() throws Exception {
        fake.enqueue(Script.transcript("dropped").dropAfter(3));

        HttpResponse<InputStream> response = client.send(post(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            byte[] expected = join(Script.transcript("dropped").parts().subList(0, 3));
            assertArrayEquals(expected, body.readNBytes(expected.length), "the first three events arrive");
            assertThrows(IOException.class, body::readAllBytes);
        }
    }

    @Test
    void droppedAfterEverythingIsStillNotAProperEnd() {
        fake.enqueue(Script.transcript("dropped").dropAfter(99));

        assertThrows(IOException.class, () -> client.send(post(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    @Test
    void gateSendsOnePartPerRelease() throws Exception {
        Gate gate = new Gate();
        Script script = Script.transcript("plain_text").gated(gate);
        List<byte[]> parts = script.parts();
        fake.enqueue(script);

        HttpResponse<InputStream> response = client.send(post(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            gate.awaitSent(1, Duration.ofSeconds(2));
            assertArrayEquals(parts.get(0), body.readNBytes(parts.get(0).length));
            Thread.sleep(100);
            assertEquals(1, gate.sent(), "nothing more without a release");

            gate.release();
            gate.awaitSent(2, Duration.ofSeconds(2));
            assertArrayEquals(parts.get(1), body.readNBytes(parts.get(1).length));

            gate.open();
            assertArrayEquals(join(parts.subList(2, parts.size())), body.readAllBytes());
            assertEquals(parts.size(), gate.sent());
        }
    }

    @Test
    void noticesWhenTheClientClosesAPausedStream() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate));

        HttpResponse<InputStream> response = client.send(post(), HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = response.body();
        gate.awaitSent(1, Duration.ofSeconds(2));
        body.readNBytes(10);
        Instant closing = Instant.now();
        body.close();

        Instant noticed = fake.awaitClientClose(Duration.ofSeconds(2));
        assertFalse(noticed.isBefore(closing));
        assertTrue(Duration.between(closing, noticed).toMillis() < 1000, "noticed within 1 s");
    }

    @Test
    void hangKeepsTheStreamOpenUntilTheClientGivesUp() throws Exception {
        Script script = Script.transcript("plain_text").hangAfter(2);
        byte[] firstTwo = join(script.parts().subList(0, 2));
        fake.enqueue(script);

        HttpResponse<InputStream> response = client.send(post(), HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = response.body();
        assertArrayEquals(firstTwo, body.readNBytes(firstTwo.length));
        CompletableFuture<byte[]> rest = CompletableFuture.supplyAsync(() -> {
            try {
                return body.readAllBytes();
            } catch (IOException e) {
                return null;
            }
        });
        assertThrows(TimeoutException.class, () -> rest.get(300, TimeUnit.MILLISECONDS), "nothing more arrives");

        body.close();
        fake.awaitClientClose(Duration.ofSeconds(2));
    }

    @Test
    void delayPacesTheParts() throws Exception {
        fake.enqueue(Script.transcript("cache_usage").delay(Duration.ofMillis(30)));
        long start = System.nanoTime();

        HttpResponse<byte[]> response = client.send(post(), HttpResponse.BodyHandlers.ofByteArray());

        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertArrayEquals(Script.transcriptBytes("cache_usage"), response.body());
        assertTrue(tookMillis >= 6 * 30, "7 parts, 6 pauses of 30 ms; took " + tookMillis + " ms");
    }

    private HttpRequest post() {
        return HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/v1/messages"))
                .header("x-api-key", "sk-ant-test")
                .header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY))
                .build();
    }

    private static byte[] join(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
