package dev.claudesse.claude;

/**
 * The {@code thinking} field of a Claude request: adaptive (the model decides how much; display, when
 * set, asks for the thinking text in that form), or enabled with a token budget (manual extended
 * thinking, which newer models refuse).
 */
public record Thinking(boolean adaptive, Integer budgetTokens, String display) {

    public static Thinking adaptive(String display) {
        return new Thinking(true, null, display);
    }

    public static Thinking budget(int tokens) {
        return new Thinking(false, tokens, null);
    }
}
