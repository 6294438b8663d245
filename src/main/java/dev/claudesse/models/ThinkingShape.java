package dev.claudesse.models;

import java.util.Locale;

/** The forms of Claude's request field {@code thinking} that a model accepts. */
public enum ThinkingShape {
    /** {@code {"type": "adaptive"}}: the model decides how much to think. */
    ADAPTIVE,
    /** {@code {"type": "enabled", "budget_tokens": n}}: manual extended thinking with a budget. */
    ENABLED,
    /** No thinking (the field left out, or {@code {"type": "disabled"}}). */
    DISABLED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
