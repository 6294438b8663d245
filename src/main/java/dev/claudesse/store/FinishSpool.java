package dev.claudesse.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudesse.claude.StopDetails;
import dev.claudesse.claude.Usage;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of finished answers that could not be written to the database yet: one JSON object per line,
 * forced to disk before append() returns, so an answer survives a crash while the database is down.
 * Appends and removals are synchronized; reading is not, so a slow drain never holds up an append.
 */
final class FinishSpool {

    private static final System.Logger LOG = System.getLogger(FinishSpool.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    FinishSpool(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    synchronized boolean isEmpty() {
        try {
            return !Files.exists(file) || Files.size(file) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void append(AnswerEnd end) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] line = (encode(end) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            // A line torn by a crash would swallow this entry: end it first (it is skipped when read).
            ByteBuffer buffer = ByteBuffer.wrap(endsTorn(channel) ? prefixNewline(line) : line);
            long position = channel.size(); // at the end: appends hold this object's lock
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            channel.force(true);
        }
    }

    private static boolean endsTorn(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return false;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, size - 1);
        return last.get(0) != '\n';
    }

    private static byte[] prefixNewline(byte[] line) {
        byte[] out = new byte[line.length + 1];
        out[0] = '\n';
        System.arraycopy(line, 0, out, 1, line.length);
        return out;
    }

    /**
     * Reads the entries present now, oldest first, one line at a time: the file may be far larger than
     * memory after a long outage. Entries appended while reading are left for the next read.
     */
    synchronized Reader read() throws IOException {
        // Appends hold this lock, so every byte before this size belongs to a whole line, or to a line
        // torn by a crash (never to an append in progress).
        long size = Files.exists(file) ? Files.size(file) : 0;
        return new Reader(size == 0 ? null : new BufferedInputStream(Files.newInputStream(file), 64 * 1024), size);
    }

    /** Every readable entry, oldest first (for tests and small files). */
    List<AnswerEnd> readAll() throws IOException {
        List<AnswerEnd> ends = new ArrayList<>();
        try (Reader reader = read()) {
            for (Entry entry; (entry = reader.next()) != null; ) {
                if (entry.end() != null) {
                    ends.add(entry.end());
                }
            }
        }
        return ends;
    }

    /**
     * Removes the first bytes of the file: the entries a drain has dealt with. Entries appended since the
     * drain began stay (the rest is copied to a new file that replaces this one), so an answer spooled by
     * close() while a slow drain runs is never lost.
     */
    synchronized void removeFirst(long bytes) throws IOException {
        if (bytes <= 0 || !Files.exists(file)) {
            return;
        }
        if (bytes >= Files.size(file)) {
            Files.delete(file);
            return;
        }
        Path rest = file.resolveSibling(file.getFileName() + ".rest");
        try (FileChannel from = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel to = FileChannel.open(rest, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            long position = bytes;
            long size = from.size();
            while (position < size) {
                position += from.transferTo(position, size - position, to);
            }
            to.force(true);
        }
        Files.move(rest, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Empties the file (tests). */
    synchronized void clear() throws IOException {
        Files.deleteIfExists(file);
    }

    /** One line of the spool: its answer (null when unreadable) and the byte position after the line. */
    record Entry(AnswerEnd end, long endOffset) {
    }

    /** Reads lines up to the size the file had when opened; a line is decoded only when asked for. */
    final class Reader implements AutoCloseable {
        private final InputStream in;
        private final long limit;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private long offset;

        private Reader(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        /** The next line, or null at the end. A blank, torn or corrupt line comes back with a null answer. */
        Entry next() throws IOException {
            while (in != null && offset < limit) {
                line.reset();
                while (offset < limit) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    offset++;
                    if (b == '\n') {
                        break;
                    }
                    line.write(b);
                }
                // Malformed UTF-8 (a crash in the middle of a character) becomes U+FFFD, then fails below.
                String text = line.toString(StandardCharsets.UTF_8);
                if (text.isBlank()) {
                    continue;
                }
                try {
                    return new Entry(decode(text), offset);
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "skipping an unreadable line of the spool " + file + ": " + e);
                    return new Entry(null, offset);
                }
            }
            return null;
        }

        /** The byte position after the last line returned. */
        long offset() {
            return offset;
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }

    static String encode(AnswerEnd end) {
        Usage usage = end.usage() == null ? Usage.NONE : end.usage();
        ObjectNode node = JSON.createObjectNode();
        node.put("messageId", end.messageId());
        node.put("status", end.status().name());
        node.put("stopReason", end.stopReason());
        node.put("text", end.text());
        node.put("thinking", end.thinking());
        node.put("inputTokens", usage.inputTokens());
        node.put("outputTokens", usage.outputTokens());
        node.put("cacheCreationInputTokens", usage.cacheCreationInputTokens());
        node.put("cacheCreation5mTokens", usage.cacheCreation5mTokens());
        node.put("cacheCreation1hTokens", usage.cacheCreation1hTokens());
        node.put("cacheReadInputTokens", usage.cacheReadInputTokens());
        node.put("cost", end.cost() == null ? null : end.cost().toPlainString());
        node.put("costEstimated", end.costEstimated());
        node.put("requestId", end.requestId());
        node.put("errorType", end.errorType());
        node.put("errorMessage", end.errorMessage());
        node.put("firstTokenAt", end.firstTokenAt() == null ? null : end.firstTokenAt().toString());
        node.put("finishedAt", end.finishedAt() == null ? null : end.finishedAt().toString());
        if (end.stopDetails() != null) {
            node.putObject("stopDetails").put("type", end.stopDetails().type())
                    .put("category", end.stopDetails().category()).put("explanation", end.stopDetails().explanation());
        }
        return node.toString();
    }

    static AnswerEnd decode(String line) throws IOException {
        JsonNode node = JSON.readTree(line);
        Usage usage = new Usage(node.path("inputTokens").asLong(), node.path("outputTokens").asLong(),
                node.path("cacheCreationInputTokens").asLong(), node.path("cacheCreation5mTokens").asLong(),
                node.path("cacheCreation1hTokens").asLong(), node.path("cacheReadInputTokens").asLong());
        String cost = text(node, "cost");
        String firstToken = text(node, "firstTokenAt");
        String finished = text(node, "finishedAt");
        return new AnswerEnd(node.get("messageId").asText(), AnswerStatus.valueOf(node.get("status").asText()),
                text(node, "stopReason"), text(node, "text"), text(node, "thinking"), usage,
                cost == null ? null : new BigDecimal(cost), node.path("costEstimated").asBoolean(),
                text(node, "requestId"), text(node, "errorType"), text(node, "errorMessage"),
                firstToken == null ? null : Instant.parse(firstToken),
                finished == null ? null : Instant.parse(finished), stopDetails(node.get("stopDetails")));
    }

    private static StopDetails stopDetails(JsonNode node) {
        return node == null || !node.isObject() ? null
                : new StopDetails(text(node, "type"), text(node, "category"), text(node, "explanation"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
