package dev.claudesse.limits;

import dev.claudesse.config.SettingsSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * What anonymous visitors may do, per client address (docs/protocol.md, "Limits"): start so many answers a
 * minute, and become so many new anonymous owners an hour; and whether anonymous use is allowed at all.
 * Its settings are its own, read from the same source as every other setting:
 * CLAUDE_SSE_ANSWERS_PER_MINUTE_PER_ADDRESS and CLAUDE_SSE_NEW_OWNERS_PER_HOUR_PER_ADDRESS (unset or 0:
 * no limit), CLAUDE_SSE_TRUSTED_PROXIES (whose X-Forwarded-For is believed) and CLAUDE_SSE_ANONYMOUS.
 * It knows no servlet: the web layer hands it the socket's address and the forwarded-for header.
 */
public final class AbuseLimits {

    private static final Logger LOG = Logger.getLogger(AbuseLimits.class.getName());
    /** Addresses remembered per limit: about 200 bytes each, so a few megabytes at most. */
    static final int MAX_ADDRESSES = 20_000;

    /** The settings, as read. answersPerMinute and newOwnersPerHour are 0 when there is no such limit. */
    public record Config(int answersPerMinute, int newOwnersPerHour, AddressRanges trustedProxies,
                         boolean anonymous) {

        public static Config load(SettingsSource s) {
            return new Config(notNegative(s, "CLAUDE_SSE_ANSWERS_PER_MINUTE_PER_ADDRESS"),
                    notNegative(s, "CLAUDE_SSE_NEW_OWNERS_PER_HOUR_PER_ADDRESS"),
                    AddressRanges.parse("CLAUDE_SSE_TRUSTED_PROXIES", s.get("CLAUDE_SSE_TRUSTED_PROXIES")),
                    s.getBoolean("CLAUDE_SSE_ANONYMOUS", true));
        }

        private static int notNegative(SettingsSource s, String name) {
            int value = s.getInt(name, 0);
            if (value < 0) {
                throw new IllegalArgumentException("setting " + name + " must be 0 (no limit) or more");
            }
            return value;
        }

        @Override
        public String toString() {
            return "anonymous=" + (anonymous ? "allowed" : "refused")
                    + ", answersPerMinutePerAddress=" + (answersPerMinute == 0 ? "unlimited" : answersPerMinute)
                    + ", newOwnersPerHourPerAddress=" + (newOwnersPerHour == 0 ? "unlimited" : newOwnersPerHour)
                    + ", trustedProxies=" + trustedProxies;
        }
    }

    private final Config config;
    private final SlidingWindows answers;
    private final SlidingWindows newOwners;
    private final AtomicBoolean warnedAboutProxy = new AtomicBoolean();

    public AbuseLimits(Config config, SlidingWindows answers, SlidingWindows newOwners) {
        this.config = config;
        this.answers = answers;
        this.newOwners = newOwners;
    }

    public static AbuseLimits of(Config config) {
        return new AbuseLimits(config,
                config.answersPerMinute() == 0 ? null
                        : new SlidingWindows(config.answersPerMinute(), Duration.ofMinutes(1), MAX_ADDRESSES),
                config.newOwnersPerHour() == 0 ? null
                        : new SlidingWindows(config.newOwnersPerHour(), Duration.ofHours(1), MAX_ADDRESSES));
    }

    public static AbuseLimits load(SettingsSource source) {
        return of(Config.load(source));
    }

    /** No limits, anonymous use allowed: what the app did before these settings existed. */
    public static AbuseLimits none() {
        return of(new Config(0, 0, AddressRanges.NONE, true));
    }

    public Config config() {
        return config;
    }

    public boolean anonymousAllowed() {
        return config.anonymous();
    }

    /**
     * An anonymous visitor starts an answer: 0 when its address may (the start is counted), else the
     * seconds to wait (nothing counted).
     */
    public long answerStart(String socketAddress, List<String> forwardedFor) {
        return answers == null ? 0 : answers.tryAcquire(key(socketAddress, forwardedFor));
    }

    /** A new anonymous owner is about to be made: 0 when its address may have one more, else the seconds to wait. */
    public long newOwner(String socketAddress, List<String> forwardedFor) {
        return newOwners == null ? 0 : newOwners.tryAcquire(key(socketAddress, forwardedFor));
    }

    /** The limits' key of a request: its client's address, an IPv6 one by its /64. */
    String key(String socketAddress, List<String> forwardedFor) {
        InetAddress client = ClientAddress.resolve(socketAddress, forwardedFor, config.trustedProxies());
        if (client == null) {
            return "socket:" + socketAddress;
        }
        if (!forwardedFor.isEmpty() && !config.trustedProxies().contains(IpAddresses.parse(socketAddress))
                && warnedAboutProxy.compareAndSet(false, true)) {
            LOG.warning("a request from " + socketAddress + " carries X-Forwarded-For, but CLAUDE_SSE_TRUSTED_PROXIES "
                    + "does not list that address, so the header is ignored. If it is your proxy, every client behind "
                    + "it shares one address's limits: list it there (127.0.0.1 for a local nginx), unless the "
                    + "container already rewrites the address (Tomcat's RemoteIpValve, Jetty's http-forwarded).");
        }
        return IpAddresses.limitKey(client);
    }
}
