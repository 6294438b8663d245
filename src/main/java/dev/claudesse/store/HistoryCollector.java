package dev.claudesse.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the earlier turns sent to Claude as context, from a conversation's messages read newest first.
 *
 * <p>Claude wants the turns to start with a user message and to alternate, and the engine appends the new
 * user message after them. So the history is made of whole pairs: a user message followed by an answer
 * that has text. An answer with no text (failed, interrupted or still streaming) is skipped together with
 * its question: the user usually asks again, so keeping the question would say it twice. A stopped or
 * failed answer that has text is kept as it was. When the pairs exceed the budget, the oldest go first;
 * a pair is never cut in half.
 */
final class HistoryCollector {

    private final long budgetChars;
    private final List<Turn> newestFirst = new ArrayList<>();
    /** The message id of each kept question, newest first (null when the caller gave none). */
    private final List<String> questionIds = new ArrayList<>();
    private long usedChars;
    private String pendingAnswer;
    private boolean full;

    /** budgetChars: the most characters of history to send (tokens are about chars / 4). */
    HistoryCollector(long budgetChars) {
        this.budgetChars = budgetChars;
    }

    /** Takes the next older message; returns false once the budget is full and older ones are not needed. */
    boolean offer(String role, String text) {
        return offer(role, text, null);
    }

    /** offer(role, text), remembering a question's id so its files can be sent with it (see turns(files)). */
    boolean offer(String role, String text, String id) {
        if (full) {
            return false;
        }
        if ("assistant".equals(role)) {
            pendingAnswer = text == null || text.isBlank() ? null : text;
        } else if ("user".equals(role)) {
            if (pendingAnswer != null) {
                addPair(text == null ? "" : text, pendingAnswer, id);
            }
            pendingAnswer = null;
        }
        return !full;
    }

    /**
     * Takes the next older message when it is longer than remainingChars() (its text is not read): an
     * answer that long cannot fit, nor can a question that long with its answer.
     */
    boolean offerTooLong(String role) {
        if ("assistant".equals(role) || ("user".equals(role) && pendingAnswer != null)) {
            full = true;
        }
        pendingAnswer = null;
        return !full;
    }

    /** Characters of budget left: an older message longer than this cannot be sent. */
    long remainingChars() {
        return budgetChars - usedChars;
    }

    private void addPair(String question, String answer, String id) {
        long size = (long) question.length() + answer.length();
        if (usedChars + size > budgetChars) {
            full = true;
            return;
        }
        usedChars += size;
        newestFirst.add(new Turn("assistant", answer));
        newestFirst.add(new Turn("user", question));
        questionIds.add(id);
    }

    /** The ids of the kept questions, newest first. */
    List<String> questionIds() {
        return questionIds.stream().filter(Objects::nonNull).toList();
    }

    /** The kept turns, oldest first, each question with its files from filesById (absent: none). */
    List<Turn> turns(Map<String, List<AttachmentData>> filesById) {
        List<Turn> turns = new ArrayList<>(newestFirst.size());
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            Turn turn = newestFirst.get(i);
            String id = turn.role().equals("user") ? questionIds.get(i / 2) : null;
            List<AttachmentData> files = id == null ? null : filesById.get(id);
            turns.add(files == null ? turn : new Turn(turn.role(), turn.text(), files));
        }
        return List.copyOf(turns);
    }

    /** The kept turns, oldest first. */
    List<Turn> turns() {
        List<Turn> turns = new ArrayList<>(newestFirst);
        Collections.reverse(turns);
        return List.copyOf(turns);
    }
}
