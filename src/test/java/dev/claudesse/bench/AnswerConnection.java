package dev.claudesse.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One answer over one non-blocking HTTP/1.1 connection: sends the request, reads the status and headers,
 * undoes chunked transfer encoding, reads the event stream, and records its times into {@link RunFigures}.
 * The answer completes at its done event and fails on anything else that ends it.
 */
final class AnswerConnection implements EventStreamReader.Listener {

    private enum Phase { CONNECTING, SENDING, HEAD, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, IDENTITY, FINISHED }

    private final RunFigures figures;
    private final ByteBuffer request;
    private final EventStreamReader events;
    private final SocketChannel channel;
    private final long startNanos;
    private SelectionKey key;
    private Phase phase = Phase.CONNECTING;
    private byte[] head = new byte[512];
    private int headLength;
    private long chunkLeft;
    private boolean inChunkExtension;
    private int chunkEndLeft;
    private boolean sawChunk;
    private boolean streamOpen;

    private AnswerConnection(RunFigures figures, byte[] request, LoadTarget target, SocketChannel channel) {
        this.figures = figures;
        this.request = ByteBuffer.wrap(request);
        this.events = new EventStreamReader(target.chunkEvent(), target.doneEvent(), "error", this);
        this.channel = channel;
        this.startNanos = System.nanoTime();
    }

    /** Starts connecting; the answer's times count from here, as a browser's would. */
    static AnswerConnection open(Selector selector, RunFigures figures, byte[] request, LoadTarget target) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            AnswerConnection answer = new AnswerConnection(figures, request, target, channel);
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = channel.connect(new InetSocketAddress(target.host(), target.port()));
            answer.key = channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, answer);
            if (connected) {
                answer.phase = Phase.SENDING;
            }
            return answer;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            figures.failure("connect: " + e.getClass().getSimpleName());
            return null;
        }
    }

    boolean finished() {
        return phase == Phase.FINISHED;
    }

    void onReady(ByteBuffer readBuffer) {
        try {
            if (phase == Phase.CONNECTING && key.isConnectable()) {
                channel.finishConnect();
                phase = Phase.SENDING;
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (phase == Phase.SENDING && key.isWritable()) {
                send();
            }
            if (key.isValid() && key.isReadable()) {
                receive(readBuffer);
            }
        } catch (IOException | RuntimeException e) {
            fail("io: " + e.getClass().getSimpleName());
        }
    }

    /** Ends an answer that outlived the run's time bound. */
    void timeOut() {
        fail("timeout");
    }

    private void send() throws IOException {
        channel.write(request);
        if (!request.hasRemaining()) {
            phase = Phase.HEAD;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void receive(ByteBuffer buffer) throws IOException {
        buffer.clear();
        int read = channel.read(buffer);
        long now = System.nanoTime();
        if (read < 0) {
            fail(phase == Phase.HEAD ? "closed before headers" : "closed before done");
            return;
        }
        byte[] bytes = buffer.array();
        int i = 0;
        while (i < read && phase != Phase.FINISHED) {
            i = switch (phase) {
                case HEAD -> readHead(bytes, i, read, now);
                case CHUNK_SIZE -> readChunkSize(bytes, i, read);
                case CHUNK_DATA -> readChunkData(bytes, i, read, now);
                case CHUNK_END -> skipChunkEnd(i);
                case IDENTITY -> feed(bytes, i, read, now);
                default -> read;
            };
        }
    }

    private int readHead(byte[] bytes, int from, int to, long now) {
        int i = from;
        while (i < to) {
            if (headLength == head.length) {
                head = java.util.Arrays.copyOf(head, head.length * 2);
            }
            head[headLength++] = bytes[i++];
            if (headLength >= 4 && head[headLength - 1] == '\n' && head[headLength - 2] == '\r'
                    && head[headLength - 3] == '\n' && head[headLength - 4] == '\r') {
                headersArrived(now);
                return i;
            }
        }
        return i;
    }

    private void headersArrived(long now) {
        String text = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
        int status = text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
        if (status != 200) {
            fail("HTTP " + status);
            return;
        }
        figures.headers.add(now - startNanos);
        figures.open++;
        streamOpen = true;
        boolean chunked = text.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
        phase = chunked ? Phase.CHUNK_SIZE : Phase.IDENTITY;
        head = null;
    }

    private int readChunkSize(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            byte b = bytes[i++];
            if (b == '\n') {
                if (chunkLeft == 0) {
                    fail("body ended before done");
                } else {
                    phase = Phase.CHUNK_DATA;
                }
                inChunkExtension = false;
                return i;
            }
            int digit = Character.digit(b, 16);
            if (b == ';') {
                inChunkExtension = true;
            } else if (digit >= 0 && !inChunkExtension) {
                chunkLeft = chunkLeft * 16 + digit;
            }
        }
        return i;
    }

    private int readChunkData(byte[] bytes, int from, int to, long now) {
        int take = (int) Math.min(chunkLeft, to - from);
        feed(bytes, from, from + take, now);
        chunkLeft -= take;
        if (chunkLeft == 0) {
            phase = phase == Phase.FINISHED ? Phase.FINISHED : Phase.CHUNK_END;
            chunkEndLeft = 2;
        }
        return from + take;
    }

    private int skipChunkEnd(int i) {
        if (--chunkEndLeft == 0) {
            phase = Phase.CHUNK_SIZE;
        }
        return i + 1;
    }

    private int feed(byte[] bytes, int from, int to, long now) {
        events.feed(bytes, from, to, now);
        return to;
    }

    @Override
    public void onEvent(int kind, byte[] data, int dataLength, long receivedNanos) {
        if (phase == Phase.FINISHED) {
            return;
        }
        switch (kind) {
            case EventStreamReader.CHUNK -> chunk(data, dataLength, receivedNanos);
            case EventStreamReader.DONE -> complete();
            case EventStreamReader.ERROR -> fail("error event");
            default -> { }
        }
    }

    private void chunk(byte[] data, int dataLength, long receivedNanos) {
        int found = SendTimes.record(data, dataLength, receivedNanos, figures.delays);
        if (found == 0) {
            return;
        }
        if (!sawChunk) {
            sawChunk = true;
            figures.firstChunk.add(receivedNanos - startNanos);
        }
        figures.chunksArrived(found, receivedNanos);
    }

    private void complete() {
        figures.completed++;
        finish();
    }

    private void fail(String reason) {
        if (phase == Phase.FINISHED) {
            return;
        }
        figures.failure(reason);
        finish();
    }

    private void finish() {
        phase = Phase.FINISHED;
        if (streamOpen) {
            figures.open--;
            streamOpen = false;
        }
        if (key != null) {
            key.cancel();
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
