package dev.claudesse.metrics;

import dev.claudesse.config.SettingsSource;
import dev.claudesse.limits.AddressRanges;
import dev.claudesse.limits.IpAddresses;
import dev.claudesse.tokens.ApiTokens;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Who may read the metrics: clients whose socket address is in CLAUDE_SSE_METRICS_ALLOW (loopback by
 * default), and anyone presenting the metrics token as "Authorization: Bearer": its SHA-256 is compared
 * in constant time with CLAUDE_SSE_METRICS_TOKEN_HASH (the token's SHA-256 in hex), so neither the
 * settings nor a log hold a usable token. The metrics name no owner and no message, but they do show
 * traffic, models and spending.
 *
 * <p>A request a proxy forwarded (it carries Forwarded, X-Forwarded-For or X-Real-IP) needs the token: its
 * socket address is the proxy's, so behind nginx on the same machine every client of the internet would
 * otherwise come from loopback. The headers' values are not read, only whether they are there; a client
 * can add them but gains nothing by it, and a proxy cannot be made to leave them out.
 */
public final class MetricsAccess {

    static final String DEFAULT_ALLOW = "127.0.0.0/8,::1";
    private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-fA-F]{64}");
    private static final String BEARER = "bearer ";

    private final AddressRanges allowed;
    private final byte[] tokenDigest;

    MetricsAccess(AddressRanges allowed, byte[] tokenDigest) {
        this.allowed = allowed;
        this.tokenDigest = tokenDigest == null ? null : tokenDigest.clone();
    }

    /** Reads both settings; a malformed range or digest stops the start, like any malformed setting. */
    public static MetricsAccess load(SettingsSource settings) {
        return of(settings.get("CLAUDE_SSE_METRICS_ALLOW", DEFAULT_ALLOW),
                settings.get("CLAUDE_SSE_METRICS_TOKEN_HASH"));
    }

    /** allow: comma list of addresses and CIDR ranges, or "none"; tokenHash: 64 hex digits, or null. */
    static MetricsAccess of(String allow, String tokenHash) {
        AddressRanges ranges = allow.trim().equalsIgnoreCase("none") ? AddressRanges.NONE
                : AddressRanges.parse("CLAUDE_SSE_METRICS_ALLOW", allow);
        byte[] digest = null;
        if (tokenHash != null) {
            if (!HEX_DIGEST.matcher(tokenHash).matches()) {
                // the message never repeats the value: someone may have put the token itself there
                throw new IllegalArgumentException("setting CLAUDE_SSE_METRICS_TOKEN_HASH must be the 64 hex digits"
                        + " of the token's SHA-256 (e.g. `printf %s \"$TOKEN\" | sha256sum`)");
            }
            digest = HexFormat.of().parseHex(tokenHash);
        }
        return new MetricsAccess(ranges, digest);
    }

    /** The headers by which a proxy says it forwarded a request (those the project's nginx configuration sets). */
    static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Real-IP");

    /**
     * Whether a request may read the metrics. remoteAddr is the socket's peer (the servlet's getRemoteAddr());
     * header gives a request header's value or null (getHeader).
     */
    public boolean allows(String remoteAddr, Function<String, String> header) {
        return (!forwarded(header) && fromAllowedAddress(remoteAddr)) || hasToken(header.apply("Authorization"));
    }

    private static boolean forwarded(Function<String, String> header) {
        for (String name : FORWARDING_HEADERS) {
            if (header.apply(name) != null) {
                return true;
            }
        }
        return false;
    }

    boolean fromAllowedAddress(String remoteAddr) {
        return allowed.contains(IpAddresses.parse(remoteAddr));
    }

    boolean hasToken(String authorization) {
        if (tokenDigest == null || authorization == null || authorization.length() <= BEARER.length()
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return false;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return !token.isEmpty() && MessageDigest.isEqual(ApiTokens.digest(token), tokenDigest);
    }

    /** For the startup log: the ranges, and whether a token is set (never the digest). */
    @Override
    public String toString() {
        return "metrics from " + (allowed.isEmpty() ? "no address" : allowed)
                + (tokenDigest == null ? "" : " or with the metrics token");
    }
}
