package dev.claudesse.claude;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PushedBodyTest {

    /** Records what the body asks of the HTTP client. */
    static final class Subscription implements Flow.Subscription {
        final AtomicLong requested = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }

    /** A real client sends nothing before it is asked to. */
    private static void awaitDemand(Subscription subscription) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (subscription.requested.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(Long.MAX_VALUE, subscription.requested.get());
    }

    private static List<ByteBuffer> bytes(String text) {
        return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Runs deliver() on its own thread, as an answer does, collecting what reaches the sink. */
    private static Thread deliverInBackground(PushedBody body, StringBuilder received, int stopAfter,
                                              Throwable[] thrown) {
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                body.deliver((b, off, len) -> {
                    received.append(new String(b, off, len, StandardCharsets.UTF_8));
                    return received.length() < stopAfter;
                });
            } catch (IOException | RuntimeException e) {
                thrown[0] = e;
            }
        });
        return thread;
    }

    @Test
    void asksForEverythingOnlyOnceDeliveryStarts() throws Exception {
        PushedBody body = new PushedBody();
        Subscription subscription = new Subscription();
        body.onSubscribe(subscription);
        assertEquals(0, subscription.requested.get());
        StringBuilder received = new StringBuilder();
        Thread thread = deliverInBackground(body, received, Integer.MAX_VALUE, new Throwable[1]);
        while (subscription.requested.get() == 0) {
            Thread.sleep(1);
        }
        assertEquals(Long.MAX_VALUE, subscription.requested.get());
        body.onNext(bytes("data: a\n\n"));
        body.onComplete();
        thread.join(5_000);
        assertFalse(thread.isAlive());
        assertEquals("data: a\n\n", received.toString());
    }

    @Test
    void whenTheSinkWantsNoMoreDeliveryEndsButTheBodyIsReadToItsEndForReuse() throws Exception {
        PushedBody body = new PushedBody();
        Subscription subscription = new Subscription();
        body.onSubscribe(subscription);
        StringBuilder received = new StringBuilder();
        Thread thread = deliverInBackground(body, received, 3, new Throwable[1]);
        awaitDemand(subscription);
        body.onNext(bytes("abc"));
        thread.join(5_000);
        assertFalse(thread.isAlive());
        body.onNext(bytes("trailing"));
        assertEquals("abc", received.toString());
        assertFalse(subscription.cancelled.get(), "the connection stays usable");
        body.onComplete();
        body.close();
        assertFalse(subscription.cancelled.get(), "an ended body is not cancelled on close");
    }

    @Test
    void aBodyClosedAfterTheSinkWantedNoMoreIsLeftToEndAndCancelledOnlyIfItDoesNot() throws Exception {
        PushedBody body = new PushedBody(Duration.ofMillis(300));
        Subscription subscription = new Subscription();
        body.onSubscribe(subscription);
        Thread thread = deliverInBackground(body, new StringBuilder(), 3, new Throwable[1]);
        awaitDemand(subscription);
        body.onNext(bytes("abc"));
        thread.join(5_000);
        body.close(); // the answer's thread gets here before the client's onComplete
        Thread.sleep(100);
        assertFalse(subscription.cancelled.get(), "a finished HTTP/2 stream is not reset");
        body.onComplete();
        Thread.sleep(400);
        assertFalse(subscription.cancelled.get(), "it ended within the grace: never cancelled");

        PushedBody hanging = new PushedBody(Duration.ofMillis(100));
        Subscription hangingSubscription = new Subscription();
        hanging.onSubscribe(hangingSubscription);
        Thread other = deliverInBackground(hanging, new StringBuilder(), 3, new Throwable[1]);
        awaitDemand(hangingSubscription);
        hanging.onNext(bytes("abc"));
        other.join(5_000);
        hanging.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!hangingSubscription.cancelled.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(hangingSubscription.cancelled.get(), "a body that never ends is cancelled after the grace");
    }

    @Test
    void cancelEndsDeliveryDropsTheConnectionAndNothingReachesTheSinkAfter() throws Exception {
        PushedBody body = new PushedBody();
        Subscription subscription = new Subscription();
        body.onSubscribe(subscription);
        StringBuilder received = new StringBuilder();
        Throwable[] thrown = new Throwable[1];
        Thread thread = deliverInBackground(body, received, Integer.MAX_VALUE, thrown);
        awaitDemand(subscription);
        body.onNext(bytes("one"));
        body.cancel();
        thread.join(5_000);
        assertFalse(thread.isAlive());
        body.onNext(bytes("two"));
        assertEquals("one", received.toString());
        assertTrue(subscription.cancelled.get());
        assertEquals(null, thrown[0], "a cancel is not an error");
    }

    @Test
    void cancelWaitsForASinkCallInProgress() throws Exception {
        PushedBody body = new PushedBody();
        Subscription subscription = new Subscription();
        body.onSubscribe(subscription);
        CountDownLatch inSink = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean sinkReturned = new AtomicBoolean();
        Thread.ofVirtual().start(() -> {
            try {
                body.deliver((b, off, len) -> {
                    inSink.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    sinkReturned.set(true);
                    return true;
                });
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        awaitDemand(subscription);
        Thread pusher = Thread.ofVirtual().start(() -> body.onNext(bytes("x")));
        assertTrue(inSink.await(5, TimeUnit.SECONDS));
        Thread canceller = Thread.ofVirtual().start(body::cancel);
        canceller.join(200);
        assertTrue(canceller.isAlive(), "cancel returned while the sink was still running");
        release.countDown();
        canceller.join(5_000);
        assertFalse(canceller.isAlive());
        assertTrue(sinkReturned.get());
        pusher.join(5_000);
    }

    @Test
    void aBrokenConnectionIsAnIOExceptionFromDeliver() throws Exception {
        PushedBody body = new PushedBody();
        body.onSubscribe(new Subscription());
        Throwable[] thrown = new Throwable[1];
        Thread thread = deliverInBackground(body, new StringBuilder(), Integer.MAX_VALUE, thrown);
        IOException reset = new IOException("connection reset");
        body.onError(reset);
        thread.join(5_000);
        assertSame(reset, thrown[0]);
    }

    @Test
    void aSinkFailureCancelsTheCallAndIsRethrownByDeliver() throws Exception {
        PushedBody body = new PushedBody();
        Subscription subscription = new Subscription();
        body.onSubscribe(subscription);
        IllegalStateException malformed = new IllegalStateException("not JSON");
        Throwable[] thrown = new Throwable[1];
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                body.deliver((b, off, len) -> {
                    throw malformed;
                });
            } catch (IOException | RuntimeException e) {
                thrown[0] = e;
            }
        });
        awaitDemand(subscription);
        body.onNext(bytes("x"));
        thread.join(5_000);
        assertSame(malformed, thrown[0]);
        assertTrue(subscription.cancelled.get());
    }

    @Test
    void aConnectionThatBrokeBeforeDeliveryStillFailsDeliver() {
        PushedBody body = new PushedBody();
        body.onSubscribe(new Subscription());
        body.onError(new IOException("reset"));
        assertThrows(IOException.class, () -> body.deliver((b, off, len) -> true));
    }

    @Test
    void aCancelBeforeDeliveryMeansNothingIsDelivered() throws Exception {
        PushedBody body = new PushedBody();
        Subscription subscription = new Subscription();
        body.cancel();
        body.onSubscribe(subscription);
        StringBuilder received = new StringBuilder();
        body.deliver((b, off, len) -> received.append("x") != null);
        body.onNext(bytes("late"));
        assertEquals("", received.toString());
        assertTrue(subscription.cancelled.get());
        assertEquals(0, subscription.requested.get());
    }
}
