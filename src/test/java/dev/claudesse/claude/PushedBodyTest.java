package dev.claudesse.claude;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PushedBodyTest {

    private final AtomicLong requested = new AtomicLong();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final PushedBody body = new PushedBody();

    PushedBodyTest() {
        body.onSubscribe(new Flow.Subscription() {
            public void request(long n) {
                requested.addAndGet(n);
            }

            public void cancel() {
                cancelled.set(true);
            }
        });
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void asksForEverythingOnceSoTheClientNeverPausesReading() {
        assertEquals(Long.MAX_VALUE, requested.get());
    }

    @Test
    void readsTheBuffersInOrderThenEnds() throws IOException {
        body.onNext(List.of(bytes("ab"), bytes("")));
        body.onNext(List.of(bytes("cd")));
        body.onComplete();
        assertEquals("abcd", new String(body.readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(-1, body.read());
    }

    @Test
    void aFailureOfTheExchangeIsAnIOException() {
        body.onNext(List.of(bytes("a")));
        body.onError(new IOException("reset"));
        IOException e = assertThrows(IOException.class, body::readAllBytes);
        assertEquals("reset", e.getMessage());
    }

    @Test
    void closeCancelsTheExchangeAndWakesABlockedReader() throws Exception {
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                body.read();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(50);
        body.close();
        assertTrue(reader.get(5, TimeUnit.SECONDS) instanceof IOException);
        assertTrue(cancelled.get());
    }
}
