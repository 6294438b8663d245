package dev.claudesse.web;

import dev.claudesse.config.SettingsSource;
import dev.claudesse.tokens.ApiTokens;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may read the operators' pages (usage.html and its api/usage): a container-authenticated user in the
 * role {@value #ROLE}, or the caller of an API token whose owner name (the first word of its line in the
 * tokens file) is listed in {@value #SETTING}. The token itself is matched by {@link ApiTokens} (its digest
 * compared in constant time with every entry); the owner names are no secrets. Nobody else is an operator:
 * not an anonymous owner, not a user without the role, not another token.
 */
final class Operators {

    static final String ROLE = "claude-sse-admin";
    static final String SETTING = "CLAUDE_SSE_ADMIN_TOKEN_OWNERS";
    private static final String TOKEN = "token:";
    private static final String ANONYMOUS = "anon:";

    private final Set<String> tokenOwners;

    Operators(Set<String> tokenOwners) {
        this.tokenOwners = Set.copyOf(tokenOwners);
    }

    /** The token owner names of the setting, a comma list (empty: no token is an operator's). */
    static Operators of(SettingsSource settings) {
        String names = settings.get(SETTING);
        return new Operators(names == null ? Set.of() : Arrays.stream(names.split(","))
                .map(String::strip).filter(name -> !name.isEmpty()).collect(Collectors.toUnmodifiableSet()));
    }

    /**
     * Whether the request is an operator's.
     *
     * @throws ApiException 401 for an unknown token on a request nothing else identifies, as on every endpoint
     */
    boolean allows(HttpServletRequest req, ApiTokens tokens) {
        String owner = Owners.existing(req, tokens);
        if (req.getUserPrincipal() != null && req.isUserInRole(ROLE)) {
            return true;
        }
        return owner != null && owner.startsWith(TOKEN) && tokenOwners.contains(owner.substring(TOKEN.length()));
    }

    /**
     * Whether the request carries credentials for the container rather than an API token (an Authorization
     * header of another scheme than Bearer, e.g. Basic), without a user signed in yet: the WAR constrains no
     * URL, so a container checks them only when the app asks ({@link #authenticate}).
     */
    static boolean carriesLogin(HttpServletRequest req) {
        String authorization = req.getHeader("Authorization");
        return authorization != null && !authorization.isBlank() && req.getUserPrincipal() == null
                && !authorization.strip().toLowerCase(Locale.ROOT).startsWith("bearer ");
    }

    /**
     * Asks the container to sign the caller in with its login (HttpServletRequest.authenticate). False when the
     * container has answered the request itself (a challenge, or a refusal of wrong credentials); true when the
     * request goes on, signed in or not (no login configured: nobody is signed in, and the role check fails).
     */
    static boolean authenticate(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            return req.authenticate(resp);
        } catch (ServletException | IllegalStateException e) {
            return true; // no login mechanism: nobody is signed in
        }
    }

    /**
     * An owner as the usage page shows it. An anonymous owner's id is its cookie, a credential: it is shown as
     * a short digest instead, which tells owners apart and cannot be used as a cookie. Other owners are names.
     */
    static String shown(String owner) {
        if (owner == null || !owner.startsWith(ANONYMOUS)) {
            return owner;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(owner.getBytes(StandardCharsets.UTF_8));
            return ANONYMOUS + "#" + HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
