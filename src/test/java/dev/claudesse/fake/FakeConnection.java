package dev.claudesse.fake;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One client connection. A reader thread reads requests all the time, so it notices the moment the
 * client closes even while a response is paused; the connection's own thread answers them in order.
 */
final class FakeConnection {

    /** A request together with the script chosen for it. */
    record Exchange(RecordedRequest request, Script script) {
    }

    private static final Exchange END = new Exchange(null, null);

    private final Socket socket;
    private final int number;
    private final FakeClaude server;
    private final OutputStream out;
    private final BlockingQueue<Exchange> exchanges = new LinkedBlockingQueue<>();
    private final CompletableFuture<Instant> clientClosed = new CompletableFuture<>();
    private volatile boolean closingByFake;

    FakeConnection(Socket socket, int number, FakeClaude server) throws IOException {
        this.socket = socket;
        this.number = number;
        this.server = server;
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
    }

    /** Runs the connection on the calling thread; the reader gets a virtual thread of its own. */
    void serve() {
        Thread.ofVirtual().name("fake-claude-reader-" + number).start(this::readRequests);
        try {
            Exchange exchange;
            while ((exchange = exchanges.take()) != END) {
                if (!ScriptPlayer.play(this, exchange) || "close".equalsIgnoreCase(exchange.request().header("connection"))) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away mid-response; the write already recorded when.
        } finally {
            close();
        }
    }

    int number() {
        return number;
    }

    /** True once either side closed the connection. */
    boolean gone() {
        return clientClosed.isDone() || closingByFake || socket.isClosed();
    }

    /** Writes and flushes; a failed write counts as the client closing. */
    void write(byte[] bytes) throws IOException {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            noteClientClosed();
            throw e;
        }
    }

    /** Closes abruptly: RST instead of FIN, so the client sees a reset, not a clean end. */
    void reset() {
        closingByFake = true;
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // Already closed: nothing to reset.
        }
        close();
    }

    void close() {
        closingByFake = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is best effort.
        }
    }

    /** Blocks until the client closes; returns at once if the fake closes the connection itself. */
    void awaitGone() throws InterruptedException {
        while (!gone()) {
            try {
                clientClosed.get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException ignored) {
                // Check again.
            }
        }
    }

    /** When the client closed this connection; fails the test on timeout. */
    Instant awaitClientClose(Duration timeout) throws InterruptedException {
        try {
            return clientClosed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("client did not close connection " + number + " within " + timeout
                    + (closingByFake ? " (the fake closed it first)" : ""));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private void noteClientClosed() {
        if (!closingByFake) {
            clientClosed.complete(Instant.now());
        }
    }

    private void readRequests() {
        // Not try-with-resources: closing the stream closes the socket, and the serving thread would then
        // count the close as its own before the client's close is noted below.
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            while (true) {
                String requestLine = readLine(in);
                if (requestLine == null) {
                    break;
                }
                if (requestLine.isEmpty()) {
                    continue; // Tolerated between requests.
                }
                exchanges.put(readRest(requestLine, in));
            }
        } catch (IOException | InterruptedException e) {
            // A reset by the client, or the fake closing: both end the connection.
        } finally {
            noteClientClosed();
            exchanges.add(END);
        }
    }

    private Exchange readRest(String requestLine, InputStream in) throws IOException {
        String[] words = requestLine.split(" ");
        if (words.length != 3) {
            throw new IOException("bad request line: " + requestLine);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue; // Not a header; the JDK client never sends such lines.
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
        if (line == null) {
            throw new EOFException("connection closed inside the request headers");
        }
        List<String> length = headers.get("content-length");
        int size = length == null ? 0 : Integer.parseInt(length.get(0));
        byte[] body = in.readNBytes(size);
        if (body.length < size) {
            throw new EOFException("connection closed inside the request body");
        }
        return server.arrived(words[0], words[1], headers, new String(body, StandardCharsets.UTF_8), this);
    }

    /** One line without its CRLF (or LF); null at end of stream before any byte. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    }
}
