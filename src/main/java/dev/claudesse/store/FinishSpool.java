package dev.claudesse.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudesse.claude.StopDetails;
import dev.claudesse.claude.Usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of finished answers that could not be written to the database yet: one JSON object per line,
 * forced to disk before append() returns, so an answer survives a crash while the database is down.
 * Used by one thread at a time (the store's writer, or close()).
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

    boolean isEmpty() {
        try {
            return !Files.exists(file) || Files.size(file) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void append(AnswerEnd end) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] line = (encode(end) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Every readable entry, oldest first. A torn last line (a crash while writing it) is skipped. */
    synchronized List<AnswerEnd> readAll() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<AnswerEnd> ends = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                ends.add(decode(line));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "skipping an unreadable line of the spool " + file + ": " + e);
            }
        }
        return ends;
    }

    /** Empties the file once all its entries are in the database. */
    synchronized void clear() throws IOException {
        Files.deleteIfExists(file);
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
