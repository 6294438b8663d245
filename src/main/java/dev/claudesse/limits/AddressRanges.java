package dev.claudesse.limits;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A setting's list of IP addresses and CIDR ranges, IPv4 or IPv6, separated by commas or spaces: the
 * proxies whose X-Forwarded-For is believed (CLAUDE_SSE_TRUSTED_PROXIES), the addresses that may read the
 * metrics (CLAUDE_SSE_METRICS_ALLOW). Literals only: neither a setting nor a request ever causes a DNS lookup.
 */
public final class AddressRanges {

    public static final AddressRanges NONE = new AddressRanges(List.of());

    private record Range(byte[] network, int bits) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false; // IPv4 never falls in an IPv6 range or the other way round
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

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
            } catch (UnknownHostException e) {
                return "?/" + bits;
            }
        }
    }

    private final List<Range> ranges;

    private AddressRanges(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /**
     * Reads the value of the named setting; null or blank is {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the setting and the entry that is not an address or a range
     */
    public static AddressRanges parse(String setting, String value) {
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
                throw invalid(setting, entry);
            }
            byte[] network = address.getAddress();
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw invalid(setting, entry);
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw invalid(setting, entry);
                }
            }
            ranges.add(new Range(network, bits));
        }
        return new AddressRanges(ranges);
    }

    private static IllegalArgumentException invalid(String setting, String entry) {
        return new IllegalArgumentException("setting " + setting + ": '" + entry
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
        return ranges.isEmpty() ? "none" : ranges.toString();
    }
}
