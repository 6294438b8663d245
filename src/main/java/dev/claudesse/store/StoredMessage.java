package dev.claudesse.store;

import dev.claudesse.claude.StopDetails;
import dev.claudesse.claude.Usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One saved message of a conversation. A user message has status COMPLETE, no usage and no cost.
 * cost is null when unknown (no price for the model, or the answer has not finished). replaces is the id
 * of the answer this one was regenerated in place of, else null. attachments are a question's saved files
 * (without their bytes), empty for answers.
 */
public record StoredMessage(String id, int position, String role, String text, String thinking, String model,
                            AnswerStatus status, String stopReason, Usage usage, BigDecimal cost,
                            boolean costEstimated, String requestId, String errorType, String errorMessage,
                            Instant createdAt, Instant firstTokenAt, Instant finishedAt, StopDetails stopDetails,
                            String replaces, List<AttachmentInfo> attachments) {

    public StoredMessage {
        attachments = List.copyOf(attachments);
    }

    public StoredMessage withAttachments(List<AttachmentInfo> files) {
        return new StoredMessage(id, position, role, text, thinking, model, status, stopReason, usage, cost,
                costEstimated, requestId, errorType, errorMessage, createdAt, firstTokenAt, finishedAt, stopDetails,
                replaces, files);
    }
}
