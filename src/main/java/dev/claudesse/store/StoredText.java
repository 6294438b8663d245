package dev.claudesse.store;

/**
 * How text is kept in the database so that every character survives: PostgreSQL's text refuses U+0000,
 * which a user or Claude may send. U+0000 is written as ESCAPE followed by '0', and ESCAPE itself is
 * doubled; everything else is stored as it is. Both databases store the same, so data can move between
 * them. Sql applies it to every string parameter and to every string it reads, so equal values still
 * compare equal in WHERE clauses (an id with a NUL is simply not found).
 *
 * <p>ESCAPE is a private-use character no ordinary text contains. A row written before this encoding
 * existed reads back unchanged unless it held ESCAPE followed by '0' or by ESCAPE.
 */
final class StoredText {

    static final char ESCAPE = '\uE000';
    private static final char NUL = '\u0000';

    private StoredText() {
    }

    static String encode(String text) {
        if (text == null || (text.indexOf(NUL) < 0 && text.indexOf(ESCAPE) < 0)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == NUL) {
                out.append(ESCAPE).append('0');
            } else if (c == ESCAPE) {
                out.append(ESCAPE).append(ESCAPE);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String decode(String stored) {
        if (stored == null || stored.indexOf(ESCAPE) < 0) {
            return stored;
        }
        StringBuilder out = new StringBuilder(stored.length());
        for (int i = 0; i < stored.length(); i++) {
            char c = stored.charAt(i);
            char next = i + 1 < stored.length() ? stored.charAt(i + 1) : 0xFFFF;
            if (c == ESCAPE && next == '0') {
                out.append(NUL);
                i++;
            } else if (c == ESCAPE && next == ESCAPE) {
                out.append(ESCAPE);
                i++;
            } else {
                out.append(c); // a lone ESCAPE: text from before this encoding, kept as it is
            }
        }
        return out.toString();
    }
}
