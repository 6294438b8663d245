package dev.claudesse.config;

import java.util.function.Function;

/**
 * Where a setting's value comes from. One name serves all three places; the first non-blank wins:
 * servlet context parameter, then Java system property, then environment variable.
 */
public final class SettingsSource {

    private final Function<String, String> contextParameters;

    public SettingsSource(Function<String, String> contextParameters) {
        this.contextParameters = contextParameters;
    }

    public static SettingsSource ofSystem() {
        return new SettingsSource(name -> null);
    }

    public String get(String name) {
        String value = contextParameters.apply(name);
        if (isBlank(value)) {
            value = System.getProperty(name);
        }
        if (isBlank(value)) {
            value = System.getenv(name);
        }
        return isBlank(value) ? null : value.trim();
    }

    public String get(String name, String fallback) {
        String value = get(name);
        return value == null ? fallback : value;
    }

    public long getLong(String name, long fallback) {
        String value = get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + name + " must be a whole number, not '" + value + "'");
        }
    }

    public int getInt(String name, int fallback) {
        return Math.toIntExact(getLong(name, fallback));
    }

    public boolean getBoolean(String name, boolean fallback) {
        String value = get(name);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("setting " + name + " must be true or false");
        };
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
