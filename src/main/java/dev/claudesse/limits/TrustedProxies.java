package dev.claudesse.limits;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies whose X-Forwarded-For the app believes (CLAUDE_SSE_TRUSTED_PROXIES): addresses and CIDR
 * ranges, IPv4 or IPv6, separated by commas or spaces. Empty: no proxy is believed, every client is its
 * socket's address.
 */
public final class TrustedProxies {

    public static final TrustedProxies NONE = new TrustedProxies(List.of(), "");

    private record Range(byte[] network, int bits) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Range> ranges;
    private final String text;

    private TrustedProxies(List<Range> ranges, String text) {
        this.ranges = List.copyOf(ranges);
        this.text = text;
    }

    /**
     * Reads the setting's value; null or blank is {@link #NONE}.
     *
     * @throws IllegalArgumentException for an entry that is not an IP address or a CIDR range
     */
    public static TrustedProxies parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        List<Range> ranges = new ArrayList<>();
        for (String entry : value.strip().split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            InetAddress address = IpAddresses.parse(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null || entry.startsWith("[")) {
                throw invalid(entry);
            }
            byte[] network = address.getAddress();
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw invalid(entry);
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw invalid(entry);
                }
            }
            ranges.add(new Range(network, bits));
        }
        return new TrustedProxies(ranges, value.strip());
    }

    private static IllegalArgumentException invalid(String entry) {
        return new IllegalArgumentException("setting CLAUDE_SSE_TRUSTED_PROXIES: '" + entry
                + "' is not an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8");
    }

    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    @Override
    public String toString() {
        return ranges.isEmpty() ? "none" : text;
    }
}
