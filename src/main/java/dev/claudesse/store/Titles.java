package dev.claudesse.store;

/** Makes a conversation's title from its first user message. */
final class Titles {

    static final int MAX_LENGTH = 60;
    static final String EMPTY_TITLE = "New conversation";
    private static final char ELLIPSIS = '\u2026';

    private Titles() {
    }

    /** The message on one line, cut at a word boundary near MAX_LENGTH with an ellipsis when longer. */
    static String fromFirstMessage(String message) {
        String line = message == null ? "" : message.strip().replaceAll("\\s+", " ");
        if (line.isEmpty()) {
            return EMPTY_TITLE;
        }
        if (line.codePointCount(0, line.length()) <= MAX_LENGTH) {
            return line;
        }
        int hardCut = line.offsetByCodePoints(0, MAX_LENGTH - 1);
        int space = line.lastIndexOf(' ', hardCut);
        // A word boundary in the second half of the cut keeps the title readable; one huge word is cut hard.
        int cut = space >= MAX_LENGTH / 2 ? space : hardCut;
        return line.substring(0, cut).stripTrailing() + ELLIPSIS;
    }
}
