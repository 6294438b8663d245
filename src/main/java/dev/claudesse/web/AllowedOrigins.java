package dev.claudesse.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The origins (scheme://host[:port]) whose pages may call the API from another origin, from the comma
 * list in CLAUDE_SSE_CORS_ORIGINS. Matching is exact: no wildcards, since answers go out with cookies.
 */
public record AllowedOrigins(Set<String> origins) {

    public static final AllowedOrigins NONE = new AllowedOrigins(Set.of());

    /** Parses the setting; a blank or absent value allows no other origin. Refuses anything but plain origins. */
    public static AllowedOrigins parse(String setting) {
        if (setting == null || setting.isBlank()) {
            return NONE;
        }
        return new AllowedOrigins(Stream.of(setting.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(AllowedOrigins::normalize)
                .collect(Collectors.toUnmodifiableSet()));
    }

    public boolean isEmpty() {
        return origins.isEmpty();
    }

    /** Whether the Origin header a browser sent names an allowed origin. */
    public boolean allows(String origin) {
        return origin != null && !origins.isEmpty() && origins.contains(origin.toLowerCase(Locale.ROOT));
    }

    /** Browsers send origins in lower case, without a path or a trailing slash; configured ones are made alike. */
    private static String normalize(String origin) {
        String value = origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
        if (value.equals("*") || value.equalsIgnoreCase("null")) {
            throw invalid(origin, "list each origin exactly; '*' and 'null' are refused because the API sends cookies");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(origin, "not a valid origin");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean plain = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                && uri.getRawPath().isEmpty() && uri.getRawQuery() == null && uri.getRawFragment() == null
                && uri.getRawUserInfo() == null;
        if (!plain) {
            throw invalid(origin, "expected scheme://host[:port], for example https://app.example.com");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private static IllegalArgumentException invalid(String origin, String why) {
        return new IllegalArgumentException("setting CLAUDE_SSE_CORS_ORIGINS: '" + origin + "': " + why);
    }
}
