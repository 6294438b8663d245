package dev.claudesse.stream;

import dev.claudesse.store.AnswerStatus;

/** How an answer ended: its terminal event and saved status follow from it. */
sealed interface Outcome {

    AnswerStatus status();

    record Done(String stopReason) implements Outcome {
        public AnswerStatus status() {
            return AnswerStatus.COMPLETE;
        }
    }

    record Stopped() implements Outcome {
        public AnswerStatus status() {
            return AnswerStatus.STOPPED;
        }
    }

    record Failed(String type, String message, boolean retryable, AnswerStatus status) implements Outcome {
        Failed(String type, String message, boolean retryable) {
            this(type, message, retryable, AnswerStatus.ERROR);
        }
    }
}
